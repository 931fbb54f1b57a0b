"""Small builders for round input in tests."""

from __future__ import annotations

from typing import Any

from huanjie.core.count import decide_round, outcome_to_json, parse_round
from huanjie.core.rules import load_profile


def round_data(
    profile: str,
    *,
    electorate: int,
    collected: int,
    posts: dict[str, int],
    totals: dict[str, dict[str, int]] | None = None,
    ballots: list[dict[str, Any]] | None = None,
    kind: str = "regular",
    issued: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    names: dict[str, str] = {}
    source = totals if totals is not None else {}
    for post, votes in source.items():
        for name in votes:
            names.setdefault(name, post)
    data: dict[str, Any] = {
        "schema": "huanjie.round/1",
        "profile": profile,
        "kind": kind,
        "electorate": electorate,
        "issued": collected if issued is None else issued,
        "collected": collected,
        "posts": [{"name": p, "seats": s} for p, s in posts.items()],
        "candidates": [{"name": n, "post": p} for n, p in names.items()],
    }
    if totals is not None:
        data["totals"] = totals
        data["invalid"] = 0
    if ballots is not None:
        data["ballots"] = ballots
    data.update(extra)
    return data


def decide(data: dict[str, Any]) -> dict[str, Any]:
    return outcome_to_json(decide_round(parse_round(data, load_profile)))


def post(outcome: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in outcome["posts"] if p["name"] == name)


def codes(outcome: dict[str, Any]) -> list[str]:
    return [r["code"] for r in outcome["reasons"]]
