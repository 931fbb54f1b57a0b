"""The published JSON contract (docs/schemas/) and the code honour each other.

1. every schema is a valid draft 2020-12 schema, and documents every property;
2. every example input and output validates against its schema;
3. every example output is exactly what the command line produces now for its input;
4. every bundled profile (raw and resolved) validates against profile.schema.json;
5. the outcomes of varied rounds — table-driven, and random ones from Hypothesis —
   validate, and together they emit every reason code the schemas document.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from huanjie.core.count import decide_round, outcome_to_json, parse_round
from huanjie.core.count.nomination import nomination_to_json, parse_nomination
from huanjie.core.count.recall import parse_recall, recall_to_json
from huanjie.core.rules import Profile, bundled_data, bundled_ids, load_profile, resolve_profile

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
EXAMPLES = SCHEMAS / "examples"
BUNDLED_EXAMPLES = ROOT / "src" / "huanjie" / "examples"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

#: Example file prefix → (command, input schema, output schema).
COMMANDS = {
    "round": ("tally", "round", "outcome"),
    "recall": ("recall", "recall", "recall-outcome"),
    "nomination": ("nominate", "nomination", "nomination-outcome"),
}
SCHEMA_NAMES = sorted({s for _, i, o in COMMANDS.values() for s in (i, o)} | {"profile"})


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load(SCHEMAS / f"{name}.schema.json")
    return data


@functools.cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name))


def problems(name: str, instance: object) -> list[str]:
    """Validation errors as readable lines: the JSON path and the message."""
    return [
        f"{e.json_path}: {e.message[:300]}"
        for e in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.path))
    ]


def example_inputs() -> list[Path]:
    return sorted(
        p
        for p in EXAMPLES.glob("*.json")
        if not p.name.endswith(".out.json") and p.name.split("-")[0] in COMMANDS
    )


def output_of(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".json") + ".out.json")


def command_of(path: Path) -> tuple[str, str, str]:
    return COMMANDS[path.name.split("-")[0]]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "huanjie.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )


# ---------------------------------------------------------------- 1. the schemas themselves


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    s = schema(name)
    assert s["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(s)
    assert s.get("title")
    assert s.get("description")


def test_schema_files_are_exactly_the_published_ones() -> None:
    assert sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")) == (
        SCHEMA_NAMES
    )
    ids = [schema(n)["$id"] for n in SCHEMA_NAMES]
    assert len(set(ids)) == len(ids)


def _undocumented(root: Mapping[str, Any], node: object, path: str) -> Iterator[str]:
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _undocumented(root, item, f"{path}/{i}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("if", "then", "else", "not"):
            continue  # conditions restate properties documented where they are defined
        if key == "properties":
            for prop, sub in value.items():
                target = sub
                if "$ref" in sub:
                    target = root
                    for part in sub["$ref"].removeprefix("#/").split("/"):
                        target = target[part]
                if "description" not in sub and "description" not in target:
                    yield f"{path}/properties/{prop}"
        yield from _undocumented(root, value, f"{path}/{key}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_is_described(name: str) -> None:
    """The descriptions are the documentation of the contract."""
    s = schema(name)
    assert list(_undocumented(s, s, "#")) == []


# ---------------------------------------------------------------- 2. examples validate


def test_examples_cover_the_documented_cases() -> None:
    rounds = {p.name: load(p) for p in example_inputs() if p.name.startswith("round-")}
    assert len(rounds) >= 4
    values = list(rounds.values())
    assert any(r["kind"] == "regular" and "totals" in r for r in values)
    ballot_level = [r for r in values if "boxes" in r and "ballots" in r]
    sections = [s for r in ballot_level for b in r["ballots"] for s in b.values()]
    assert any(isinstance(s, dict) and s.get("write_in") for s in sections)
    assert any(isinstance(s, dict) and s.get("unreadable") is True for s in sections)
    assert any(
        "ballots_invalid_overmarked" in reason_codes(load(output_of(EXAMPLES / n)))
        for n, r in rounds.items()
        if r in ballot_level
    )
    assert any(r["kind"] == "additional" and r.get("elected_before") for r in values)
    assert any(r["profile"] == "party/branch" and "present" in r for r in values)
    names = [p.name.split("-")[0] for p in example_inputs()]
    assert "recall" in names
    assert "nomination" in names


@pytest.mark.parametrize("path", example_inputs(), ids=lambda p: p.name)
def test_example_input_and_output_validate(path: Path) -> None:
    _, input_schema, output_schema = command_of(path)
    assert problems(input_schema, load(path)) == []
    assert output_of(path).is_file(), f"{output_of(path).name} is missing"
    assert problems(output_schema, load(output_of(path))) == []


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("profile-*.json")), ids=lambda p: p.name)
def test_example_profile_validates_and_resolves(path: Path) -> None:
    data = load(path)
    assert problems("profile", data) == []
    assert problems("profile", resolve_profile(data).to_json()) == []


@pytest.mark.parametrize("path", sorted(BUNDLED_EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_bundled_demo_rounds_validate(path: Path) -> None:
    assert problems("round", load(path)) == []


# ---------------------------------------------------------------- 3. outputs are the code's


@pytest.mark.parametrize("path", example_inputs(), ids=lambda p: p.name)
def test_example_output_is_what_the_command_produces(path: Path) -> None:
    command, _, _ = command_of(path)
    result = run_cli(command, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    expected = output_of(path).read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(expected)
    # Byte for byte too: the order of `votes` is the ranking.
    assert result.stdout == expected


# ---------------------------------------------------------------- 4. bundled profiles


@pytest.mark.parametrize("profile_id", bundled_ids())
def test_bundled_profile_validates(profile_id: str) -> None:
    assert problems("profile", bundled_data(profile_id)) == []


@pytest.mark.parametrize("profile_id", bundled_ids())
def test_resolved_profile_validates(profile_id: str) -> None:
    """``huanjie profiles --show`` prints the resolved form of the same format."""
    assert problems("profile", load_profile(profile_id).to_json()) == []


# ---------------------------------------------------------------- the schemas are not vacuous


def _round(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "profile": "village/national",
        "kind": "regular",
        "electorate": 10,
        "issued": 6,
        "collected": 6,
        "posts": [{"name": "主任", "seats": 1}],
        "candidates": [{"name": "甲", "post": "主任"}, {"name": "乙", "post": "主任"}],
        "totals": {"主任": {"甲": 4, "乙": 2}},
        "invalid": 0,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("name", "instance"),
    [
        ("round", _round(profile=None)),
        ("round", _round(kind="final")),
        ("round", _round(collected=None)),
        ("round", _round(electorate=-1)),
        ("round", _round(ballots=[{}] * 6)),  # both ballots and totals
        ("round", _round(totals=None, invalid=None)),  # neither
        ("round", _round(invalid=None)),  # totals without invalid
        ("round", _round(posts=[{"name": "主任", "seats": 0}])),
        ("round", _round(candidates=[{"name": "甲", "post": "主任", "sex": "male"}])),
        ("round", _round(elected_befor=[])),  # a misspelt key
        ("round", _round(totals=None, invalid=None, ballots=[{"主任": {"maybe": ["甲"]}}])),
        ("round", _round(totals=None, invalid=None, ballots=[{"unreadable": True, "主任": {}}])),
        ("round", _round(profile="party/branch")),  # counts by those present
        ("recall", {"profile": "village/national", "electorate": 9, "participants": 5}),
        ("nomination", {"profile": "village/henan", "posts": [{"name": "主任", "seats": 1}]}),
        (
            "profile",
            {**dict(bundled_data("village/zhejiang")), "params": {"quorom": {}}},
        ),
        ("profile", {k: v for k, v in bundled_data("village/national").items() if k != "params"}),
        (
            "profile",
            {
                "schema": "huanjie.profile/1",
                "id": "x",
                "extends": "village/national",
                "params": {
                    "contest": {
                        "value": {"*": {"min_extra": 1, "extra": 2}},
                        "citation": "某法 第一条",
                    }
                },
            },
        ),
    ],
)
def test_schema_rejects_malformed(name: str, instance: object) -> None:
    assert problems(name, instance) != []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda o: o.update(extra=1),
        lambda o: o.pop("presiding"),
        lambda o: o["posts"][0].pop("women_reserved"),
        lambda o: o["posts"][0].update(threshold="401"),
        lambda o: o["reasons"][0].update(level="fatal"),
        lambda o: o["reasons"][0].update(code="made_up"),
        lambda o: o["reasons"][-1].pop("values"),
        lambda o: o.update(next_round="again"),
    ],
)
def test_outcome_schema_catches_drift(mutate: Any) -> None:
    outcome = load(EXAMPLES / "round-ballots-boxes.out.json")
    assert problems("outcome", outcome) == []
    mutate(outcome)
    assert problems("outcome", outcome) != []


# ---------------------------------------------------------------- 5. varied rounds

#: Profiles of this test, for rules no bundled profile has.
CUSTOM: dict[str, dict[str, Any]] = {
    "test/reserve-seat": {
        "schema": "huanjie.profile/1",
        "id": "test/reserve-seat",
        "extends": "village/national",
        "params": {"women_rule": {"value": "reserve_unfilled_seat", "citation": "某办法 第一条"}},
    },
    "test/cumulative": {
        "schema": "huanjie.profile/1",
        "id": "test/cumulative",
        "extends": "village/national",
        "params": {"vote_addition": {"value": "election_cumulative", "citation": "某办法 第二条"}},
    },
    "test/add-top-woman": {
        "schema": "huanjie.profile/1",
        "id": "test/add-top-woman",
        "extends": "village/national",
        "params": {"nomination_women": {"value": "add_top_woman", "citation": "某办法 第三条"}},
    },
}


def resolver(ref: str) -> Profile:
    if ref in CUSTOM:
        return resolve_profile(CUSTOM[ref])
    return load_profile(ref)


def totals_round(
    profile: str,
    posts: dict[str, int],
    totals: dict[str, dict[str, int]],
    *,
    electorate: int = 1500,
    collected: int = 1000,
    kind: str = "regular",
    sex: Mapping[str, str] | None = None,
    women_only: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    sexes = sex or {}
    data: dict[str, Any] = {
        "schema": "huanjie.round/1",
        "profile": profile,
        "kind": kind,
        "electorate": electorate,
        "issued": collected,
        "collected": collected,
        "posts": [
            {"name": p, "seats": s, **({"women_only": True} if p in women_only else {})}
            for p, s in posts.items()
        ],
        "candidates": [
            {"name": n, "post": p, **({"sex": sexes[n]} if n in sexes else {})}
            for p, votes in totals.items()
            for n in votes
        ],
        "totals": totals,
        "invalid": 0,
    }
    data.update(extra)
    return data


ONE_POST = {"委员": 1}
COMMITTEE = {"主任": 1, "副主任": 1, "委员": 2}

#: (case id, round input, a reason code the case must produce)
ROUNDS: list[tuple[str, dict[str, Any], str]] = [
    (
        "quorum fails at exactly half",
        totals_round(
            "village/national", ONE_POST, {"委员": {"A": 500}}, electorate=1000, collected=500
        ),
        "quorum_not_met",
    ),
    (
        "more ballots than voters",
        totals_round("village/zhejiang", ONE_POST, {"委员": {"A": 90}}, collected=95, present=90),
        "ballots_exceed_voters",
    ),
    (
        "more ballots than issued",
        totals_round("village/henan", ONE_POST, {"委员": {"A": 90}}, collected=95, issued=90),
        "ballots_exceed_issued",
    ),
    (
        "tie at the last seat",
        totals_round("village/zhejiang", {"委员": 2}, {"委员": {"A": 700, "B": 620, "C": 620}}),
        "tie_revote",
    ),
    (
        "revote among the tied",
        totals_round(
            "village/zhejiang",
            ONE_POST,
            {"委员": {"B": 480, "C": 470}},
            kind="revote",
            collected=950,
        ),
        "revote_decided",
    ),
    (
        "surplus above the threshold",
        totals_round("people/national", {"代表": 2}, {"代表": {"A": 700, "B": 650, "C": 600}}),
        "surplus_by_votes",
    ),
    (
        "additional round needed",
        totals_round(
            "village/national",
            {"委员": 3},
            {"委员": {"A": 600, "B": 440, "C": 430, "D": 300, "E": 200}},
            collected=900,
        ),
        "additional_round_required",
    ),
    (
        "additional round by one third",
        totals_round(
            "village/national",
            {"委员": 2},
            {"委员": {"B": 400, "C": 280, "D": 170}},
            kind="additional",
            collected=850,
            elected_before=[{"name": "A", "post": "委员"}],
        ),
        "vacancy_not_allowed",
    ),
    (
        "Henan additional round: majority first",
        totals_round(
            "village/henan",
            ONE_POST,
            {"委员": {"G": 330, "H": 300, "J": 50}},
            kind="additional",
            electorate=1200,
            collected=700,
        ),
        "additional_majority_first",
    ),
    (
        "Shanghai: the vice-chair with most votes presides",
        totals_round(
            "village/shanghai",
            {"主任": 1, "副主任": 2},
            {"主任": {"A": 200, "B": 150}, "副主任": {"C": 500, "D": 450, "E": 100}},
            kind="additional",
            collected=800,
            elected_before=[{"name": "F", "post": "委员"}, {"name": "G", "post": "委员"}],
        ),
        "presiding",
    ),
    (
        "Zhejiang: relatives, the higher post keeps the seat and the next moves up",
        totals_round(
            "village/zhejiang",
            {"主任": 1, "委员": 2},
            {"主任": {"A": 800, "B": 100}, "委员": {"C": 700, "D": 600, "E": 550}},
            relatives=[["A", "C"]],
        ),
        "relatives_avoidance",
    ),
    (
        "Henan: relatives tied on one post",
        totals_round(
            "village/henan",
            {"委员": 2},
            {"委员": {"A": 600, "B": 600, "C": 100}},
            relatives=[["A", "B"]],
        ),
        "relatives_tie",
    ),
    (
        "Zhejiang: a man written in for the women's post cannot take it",
        totals_round(
            "village/zhejiang",
            {"主任": 1, "妇女委员": 1},
            {"主任": {"A": 800}, "妇女委员": {"M": 600, "W": 300}},
            women_only=("妇女委员",),
            candidates=[
                {"name": "A", "post": "主任", "sex": "M"},
                {"name": "W", "post": "妇女委员", "sex": "F"},
            ],
            persons=[{"name": "M", "sex": "M"}],
        ),
        "ineligible_for_women_post",
    ),
    (
        "National: a lower seat held while its winner is in a higher post's revote",
        totals_round(
            "village/national",
            {"副主任": 2, "委员": 2},
            {"副主任": {"A": 700, "B": 600, "C": 600}, "委员": {"B": 700, "D": 650, "E": 100}},
        ),
        "seat_held_pending_revote",
    ),
    (
        "Shanghai: two vice-chairs tied, the meeting decides who presides",
        totals_round(
            "village/shanghai",
            {"主任": 1, "副主任": 2, "委员": 2},
            {"主任": {"A": 300}, "副主任": {"B": 600, "C": 600}, "委员": {"D": 700, "E": 650}},
            kind="additional",
        ),
        "presiding_by_meeting",
    ),
    (
        "Zhejiang: women's post continued",
        totals_round(
            "village/zhejiang",
            {"主任": 1, "妇女委员": 1},
            {"主任": {"A": 800, "B": 100}, "妇女委员": {"W": 400, "X": 300}},
            sex={"A": "M", "B": "M", "W": "F", "X": "F"},
            women_only=("妇女委员",),
        ),
        "women_post_continued",
    ),
    (
        "Zhejiang: women's post not continued",
        totals_round(
            "village/zhejiang",
            {"主任": 1, "妇女委员": 1},
            {"主任": {"A": 800, "B": 100}, "妇女委员": {"W": 400, "X": 300}},
            sex={"A": "F", "B": "M", "W": "F", "X": "F"},
            women_only=("妇女委员",),
        ),
        "women_post_not_continued",
    ),
    (
        "a seat reserved for women",
        totals_round(
            "test/reserve-seat",
            {"委员": 3},
            {"委员": {"A": 700, "B": 650, "C": 300, "W": 280}},
            sex={"A": "M", "B": "M", "C": "M", "W": "F"},
        ),
        "women_seat_reserved",
    ),
    (
        "no woman elected",
        totals_round("village/beijing", {"委员": 1}, {"委员": {"A": 700}}, sex={"A": "M"}),
        "no_woman_elected",
    ),
    (
        "cumulative votes",
        totals_round(
            "test/cumulative",
            {"主任": 1, "委员": 1},
            {"主任": {"A": 450, "B": 400}, "委员": {"B": 200, "C": 300}},
        ),
        "votes_cumulated",
    ),
    (
        "Party branch below four fifths present",
        totals_round(
            "party/branch",
            {"委员": 3},
            {"委员": {"A": 20, "B": 20, "C": 20, "D": 3}},
            electorate=28,
            collected=22,
            present=22,
        ),
        "quorum_not_met",
    ),
    (
        "residents' committee",
        totals_round(
            "residents/national",
            {"委员": 5},
            {"委员": {"A": 600, "B": 590, "C": 580, "D": 570, "E": 560, "F": 100}},
        ),
        "unverified_rules",
    ),
    (
        "Zhejiang: one person for two posts voids the ballot",
        {
            "profile": "village/zhejiang",
            "kind": "regular",
            "electorate": 5,
            "issued": 3,
            "collected": 3,
            "posts": [{"name": "主任", "seats": 1}, {"name": "委员", "seats": 1}],
            "candidates": [{"name": "甲", "post": "主任"}, {"name": "乙", "post": "委员"}],
            "ballots": [
                {"主任": {"yes": ["甲"]}, "委员": {"yes": ["乙"]}},
                {"主任": {"yes": ["甲"]}, "委员": {"yes": ["乙"]}},
                {"主任": {"yes": ["甲"]}, "委员": {"write_in": ["甲"]}},
            ],
        },
        "ballots_invalid_same_person_two_posts",
    ),
]


def decide(data: dict[str, Any]) -> dict[str, Any]:
    return outcome_to_json(decide_round(parse_round(data, resolver)))


def reason_codes(outcome: Mapping[str, Any]) -> set[str]:
    codes = {r["code"] for r in outcome["reasons"]}
    for post in outcome.get("posts", []):
        codes.update(r["code"] for r in post["reasons"])
    return codes


@pytest.mark.parametrize(("data", "code"), [c[1:] for c in ROUNDS], ids=[c[0] for c in ROUNDS])
def test_varied_round_validates(data: dict[str, Any], code: str) -> None:
    assert problems("round", data) == []
    outcome = decide(data)
    assert code in reason_codes(outcome)
    assert problems("outcome", outcome) == []


RECALLS: list[dict[str, Any]] = [
    {"profile": "village/national", "electorate": 1200, "signatures": 200},
    {
        "profile": "village/national",
        "electorate": 1200,
        "representatives": 30,
        "representative_signatures": 10,
        "participants": 500,
        "approve": 400,
    },
    {"profile": "village/national", "electorate": 1200, "participants": 700, "approve": 300},
    {
        "profile": "people/national",
        "electorate": 3000,
        "signatures": 30,
        "participants": 2000,
        "approve": 1501,
    },
    {"profile": "residents/national", "electorate": 900, "participants": 600, "approve": 301},
]

NOMINATIONS: list[dict[str, Any]] = [
    {
        "profile": "village/zhejiang",
        "posts": [{"name": "主任", "seats": 1}, {"name": "委员", "seats": 2}],
        "totals": {"主任": {"A": 9, "B": 5, "C": 5}, "委员": {"D": 4}},
        "ballots_count": 20,
    },
    {
        "profile": "test/add-top-woman",
        "posts": [{"name": "委员", "seats": 2}],
        "persons": [{"name": "W", "sex": "F"}, {"name": "A", "sex": "M"}],
        "ballots": [
            {"委员": ["A", "B"]},
            {"委员": ["A", "C"]},
            {"委员": ["B", "C"]},
            {"委员": ["W"]},
        ],
    },
    {
        "profile": "test/add-top-woman",
        "posts": [{"name": "委员", "seats": 1}],
        "totals": {"委员": {"A": 3, "B": 2}},
    },
]


@pytest.mark.parametrize("data", RECALLS)
def test_varied_recall_validates(data: dict[str, Any]) -> None:
    assert problems("recall", data) == []
    assert problems("recall-outcome", recall_to_json(parse_recall(data, resolver))) == []


@pytest.mark.parametrize("data", NOMINATIONS)
def test_varied_nomination_validates(data: dict[str, Any]) -> None:
    assert problems("nomination", data) == []
    out = nomination_to_json(parse_nomination(data, resolver))
    assert problems("nomination-outcome", out) == []


def documented_codes(name: str) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            code = node.get("properties", {}).get("code", {})
            found.update(c["const"] for c in code.get("anyOf", []) if "const" in c)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema(name))
    return found


def test_every_documented_reason_code_is_emitted() -> None:
    """No code in the schemas is a phantom: the examples and the cases above produce each."""
    emitted: set[str] = set()
    for path in example_inputs():
        emitted |= reason_codes(load(output_of(path)))
    for _, data, _ in ROUNDS:
        emitted |= reason_codes(decide(data))
    for data in RECALLS:
        emitted |= reason_codes(recall_to_json(parse_recall(data, resolver)))
    for data in NOMINATIONS:
        emitted |= reason_codes(nomination_to_json(parse_nomination(data, resolver)))
    documented = set().union(
        *(documented_codes(n) for n in ("outcome", "recall-outcome", "nomination-outcome"))
    )
    assert documented - emitted == set()


# ---------------------------------------------------------------- 5b. random rounds

POOL = ["甲", "乙", "丙", "丁", "戊", "己"]
WRITE_INS = ["庚", "辛"]
POST_NAMES = ["主任", "副主任", "委员"]


@st.composite
def sections(draw: st.DrawFn, candidates: list[str], seats: int) -> dict[str, Any]:
    if draw(st.integers(0, 15)) == 0:
        return {"unreadable": True}
    yes = draw(st.lists(st.sampled_from(candidates), max_size=seats + 1, unique=True))
    section: dict[str, Any] = {"yes": yes}
    rest = [c for c in candidates if c not in yes]
    if rest and draw(st.booleans()):
        section["no"] = draw(st.lists(st.sampled_from(rest), max_size=len(rest), unique=True))
    if draw(st.integers(0, 3)) == 0:
        section["write_in"] = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(WRITE_INS),
                    st.builds(
                        lambda n, m: {"name": n, "marked": m},
                        st.sampled_from(WRITE_INS),
                        st.booleans(),
                    ),
                ),
                max_size=2,
            )
        )
    return section


@st.composite
def rounds(draw: st.DrawFn) -> dict[str, Any]:
    profile_id = draw(st.sampled_from(bundled_ids()))
    party = profile_id.startswith("party/")
    kind = draw(st.sampled_from(["regular", "revote", "additional"]))
    n_posts = draw(st.integers(1, 3))
    posts = [{"name": POST_NAMES[i], "seats": draw(st.integers(1, 3))} for i in range(n_posts)]
    on_post = {
        p["name"]: draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
        for p in posts
    }
    sex = {n: draw(st.sampled_from(["M", "F"])) for n in POOL + WRITE_INS}
    data: dict[str, Any] = {
        "schema": "huanjie.round/1",
        "profile": profile_id,
        "kind": kind,
        "posts": posts,
        "candidates": [
            {"name": n, "post": p, "sex": sex[n]} for p, names in on_post.items() for n in names
        ],
        "persons": [{"name": n, "sex": sex[n]} for n in WRITE_INS],
    }
    if draw(st.booleans()):
        ballots = draw(
            st.lists(
                st.one_of(
                    st.just({"unreadable": True}),
                    st.fixed_dictionaries(
                        {},
                        optional={
                            p["name"]: sections(on_post[p["name"]], p["seats"]) for p in posts
                        },
                    ),
                ),
                min_size=1,
                max_size=14,
            )
        )
        collected = len(ballots)
        data["ballots"] = ballots
    else:
        collected = draw(st.integers(1, 40))
        names = {p: [*on_post[p], *WRITE_INS] for p in on_post}
        data["invalid"] = draw(st.integers(0, collected))
        valid = collected - data["invalid"]
        seats = {p["name"]: p["seats"] for p in posts}
        data["totals"] = {}
        for p, ns in names.items():
            # Possible totals only: each name within the valid ballots, all within ballots × seats.
            budget = valid * seats[p]
            chosen = draw(st.lists(st.sampled_from(ns), max_size=5, unique=True))
            data["totals"][p] = {}
            for n in chosen:
                data["totals"][p][n] = draw(st.integers(0, min(valid, budget)))
                budget -= data["totals"][p][n]
    # Mostly rounds that stand; now and then a quorum failure or too many ballots.
    rare = st.integers(0, 9).map(lambda n: n == 5)  # Hypothesis favours 0 and 9: not rare
    slack = collected + 3 if draw(rare) else max(1, collected // 3)
    electorate = collected + draw(st.integers(0, slack))
    data["electorate"] = electorate
    data["issued"] = max(0, collected - 1) if draw(rare) else collected + draw(st.integers(0, 2))
    if draw(st.booleans()) and collected:
        first = draw(st.integers(0, collected))
        data["boxes"] = [
            {"name": "一", "voters": first + (-1 if draw(rare) else 0), "collected": first},
            {"name": "二", "collected": collected - first},
        ]
        data["boxes"][0]["voters"] = max(0, data["boxes"][0]["voters"])
    else:
        data["collected"] = collected
    if party or draw(st.booleans()):
        least = max(0, collected - 1) if draw(rare) else min(collected, electorate)
        data["present"] = draw(st.integers(least, electorate))
        if party:
            data["issued"] = min(data["issued"], data["present"])
    if kind != "regular" and draw(st.booleans()):
        data["elected_before"] = [
            {"name": "壬", "post": "主任", "sex": draw(st.sampled_from("MF"))}
        ]
    if draw(st.integers(0, 3)) == 0:
        data["relatives"] = [draw(st.lists(st.sampled_from(POOL), min_size=2, max_size=2))]
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_random_rounds_validate(data: dict[str, Any]) -> None:
    assert problems("round", data) == []
    outcome = decide(data)
    assert problems("outcome", outcome) == []


# ---------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("drop", "field"), [("kind", "kind:"), ("electorate", "electorate:"), ("posts", "posts:")]
)
def test_malformed_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, drop: str, field: str
) -> None:
    data = load(EXAMPLES / "round-party-branch.json")
    del data[drop]
    assert problems("round", data) != []
    f = tmp_path / "round.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_cli("tally", str(f))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("huanjie tally: ")
    assert field in lines[0]


@pytest.mark.parametrize(
    "change",
    [
        {"candidates": [{"name": "甲", "post": ["主任"]}]},
        {
            "totals": None,
            "invalid": None,
            "ballots": [{"主任": {"yes": ["甲"], "no": [{}]}}] + [{}] * 5,
        },
        {
            "totals": None,
            "invalid": None,
            "ballots": [{"主任": {"yes": [["甲"]]}}] + [{}] * 5,
        },
    ],
)
def test_unhashable_name_is_a_usage_error(tmp_path: Path, change: dict[str, Any]) -> None:
    data = _round(**change)
    assert problems("round", data) != []
    f = tmp_path / "round.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_cli("tally", str(f))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
