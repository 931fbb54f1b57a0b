"""Fixtures of the results tests: Qingshan's election day (``formal``: Zhejiang rules, 主任 1,
副主任 1, 妇女委员 1, 委员 2; 60 voters) with its regular round voted and counted.

Voting goes through polling's services (round created, opened, voters checked in and handed
a ballot, closed, marked counted), and the count is the fragment the counting contract describes (``count``: ``{"boxes": [...], "ballots":
[...]}``), handed to ``results.selectors`` in place of ``counting.selectors.round_count``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.test import Client

from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.results import selectors
from huanjie.apps.roll.selectors import registered

#: The count of each round by round id, as counting would supply it.
Counts = dict[int, dict[str, Any]]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def committee(users: dict[str, Any]) -> Any:
    return users["qingshan"]


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counts:
    """Counting's two functions, answered from this dict (the contract's fragment)."""
    store: Counts = {}

    def complete(r: Round) -> tuple[bool, list[str]]:
        return (True, []) if r.pk in store else (False, ["尚未录入选票"])

    monkeypatch.setattr(selectors, "count_complete", complete)
    monkeypatch.setattr(selectors, "count_fragment", lambda r: store[r.pk])
    return store


def vote(r: Round, voters: int, acting_user: Any) -> None:
    """The first ``voters`` registered voters check in and are handed a ballot into the round's
    first box, through polling's ``ballot_issue``."""
    box = r.boxes.order_by("pk").first()
    assert box is not None
    for v in registered(r.election).order_by("pk")[:voters]:
        polling.ballot_issue(acting_user=acting_user, round=r, voter=v, box=box)


def ballots(**posts: Sequence[tuple[Sequence[str], int]]) -> list[dict[str, Any]]:
    """Ballots from per-post lists of (names marked, how many ballots), filled in parallel:
    ``ballots(主任=[(["李明"], 40), ([], 10)])``. Every post must add up to the same total."""
    totals = {post: sum(n for _, n in rows) for post, rows in posts.items()}
    assert len(set(totals.values())) == 1, totals
    columns = {
        post: list(itertools.chain.from_iterable([list(names)] * n for names, n in rows))
        for post, rows in posts.items()
    }
    size = next(iter(totals.values()))
    out = []
    for i in range(size):
        ballot: dict[str, Any] = {}
        for post, column in columns.items():
            names = column[i]
            yes = [n for n in names if not n.startswith("+")]
            write = [n[1:] for n in names if n.startswith("+")]
            section: dict[str, Any] = {"yes": yes}
            if write:
                section["write_in"] = write
            ballot[post] = section
        out.append(ballot)
    return out


def count(r: Round, papers: list[dict[str, Any]], **box_extra: Any) -> dict[str, Any]:
    """The count fragment of a round with one box holding every ballot."""
    box = r.boxes.order_by("pk").first()
    assert box is not None
    return {"boxes": [{"name": box.name, "collected": len(papers), **box_extra}], "ballots": papers}


#: 50 of 60 vote: 主任 李明 40 (elected); 副主任 赵刚 24, 彭军 20 (neither more than half:
#: 另行选举); 妇女委员 田芳 30 (elected); 委员 徐亮 35, 朱平 30 (elected), 曹勇 10.
FIRST = {
    "主任": [(["李明"], 40), (["王强"], 6), ([], 4)],
    "副主任": [(["赵刚"], 24), (["彭军"], 20), ([], 6)],
    "妇女委员": [(["田芳"], 30), (["林秀英"], 18), ([], 2)],
    "委员": [(["徐亮", "朱平"], 30), (["徐亮", "曹勇"], 5), (["曹勇"], 5), ([], 10)],
}


@pytest.fixture
def regular(formal: Any, committee: Any) -> Round:
    return polling.round_create_regular(acting_user=committee, election=formal)


Hold = Callable[..., Round]


@pytest.fixture
def hold(committee: Any, counts: Counts) -> Hold:
    """Open a round, let ``voters`` vote, close it, record its count and mark it counted."""

    def run(
        r: Round, papers: list[dict[str, Any]], *, voters: int | None = None, **extra: Any
    ) -> Round:
        r = polling.round_open(acting_user=committee, round=r)
        vote(r, len(papers) if voters is None else voters, committee)
        r = polling.round_close(acting_user=committee, round=r)
        counts[r.pk] = count(r, papers, **extra)
        return polling.round_mark_counted(acting_user=committee, round=r)

    return run


@pytest.fixture
def counted(regular: Round, hold: Hold) -> Round:
    """The regular round voted by 50 of 60 and counted as in ``FIRST``."""
    return hold(regular, ballots(**FIRST))
