"""A village ready for election day, shared by the tests of polling, ballots, counting,
results and aftermath: Qingshan (Zhejiang rules; 主任 1, 副主任 1, 妇女委员 1, 委员 2) with
the formal candidate list published, 60 registered voters, every stage before ELECTION
closed and election day today."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from huanjie.apps.candidates import services as candidates
from huanjie.apps.candidates.models import Department
from huanjie.apps.candidates.selectors import candidates as all_candidates
from huanjie.apps.roll.models import Voter
from huanjie.core.stages import State
from tests.apps.candidates.conftest import CLEAR, PEOPLE, make_voter, set_stages, sheet

#: Voters beyond the nominees (sequence numbers 100…147), so that the roll has 60 voters.
EXTRA = 48


def build_formal_election(election: Any, tree: dict[str, Any], clerks: dict[str, Any]) -> Any:
    """Take the ``election`` fixture through nomination to a published formal list."""
    today = timezone.localdate()
    election.election_day = today + datetime.timedelta(days=30)
    election.save(update_fields=["election_day"])
    set_stages(election, preparation=State.CLOSED, registration=State.CLOSED, nomination=State.OPEN)
    voters: dict[str, Voter] = {}
    for i, (name, sex) in enumerate(PEOPLE.items(), start=1):
        voters[name] = make_voter(election, name, i, sex, group=tree["group"])
    surnames = "张王李赵刘陈杨黄周吴"
    given = "伟芳娜敏静丽强磊军洋"
    for k in range(EXTRA):
        name = surnames[k % 10] + given[(k // 10) % 10] + "甲乙丙丁戊"[k // 10 % 5]
        make_voter(election, name, 100 + k, "F" if k % 2 else "M", group=tree["group"])
    for name in PEOPLE:
        candidates.nominee_add(
            acting_user=clerks["coordinator"], election=election, voter=voters[name]
        )
    r = candidates.nomination_round_start(acting_user=clerks["one"], election=election)
    r = candidates.tally_submit(acting_user=clerks["one"], round=r, counts=sheet(**CLEAR))
    candidates.tally_submit(acting_user=clerks["two"], round=r, counts=sheet(**CLEAR))
    for c in all_candidates(election).filter(status__in=["preliminary", "under_review"]):
        for d in Department.values:
            candidates.review_record(
                acting_user=clerks["one"], candidate=c, department=d, finding="qualified"
            )
    candidates.notice_publish(
        acting_user=clerks["coordinator"], election=election, kind="formal", start=today, days=25
    )
    set_stages(election, nomination=State.CLOSED, proxies=State.CLOSED)
    election.election_day = today
    election.save(update_fields=["election_day"])
    return election
