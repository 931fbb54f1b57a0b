"""The sealed colour and seal: drawn at random from the township's set, shown as 已封存 to
everyone, opened only by the township office while ballots are printed and by the 总监票人
while polls are open; every look recorded; never in pages, the API or the audit log otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.ballots import selectors, services
from huanjie.apps.ballots.models import SecurityChoice, SecurityReveal
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round, Staff
from tests.apps.ballots.conftest import COLOURS, SEALS, SECRETS, client_for

pytestmark = pytest.mark.django_db


def _page(user: Any, election: Any) -> str:
    response = client_for(user).get(f"/elections/{election.pk}/ballots/")
    assert response.status_code == 200
    return response.content.decode()


def _api(user: Any, election: Any, path: str = "") -> tuple[int, str]:
    response = client_for(user).get(f"/api/elections/{election.pk}/ballots/{path}")
    return response.status_code, response.content.decode()


def _reveal_api(user: Any, election: Any) -> Any:
    return client_for(user).post(
        f"/api/elections/{election.pk}/ballots/security/reveal", content_type="application/json"
    )


def test_set_needs_the_township_office_and_two_of_each(
    formal: Any, committee: Any, town: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.security_set_update(
            acting_user=committee, campaign=formal.campaign, colours=COLOURS, seals=SEALS
        )
    with pytest.raises(ServiceError) as err:
        services.security_set_update(
            acting_user=town, campaign=formal.campaign, colours=["浅蓝色", " 浅蓝色 "], seals=SEALS
        )
    assert err.value.field == "colours"
    with pytest.raises(ServiceError) as err:
        services.security_set_update(
            acting_user=town, campaign=formal.campaign, colours=COLOURS, seals=["甲"]
        )
    assert err.value.field == "seals"


def test_draw_is_random_from_the_set_and_sealed(formal: Any, town: Any, options: Any) -> None:
    choice = services.security_choose(acting_user=town, election=formal)
    assert choice.colour in COLOURS
    assert choice.seal in SEALS
    assert choice.commitment == services.commitment_of(
        formal.pk, choice.colour, choice.seal, choice.nonce
    )
    assert str(choice) == "已封存"
    entry = AuditEntry.objects.get(action="ballots.security_choose")
    dumped = json.dumps([entry.before, entry.after], ensure_ascii=False)
    assert choice.commitment in dumped
    assert not any(s in dumped for s in SECRETS)


def test_draws_cover_every_option(formal: Any, town: Any, options: Any) -> None:
    """``secrets.choice`` over the whole set: in 60 draws every colour and seal turns up."""
    seen_colours, seen_seals = set(), set()
    for i in range(60):
        c = services.security_choose(
            acting_user=town, election=formal, reason="" if i == 0 else f"测试第{i}次"
        )
        seen_colours.add(c.colour)
        seen_seals.add(c.seal)
    assert seen_colours == set(COLOURS)
    assert seen_seals == set(SEALS)
    assert SecurityChoice.objects.filter(election=formal, superseded_at__isnull=True).count() == 1


def test_draw_refusals(formal: Any, committee: Any, town: Any, regular: Round) -> None:
    with pytest.raises(ServiceError, match="尚未设置"):
        services.security_choose(acting_user=town, election=formal)
    services.security_set_update(
        acting_user=town, campaign=formal.campaign, colours=COLOURS, seals=SEALS
    )
    with pytest.raises(PermissionDenied):
        services.security_choose(acting_user=committee, election=formal)
    first = services.security_choose(acting_user=town, election=formal)
    with pytest.raises(ServiceError) as err:
        services.security_choose(acting_user=town, election=formal)
    assert err.value.field == "reason"
    polling.round_open(acting_user=committee, round=regular)
    with pytest.raises(ServiceError, match="已经开始投票"):
        services.security_choose(acting_user=town, election=formal, reason="泄露")
    assert selectors.current_choice(formal) == first


def test_nobody_but_the_right_person_sees_it(
    formal: Any,
    users: dict[str, Any],
    committee: Any,
    town: Any,
    chief: Any,
    options: Any,
    regular: Round,
) -> None:
    choice = services.security_choose(acting_user=town, election=formal)
    others = [committee, users["county"], chief]
    # Before the vote: pages and API say 已封存 and nothing more, to everyone.
    for user in [*others, town]:
        page = _page(user, formal)
        assert "已封存" in page
        assert f"纸张颜色：{choice.colour}" not in page
        status, body = _api(user, formal)
        assert status == 200
        assert '"sealed":true' in body.replace(" ", "")
        assert not any(s in body for s in SECRETS), user
    for user in others:  # only the township office sees its set of options
        assert not any(s in _page(user, formal) for s in SECRETS), user
        assert _api(user, formal, "security/set")[0] == 403
    # Before the vote only the township office may open it (to print).
    for user in others:
        response = _reveal_api(user, formal)
        assert response.status_code == 403, user
        assert not any(s in response.content.decode() for s in SECRETS)
    response = _reveal_api(town, formal)
    assert response.status_code == 200
    assert response.json()["colour"] == choice.colour
    assert response.json()["purpose"] == "print"
    # Polls open: the 总监票人 only.
    polling.round_open(acting_user=committee, round=regular)
    for user in (committee, town, users["county"]):
        assert _reveal_api(user, formal).status_code == 403, user
    response = _reveal_api(chief, formal)
    assert response.status_code == 200
    assert (response.json()["seal"], response.json()["purpose"]) == (choice.seal, "issue")
    # Polls closed: nobody.
    polling.round_close(acting_user=committee, round=regular)
    for user in (chief, town):
        assert _reveal_api(user, formal).status_code == 403
    looks = list(SecurityReveal.objects.order_by("pk").values_list("purpose", "user_id"))
    assert looks == [("print", town.pk), ("issue", chief.pk)]
    for entry in AuditEntry.objects.filter(action="ballots.security_reveal"):
        assert not any(s in json.dumps(entry.after, ensure_ascii=False) for s in SECRETS)
    # The log says who looked and why, not what they saw.
    status, body = _api(committee, formal, "security/reveals")
    assert status == 200
    assert "print" in body
    assert not any(s in body for s in SECRETS)


def test_township_office_checks_issue_when_no_chief_has_a_login(
    formal: Any, committee: Any, town: Any, options: Any, regular: Round
) -> None:
    services.security_choose(acting_user=town, election=formal)
    polling.round_open(acting_user=committee, round=regular)
    assert not Staff.objects.filter(election=formal, role="chief_scrutineer").exists()
    right = selectors.reveal_purpose(formal, town)
    assert right.purpose == "issue"
    assert "未关联系统账号" in right.reason
    assert _reveal_api(town, formal).status_code == 200


def test_reveal_on_the_page_is_shown_once(
    formal: Any, committee: Any, town: Any, chief: Any, options: Any, regular: Round
) -> None:
    choice = services.security_choose(acting_user=town, election=formal)
    polling.round_open(acting_user=committee, round=regular)
    client = client_for(chief)
    url = f"/elections/{formal.pk}/ballots/"
    assert "启封查看（总监票人发票核验）" in client.get(url).content.decode()
    shown = client.post(url, {"action": "security_reveal"}).content.decode()
    assert f"纸张颜色：{choice.colour}" in shown
    assert f"印章：{choice.seal}" in shown
    again = client.get(url).content.decode()
    assert choice.colour not in again
    assert choice.seal not in again
    refused = client_for(committee).post(url, {"action": "security_reveal"}, follow=True)
    page = refused.content.decode()
    assert "只有总监票人可以启封核验" in page
    assert choice.colour not in page
    assert SecurityReveal.objects.count() == 1


def test_no_choice_nothing_to_open(formal: Any, town: Any, options: Any, regular: Round) -> None:
    assert selectors.reveal_purpose(formal, town).purpose is None
    assert _reveal_api(town, formal).status_code == 403
    assert "未抽取" in _page(town, formal)
