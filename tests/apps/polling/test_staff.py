from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.committee.services import committee_relation_declare
from huanjie.apps.polling import selectors, services
from huanjie.apps.polling.models import Staff
from huanjie.apps.polling.services import PollingError
from tests.apps.polling.conftest import STAFF, train, voter

pytestmark = pytest.mark.django_db


def test_appoint_trained_voter_and_link_a_login(trained: Any, committee: Any, tree: Any) -> None:
    login = user_create(
        acting_user=None,
        username="zhang",
        password="Correct-Horse-42",
        full_name="张伟甲",
        role=Role.ELECTION_COMMITTEE,
        area=tree["qingshan"],
    )
    chief = services.staff_add(
        acting_user=committee,
        election=trained,
        role="chief_scrutineer",
        voter=voter(trained, STAFF[0]),
        user=login,
    )
    services.staff_add(
        acting_user=committee, election=trained, role="scrutineer", voter=voter(trained, STAFF[0])
    )
    assert chief.name == STAFF[0]
    assert "培训考试" in chief.basis
    assert selectors.staff_roles(trained, login) == {"chief_scrutineer"}
    assert selectors.is_chief_scrutineer(trained, login)
    assert not selectors.is_chief_scrutineer(trained, committee)
    assert selectors.staff_roles(trained, None) == set()
    assert AuditEntry.objects.filter(action="polling.staff_add").count() == 2


def test_candidate_refused(trained: Any, committee: Any) -> None:
    train(trained, committee, ("李明", 99))
    with pytest.raises(PollingError, match="李明是候选人") as err:
        services.staff_add(
            acting_user=committee, election=trained, role="counter", voter=voter(trained, "李明")
        )
    assert err.value.code == "excluded"
    assert not Staff.objects.exists()


def test_near_relative_of_a_candidate_refused(trained: Any, committee: Any) -> None:
    committee_relation_declare(
        acting_user=committee, election=trained, a_name="李明", b_name=STAFF[1], kind="spouse"
    )
    with pytest.raises(PollingError, match=f"{STAFF[1]}的配偶李明是候选人"):
        services.staff_add(
            acting_user=committee, election=trained, role="caller", voter=voter(trained, STAFF[1])
        )
    assert not Staff.objects.exists()


def test_untrained_or_failed_refused(trained: Any, committee: Any) -> None:
    with pytest.raises(PollingError, match="未参加选举工作人员培训考试") as err:
        services.staff_add(acting_user=committee, election=trained, role="issuer", name="孙外来")
    assert err.value.code == "not_trained"
    with pytest.raises(PollingError, match="培训考试未合格"):
        services.staff_add(
            acting_user=committee, election=trained, role="issuer", voter=voter(trained, "杨伟甲")
        )


def test_one_chief_and_no_duplicate_role(trained: Any, committee: Any) -> None:
    services.staff_add(
        acting_user=committee,
        election=trained,
        role="chief_scrutineer",
        voter=voter(trained, STAFF[0]),
    )
    with pytest.raises(PollingError, match="总监票人只设一名"):
        services.staff_add(
            acting_user=committee,
            election=trained,
            role="chief_scrutineer",
            voter=voter(trained, STAFF[1]),
        )
    services.staff_add(
        acting_user=committee, election=trained, role="writer", voter=voter(trained, STAFF[1])
    )
    with pytest.raises(PollingError, match="已是代书人"):
        services.staff_add(
            acting_user=committee, election=trained, role="writer", voter=voter(trained, STAFF[1])
        )
    with pytest.raises(PollingError, match="职责"):
        services.staff_add(
            acting_user=committee, election=trained, role="boss", voter=voter(trained, STAFF[2])
        )
    assert Staff.objects.count() == 2


def test_remove(trained: Any, committee: Any) -> None:
    person = services.staff_add(
        acting_user=committee, election=trained, role="counter", voter=voter(trained, STAFF[3])
    )
    services.staff_remove(acting_user=committee, staff=person, reason="身体不适")
    assert not Staff.objects.exists()
    assert AuditEntry.objects.filter(action="polling.staff_remove").exists()
