"""Golden tests from real, published election results.

Each folder next to this file holds one round as it was published: ``round.json`` (the
round as ``huanjie.round/1`` input), ``published.json`` (what the source says, as data)
and ``README.md`` (source, quotations, transcription, what was inferred). The engine must
reach the published result. If it does not, the disagreement is reported, not hidden:
these tests are never weakened to match the engine.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from huanjie.core.count import decide_round, outcome_to_json, parse_round
from huanjie.core.rules import load_profile

HERE = Path(__file__).parent
SCHEMAS = HERE.parents[1] / "docs" / "schemas"
CASES = sorted(p for p in HERE.iterdir() if p.is_dir() and (p / "round.json").is_file())


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _decide(case: Path) -> dict[str, Any]:
    return outcome_to_json(decide_round(parse_round(_load(case / "round.json"), load_profile)))


def _posts(outcome: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in outcome["posts"]}


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_there_are_cases() -> None:
    assert CASES, "no case folders found under tests/cases"


def test_case_folder_is_complete(case: Path) -> None:
    for name in ("round.json", "published.json", "README.md"):
        assert (case / name).is_file(), f"{case.name}: {name} missing"
    source = _load(case / "published.json")["source"]
    for key in ("url", "title", "date", "retrieved_via"):
        assert source.get(key), f"{case.name}: source.{key} missing"


def test_round_and_outcome_follow_the_published_schemas(case: Path) -> None:
    for data, schema in (
        (_load(case / "round.json"), "round"),
        (_decide(case), "outcome"),
    ):
        validator = Draft202012Validator(_load(SCHEMAS / f"{schema}.schema.json"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, f"{case.name}: {schema}: {errors}"


def test_round_parses_and_is_valid_as_published(case: Path) -> None:
    outcome = _decide(case)
    published = _load(case / "published.json")
    if "valid" in published:
        assert outcome["valid"] is published["valid"]


def test_elected_per_post_as_published(case: Path) -> None:
    outcome = _decide(case)
    published = _load(case / "published.json")
    posts = _posts(outcome)
    for post, names in published["elected"].items():
        assert post in posts, f"{case.name}: post {post} not in the round"
        # Order within a post is not part of the published result; multiplicity is.
        assert Counter(posts[post]["elected"]) == Counter(names), (
            f"{case.name}: {post}: engine elected {posts[post]['elected']}, published {names}"
        )


def test_not_elected_as_published(case: Path) -> None:
    published = _load(case / "published.json")
    not_elected = published.get("not_elected", {})
    if not not_elected:
        pytest.skip("the source names no candidate as not elected")
    posts = _posts(_decide(case))
    for post, names in not_elected.items():
        for name in names:
            assert name not in posts[post]["elected"]


def test_unfilled_seats_as_published(case: Path) -> None:
    published = _load(case / "published.json")
    if "unfilled" not in published:
        pytest.skip("the source does not say how many seats stayed open")
    posts = _posts(_decide(case))
    for post, count in published["unfilled"].items():
        assert posts[post]["unfilled"] == count, f"{case.name}: {post}"


def test_additional_round_as_published(case: Path) -> None:
    published = _load(case / "published.json")
    if "additional_round" not in published:
        pytest.skip("the source says nothing about a further round")
    outcome = _decide(case)
    expected = "additional" if published["additional_round"] else None
    assert outcome["next_round"] == expected


def test_wukan_2012_thresholds_match_the_published_shares() -> None:
    """Xinhua printed the winners' shares of ballots collected: 91.09 % and 52.98 %."""
    outcome = _decide(HERE / "wukan-2012-regular")
    posts = _posts(outcome)
    assert outcome["ballots"]["collected"] == 6812
    assert posts["主任"]["threshold"] == 3407  # more than half of 6812
    assert round(posts["主任"]["votes"]["林祖恋"] * 100 / 6812, 2) == 91.09
    assert round(posts["副主任"]["votes"]["杨色茂"] * 100 / 6812, 2) == 52.98
    codes = [r["code"] for r in outcome["reasons"]]
    assert "quorum_met" in codes
    assert "additional_round_required" in codes
