"""The demonstration township (``huanjie serve --demo``): seeded once, through the services
(the audit chain holds every record), with villages at different stages, and 青山村's
bundled register ready to import."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.audit.services import verify_chain
from huanjie.apps.campaigns.models import Campaign, Election, StageRecord
from huanjie.apps.candidates.models import Nominee
from huanjie.apps.committee.models import CommitteeMember
from huanjie.apps.committee.models import Status as MemberStatus
from huanjie.apps.places.models import Area
from huanjie.apps.preparation.models import Evaluation, FinancialAudit
from huanjie.apps.preparation.selectors import current_risk
from huanjie.apps.roll import importer
from huanjie.apps.roll.models import DuplicateCase, ImportBatch, ListPublication, Objection, Voter
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.examples.register import QINGSHAN_FILE, id_number, qingshan
from huanjie.web.demo_seed import (
    DEMO_VILLAGE,
    ELECTION_DAY,
    PLANS,
    TOWNSHIP,
    VILLAGES,
    seed_demo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings: Any, tmp_path: Path) -> dict[str, Election]:
    settings.MEDIA_ROOT = tmp_path / "files"
    out = io.StringIO()
    seed_demo(out)
    assert "已载入" in out.getvalue()
    campaign = Campaign.objects.get(area__name=TOWNSHIP)
    return {e.area.name: e for e in campaign.elections.select_related("area")}


def states(election: Election) -> dict[str, str]:
    return dict(StageRecord.objects.filter(election=election).values_list("stage", "state"))


def test_seeding_twice_changes_nothing_and_the_audit_chain_holds(seeded: Any) -> None:
    entries = AuditEntry.objects.count()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    # Every record went through a service, which wrote its audit entry.
    assert {
        "campaign.create",
        "election.create",
        "stage.open",
        "stage.close",
        "roll.import_start",
        "roll.list_publish",
        "roll.objection_file",
        "roll.objection_decide",
        "candidates.nominee_add",
    } <= actions
    out = io.StringIO()
    logins = seed_demo(out)
    assert "示范数据已存在" in out.getvalue()
    assert AuditEntry.objects.count() == entries
    assert list(verify_chain()) == []
    assert [username for _, username, _ in logins] == [
        "zhenban",
        "qingshan",
        "qingshan2",
        "shimen",
        "shimen2",
        "shimen3",
        "xian",
    ]
    for _, username, password in logins:
        assert authenticate(username=username, password=password) is not None


def test_every_village_but_the_demonstration_one_has_an_election(seeded: Any) -> None:
    assert set(seeded) == {name for name, _ in VILLAGES} - {DEMO_VILLAGE}
    started = {name for name, e in seeded.items() if states(e)["preparation"] != "pending"}
    assert started == set(PLANS)
    assert Area.objects.get(name=DEMO_VILLAGE).elections.count() == 0


def test_the_township_shows_a_spread_of_stages(seeded: Any) -> None:
    assert states(seeded["红星村"]) == {
        "preparation": "closed",
        "registration": "closed",
        "nomination": "open",
        "proxies": "open",
        "election": "pending",
        "handover": "pending",
    }
    for name in ("白云村", "桃源村"):
        assert states(seeded[name])["registration"] == "open", name
    for name in ("溪口村", "竹林村", "梅溪村", "龙潭村", "仙霞村", "金坑村", "长岭村", "上墅村"):
        assert states(seeded[name])["preparation"] == "open", name
    assert states(seeded["东岭村"])["preparation"] == "pending"


def test_preparation_records_and_risk_levels(seeded: Any) -> None:
    serving = {
        name: CommitteeMember.objects.filter(election=e, status=MemberStatus.SERVING).count()
        for name, e in seeded.items()
    }
    assert (serving["红星村"], serving["桃源村"], serving["竹林村"], serving["东岭村"]) == (
        5,
        3,
        2,
        0,
    )
    flagged = Evaluation.objects.filter(flagged=True).select_related("election__area")
    assert [(e.election.area.name, e.post) for e in flagged] == [("溪口村", "chair")]
    assert not Evaluation.objects.filter(election=seeded["梅溪村"], published_on__isnull=False)
    audit = FinancialAudit.objects.get(election=seeded["溪口村"])
    assert audit.published_on is None
    assert "未按规定公开招标" in audit.problems
    levels = {name: getattr(current_risk(e), "level", None) for name, e in seeded.items()}
    assert [name for name, level in levels.items() if level == "high"] == ["溪口村"]
    assert levels["白云村"] == levels["龙潭村"] == "medium"
    assert levels["竹林村"] is None


def test_registers_imported_lists_posted_and_objections(seeded: Any) -> None:
    for name in ("红星村", "白云村", "石门村"):
        registered = Voter.objects.filter(election=seeded[name], status=VoterStatus.REGISTERED)
        assert 200 <= registered.count() <= 400, name
        assert Voter.objects.filter(election=seeded[name], status=VoterStatus.INELIGIBLE).exists()
        batch = ImportBatch.objects.get(election=seeded[name])
        assert batch.state == ImportBatch.State.DONE
    assert not DuplicateCase.objects.exists()  # nobody is on two villages' registers
    posted = dict(ListPublication.objects.values_list("election__area__name", "voter_count"))
    assert set(posted) == {"红星村", "白云村", "石门村"}
    decided = Objection.objects.get(election=seeded["红星村"])
    assert decided.outcome == Objection.Outcome.REJECTED
    assert decided.decided_on is not None
    pending = Objection.objects.get(election=seeded["白云村"])
    assert pending.kind == Objection.Kind.ADD
    assert pending.decided_on is None
    assert Nominee.objects.filter(election=seeded["红星村"]).count() == 11


def test_the_bundled_register_is_qingshans_and_clashes_with_nobody(seeded: Any) -> None:
    """The workbook a new user uploads holds :func:`qingshan` (regenerate it with
    ``python -m tests.e2e.make_register``); the browser walk imports it."""
    people = qingshan()
    assert len({v.id_number for v in people}) == len(people)
    assert id_number(people[0].birth_date, int(people[0].id_number[14:17])) == people[0].id_number
    path = Path(str(resources.files("huanjie.examples") / QINGSHAN_FILE))
    parsed = importer.parse_files(
        [(path, QINGSHAN_FILE)], election_day=ELECTION_DAY, today=ELECTION_DAY
    )
    assert parsed.ok, parsed.issues[:3]
    assert [(r.name, r.id_number) for r in parsed.rows] == [(v.name, v.id_number) for v in people]
    # Nobody of 青山村 is on another village's roll (the township-wide duplicate search
    # matches ID numbers, and names with birth dates).
    others = Voter.objects.all()
    assert not others.filter(id_number__in=[v.id_number for v in people]).exists()
    taken = set(others.values_list("name", "birth_date"))
    assert not [v.name for v in people if (v.name, v.birth_date) in taken]


def test_the_election_day_village_has_its_formal_list_and_votes_today(seeded: Any) -> None:
    from django.utils import timezone

    from huanjie.apps.candidates.selectors import formal_list
    from huanjie.web.demo_seed import ELECTION_DAY_VILLAGE

    election = seeded[ELECTION_DAY_VILLAGE]
    assert election.election_day == timezone.localdate()
    posts = formal_list(election)
    assert posts, "the formal candidate list is published"
    for post in posts:
        # Zhejiang's 差额 rule: seats + 1 candidates (the seed names that many per post).
        assert len(post.candidates) == post.seats + 1, post.name
    assert states(election)["nomination"] == "closed"
    assert states(election)["proxies"] == "closed"
    assert authenticate(username="shimen", password="Huanjie-2026") is not None


def test_the_election_day_village_has_its_staff(seeded: Any) -> None:
    from django.contrib.auth import get_user_model

    from huanjie.apps.polling.models import Staff
    from huanjie.apps.polling.selectors import is_chief_scrutineer
    from huanjie.web.demo_seed import ELECTION_DAY_VILLAGE, OTHER_STAFF

    election = seeded[ELECTION_DAY_VILLAGE]
    users = get_user_model().objects
    assert is_chief_scrutineer(election, users.get(username="shimen"))
    assert not is_chief_scrutineer(election, users.get(username="shimen2"))
    roles = sorted(Staff.objects.filter(election=election).values_list("role", flat=True))
    assert roles == sorted(["chief_scrutineer", "counter", "counter", *OTHER_STAFF])
