from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.polling import selectors, services
from huanjie.apps.polling.models import CheckIn, Issue, Round
from huanjie.apps.polling.services import PollingError
from huanjie.apps.proxies.models import ProxyAuthorisation
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.apps.roll.services import card_payload, cards_assign
from tests.apps.polling.conftest import STAFF, authorise, voter

pytestmark = pytest.mark.django_db


def nothing_written(r: Round, audits: int) -> None:
    assert AuditEntry.objects.count() == audits


def test_issue_by_name_and_figures(opened: Round, committee: Any) -> None:
    box = opened.boxes.get()
    v = voter(opened.election, "蔡丽")
    checkin = services.ballot_issue(acting_user=committee, round=opened, voter=v, box=box)
    assert checkin.method == "search"
    assert [i.voter_id for i in checkin.issues.all()] == [v.pk]
    figures = selectors.round_figures(opened)
    assert (figures.voters, figures.issued, figures.present) == (1, 1, 1)
    assert figures.quorum_text == "还差 30 人过半数"
    assert selectors.box_figures(box).voters == 1
    assert AuditEntry.objects.filter(action="polling.ballot_issue").count() == 1


def test_second_checkin_refused_with_who_when_where(opened: Round, committee: Any) -> None:
    box = opened.boxes.get()
    v = voter(opened.election, "蔡丽")
    services.ballot_issue(acting_user=committee, round=opened, voter=v, box=box)
    audits = AuditEntry.objects.count()
    with pytest.raises(PollingError) as err:
        services.ballot_issue(acting_user=committee, round=opened, voter=v, box=box)
    at = timezone.localtime(CheckIn.objects.get().at).strftime("%H:%M")
    assert err.value.code == "already_voted"
    assert err.value.message == (
        f"蔡丽已于{at}在中心会场“1号票箱”，经办人qingshan验证领票，不能重复领取"
    )
    assert CheckIn.objects.count() == 1
    assert Issue.objects.count() == 1
    nothing_written(opened, audits)


def test_database_refuses_a_second_checkin(opened: Round) -> None:
    """The unique constraint holds even if a service's check were bypassed."""
    from django.db import IntegrityError, transaction

    box = opened.boxes.get()
    v = voter(opened.election, "蔡丽")
    CheckIn.objects.create(round=opened, voter=v, box=box, method="search", at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(round=opened, voter=v, box=box, method="card", at=timezone.now())


def test_issue_refused_unless_polls_open(regular: Round, committee: Any) -> None:
    box = regular.boxes.get()
    v = voter(regular.election, "蔡丽")
    with pytest.raises(PollingError, match="待投票，不能发放选票") as err:
        services.ballot_issue(acting_user=committee, round=regular, voter=v, box=box)
    assert err.value.code == "polls_not_open"
    services.round_open(acting_user=committee, round=regular)
    services.round_close(acting_user=committee, round=regular)
    with pytest.raises(PollingError, match="投票结束，待计票，不能发放选票"):
        services.ballot_issue(acting_user=committee, round=regular, voter=v, box=box)
    assert not CheckIn.objects.exists()


def test_voter_card(opened: Round, committee: Any) -> None:
    election = opened.election
    cards_assign(acting_user=committee, election=election)
    v = voter(election, "王红")
    v.refresh_from_db()
    found = services.voter_by_card(election, card_payload(v.serial))
    assert found == v
    services.ballot_issue(
        acting_user=committee, round=opened, voter=found, box=opened.boxes.get(), method="card"
    )
    assert CheckIn.objects.get().method == "card"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("HJVC1|330523-12-000001|0000000000000000", "二维码无效"),
        ("随便什么", "二维码无效"),
        ("", "请扫描选民证二维码"),
    ],
)
def test_unknown_card_refused(opened: Round, text: str, message: str) -> None:
    with pytest.raises(PollingError, match=message) as err:
        services.voter_by_card(opened.election, text)
    assert err.value.field == "card"


def test_card_of_another_village_or_removed_voter(opened: Round, committee: Any) -> None:
    election = opened.election
    with pytest.raises(PollingError, match="不属于本村本届选举"):
        services.voter_by_card(election, card_payload("999999-12-000001"))
    cards_assign(acting_user=committee, election=election)
    v = voter(election, "王红")
    v.refresh_from_db()
    v.status = VoterStatus.REMOVED
    v.save(update_fields=["status"])
    with pytest.raises(PollingError, match="不能领取选票"):
        services.voter_by_card(election, card_payload(v.serial))
    with pytest.raises(PollingError, match="不在选民名单上"):
        services.ballot_issue(acting_user=committee, round=opened, voter=v, box=opened.boxes.get())


def test_proxy_receives_the_principals_ballots(formal: Any, committee: Any) -> None:
    authorise(formal, committee, ("张芳乙", "王红"), ("王芳乙", "王红"))
    r = services.round_create_regular(acting_user=committee, election=formal)
    services.round_open(acting_user=committee, round=r)
    box = r.boxes.get()
    holder = voter(formal, "王红")
    principals = [voter(formal, "张芳乙"), voter(formal, "王芳乙")]
    checkin = services.ballot_issue(
        acting_user=committee, round=r, voter=holder, box=box, principals=principals
    )
    assert sorted(i.voter.name for i in checkin.issues.all()) == ["张芳乙", "王红", "王芳乙"]
    figures = selectors.round_figures(r)
    assert (figures.voters, figures.present, figures.by_proxy) == (3, 1, 2)
    # The principal can no longer vote in person.
    with pytest.raises(PollingError, match=r"张芳乙的选票已由受委托人王红于.*代领（委托投票WT"):
        services.ballot_issue(acting_user=committee, round=r, voter=principals[0], box=box)


def test_principal_in_person_first_then_proxy_refused(formal: Any, committee: Any) -> None:
    authorise(formal, committee, ("张芳乙", "王红"))
    r = services.round_create_regular(acting_user=committee, election=formal)
    services.round_open(acting_user=committee, round=r)
    box = r.boxes.get()
    principal = voter(formal, "张芳乙")
    services.ballot_issue(acting_user=committee, round=r, voter=principal, box=box)
    audits = AuditEntry.objects.count()
    with pytest.raises(PollingError, match=r"张芳乙已于.*验证领票") as err:
        services.ballot_issue(
            acting_user=committee,
            round=r,
            voter=voter(formal, "王红"),
            box=box,
            principals=[principal],
        )
    assert err.value.field == "principals"
    # Nothing half-written: the holder is not checked in either.
    assert CheckIn.objects.count() == 1
    nothing_written(r, audits)


def test_proxy_beyond_the_limit_refused(formal: Any, committee: Any) -> None:
    auths = authorise(formal, committee, ("张芳乙", "王红"), ("王芳乙", "王红"), ("李芳乙", "王红"))
    # A fourth authorisation recorded outside the register's checks (e.g. entered before the
    # profile was corrected): the limit is checked again when the ballots are issued.
    fourth = ProxyAuthorisation.objects.create(
        election=formal,
        number=99,
        principal=voter(formal, "赵芳乙"),
        proxy=voter(formal, "王红"),
        relation="子女",
        reason="外出务工",
        received_on=auths[0].received_on,
        published_at=auths[0].published_at,
    )
    r = services.round_create_regular(acting_user=committee, election=formal)
    services.round_open(acting_user=committee, round=r)
    principals = [a.principal for a in auths] + [fourth.principal]
    with pytest.raises(PollingError, match="接受委托投票不得超过3人") as err:
        services.ballot_issue(
            acting_user=committee,
            round=r,
            voter=voter(formal, "王红"),
            box=r.boxes.get(),
            principals=principals,
        )
    assert err.value.code == "over_limit"
    assert "浙江省村民委员会选举办法 第二十五条" in err.value.message
    assert not CheckIn.objects.exists()
    assert not Issue.objects.exists()


def test_unpublished_or_missing_authorisation_refused(formal: Any, committee: Any) -> None:
    authorise(formal, committee, ("张芳乙", "王红"), publish=False)
    r = services.round_create_regular(acting_user=committee, election=formal)
    services.round_open(acting_user=committee, round=r)
    holder, box = voter(formal, "王红"), r.boxes.get()
    with pytest.raises(PollingError, match="未经审核公告的委托无效") as err:
        services.ballot_issue(
            acting_user=committee,
            round=r,
            voter=holder,
            box=box,
            principals=[voter(formal, "张芳乙")],
        )
    assert err.value.code == "void_authorisation"
    with pytest.raises(PollingError, match="没有王芳乙的有效委托"):
        services.ballot_issue(
            acting_user=committee,
            round=r,
            voter=holder,
            box=box,
            principals=[voter(formal, "王芳乙")],
        )
    assert not CheckIn.objects.exists()


def test_assisted_writing_by_a_writer_only(opened: Round, committee: Any, trained: Any) -> None:
    writer = services.staff_add(
        acting_user=committee, election=trained, role="writer", voter=voter(trained, STAFF[0])
    )
    caller = services.staff_add(
        acting_user=committee, election=trained, role="caller", voter=voter(trained, STAFF[1])
    )
    box = opened.boxes.get()
    with pytest.raises(PollingError, match="不是本次选举的代书人"):
        services.ballot_issue(
            acting_user=committee,
            round=opened,
            voter=voter(trained, "蔡丽"),
            box=box,
            writer=caller,
        )
    checkin = services.ballot_issue(
        acting_user=committee, round=opened, voter=voter(trained, "蔡丽"), box=box, writer=writer
    )
    assert checkin.issues.get().writer == writer
    services.ballot_issue(
        acting_user=committee, round=opened, voter=voter(trained, "王红"), box=box
    )
    issue = services.assisted_writing_record(
        acting_user=committee, round=opened, voter=voter(trained, "王红"), writer=writer
    )
    assert issue.writer == writer
    assert selectors.round_figures(opened).assisted == 2
    with pytest.raises(PollingError, match="代写已登记"):
        services.assisted_writing_record(
            acting_user=committee, round=opened, voter=voter(trained, "王红"), writer=writer
        )


def test_writer_who_became_a_candidates_relative_refused(
    opened: Round, committee: Any, trained: Any
) -> None:
    from huanjie.apps.committee.services import committee_relation_declare

    writer = services.staff_add(
        acting_user=committee, election=trained, role="writer", voter=voter(trained, STAFF[0])
    )
    committee_relation_declare(
        acting_user=committee, election=trained, a_name="王强", b_name=STAFF[0], kind="sibling"
    )
    with pytest.raises(PollingError, match="王强是候选人"):
        services.ballot_issue(
            acting_user=committee,
            round=opened,
            voter=voter(trained, "蔡丽"),
            box=opened.boxes.get(),
            writer=writer,
        )
    assert not CheckIn.objects.exists()


def test_proxy_ballots_later_and_within_the_limit(formal: Any, committee: Any) -> None:
    authorise(formal, committee, ("张芳乙", "王红"), ("王芳乙", "王红"))
    r = services.round_create_regular(acting_user=committee, election=formal)
    services.round_open(acting_user=committee, round=r)
    holder = voter(formal, "王红")
    with pytest.raises(PollingError, match="尚未验证领票"):
        services.proxy_ballots_issue(
            acting_user=committee, round=r, holder=holder, principals=[voter(formal, "张芳乙")]
        )
    services.ballot_issue(
        acting_user=committee,
        round=r,
        voter=holder,
        box=r.boxes.get(),
        principals=[voter(formal, "张芳乙")],
    )
    issues = services.proxy_ballots_issue(
        acting_user=committee, round=r, holder=holder, principals=[voter(formal, "王芳乙")]
    )
    assert [i.voter.name for i in issues] == ["王芳乙"]
    with pytest.raises(PollingError, match="王芳乙的选票已由受委托人王红"):
        services.proxy_ballots_issue(
            acting_user=committee, round=r, holder=holder, principals=[voter(formal, "王芳乙")]
        )
    assert selectors.round_figures(r).by_proxy == 2
