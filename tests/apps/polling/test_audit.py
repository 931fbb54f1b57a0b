"""Every write of the polling part leaves an audit entry in the same transaction, and the
chain still verifies after a whole election day."""

from __future__ import annotations

import ast
import time
from pathlib import Path
from typing import Any

import pytest

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.audit.services import verify_chain
from huanjie.apps.polling import selectors, services
from huanjie.apps.polling.models import Station
from tests.apps.polling.conftest import STAFF, authorise, voter

pytestmark = pytest.mark.django_db

SERVICES = Path(services.__file__)
#: Public functions of services.py that only read (they write nothing to audit).
READS = {"staff_exclusions", "voter_by_card"}


def _public_writes() -> set[str]:
    tree = ast.parse(SERVICES.read_text(encoding="utf-8"))
    return {
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and not n.name.startswith("_") and n.name not in READS
    }


def test_a_whole_day_audits_every_write(formal: Any, committee: Any) -> None:
    from tests.apps.polling.conftest import train

    train(formal, committee, *((n, 90) for n in STAFF))
    authorise(formal, committee, ("张芳乙", "王红"), ("王芳乙", "王红"))
    user = committee
    r = services.round_create_regular(acting_user=user, election=formal)
    extra = services.station_create(acting_user=user, election=formal, name="二组投票站")
    spare = services.box_create(acting_user=user, round=r, station=extra, name="2号票箱")
    services.box_delete(acting_user=user, box=spare)
    main = Station.objects.get(election=formal, kind="main")
    mobile = services.box_create(
        acting_user=user, round=r, station=main, name="流动票箱", kind="mobile"
    )
    people = [
        services.staff_add(
            acting_user=user, election=formal, role="mobile", voter=voter(formal, name)
        )
        for name in STAFF[:3]
    ]
    writer = services.staff_add(
        acting_user=user, election=formal, role="writer", voter=voter(formal, STAFF[3])
    )
    temp = services.staff_add(
        acting_user=user, election=formal, role="counter", voter=voter(formal, STAFF[4])
    )
    services.staff_remove(acting_user=user, staff=temp, reason="换人")
    services.mobile_escorts_set(acting_user=user, box=mobile, staff=people)
    visit = services.mobile_visit_add(
        acting_user=user, box=mobile, voter=voter(formal, "赵敏"), reason="卧病"
    )
    services.mobile_visit_remove(acting_user=user, visit=visit)
    services.mobile_visit_add(
        acting_user=user, box=mobile, voter=voter(formal, "赵敏"), reason="卧病"
    )
    services.round_open(acting_user=user, round=r)
    services.mobile_box_depart(acting_user=user, box=mobile)
    fixed = r.boxes.get(kind="fixed")
    services.ballot_issue(
        acting_user=user,
        round=r,
        voter=voter(formal, "王红"),
        box=fixed,
        principals=[voter(formal, "张芳乙")],
    )
    services.proxy_ballots_issue(
        acting_user=user,
        round=r,
        holder=voter(formal, "王红"),
        principals=[voter(formal, "王芳乙")],
    )
    services.ballot_issue(acting_user=user, round=r, voter=voter(formal, "蔡丽"), box=fixed)
    services.assisted_writing_record(
        acting_user=user, round=r, voter=voter(formal, "蔡丽"), writer=writer
    )
    services.ballot_issue(acting_user=user, round=r, voter=voter(formal, "赵敏"), box=mobile)
    services.mobile_box_return(acting_user=user, box=mobile)
    services.round_close(acting_user=user, round=r)
    services.round_mark_counted(acting_user=user, round=r)
    services.round_mark_decided(acting_user=user, round=r)

    logged = set(AuditEntry.objects.values_list("action", flat=True))
    expected = {f"polling.{name}" for name in _public_writes()}
    # Service name → the action it logs, where they differ.
    renamed = {
        "polling.round_create_regular": "polling.round_create",
        "polling.round_mark_counted": "polling.round_count",
        "polling.round_mark_decided": "polling.round_decide",
        "polling.assisted_writing_record": "polling.assisted_writing",
    }
    expected = {renamed.get(a, a) for a in expected}
    assert expected <= logged, expected - logged
    assert list(verify_chain()) == []
    figures = selectors.round_figures(r)
    assert (
        figures.voters,
        figures.present,
        figures.by_proxy,
        figures.assisted,
        figures.mobile,
    ) == (
        5,
        3,
        2,
        1,
        1,
    )


def test_checkin_is_fast_enough_for_a_queue(opened: Any, committee: Any) -> None:
    """The forty-eight voters who are not candidates checked in one after another: well under
    a second each (a desk takes several seconds per voter anyway)."""
    from huanjie.apps.roll.models import Voter

    box = opened.boxes.get()
    voters = list(Voter.objects.filter(election=opened.election, id_number__contains="197501011"))
    start = time.perf_counter()
    for v in voters:
        services.ballot_issue(acting_user=committee, round=opened, voter=v, box=box)
    per = (time.perf_counter() - start) / len(voters)
    assert selectors.round_figures(opened).voters == len(voters)
    print(f"\n{len(voters)} check-ins, {per * 1000:.0f} ms each")
    assert len(voters) == 48
    assert per < 0.5, per
