"""Proxy voting (委托投票): services with the law's refusals, the stage blocker, pages, API,
PDFs and permissions. Qingshan's election runs under Zhejiang rules (limit 3, listed
relatives, candidates barred, filing closes 3 days before election day)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.services import PlanError, stage_change
from huanjie.apps.proxies import documents, selectors, services
from huanjie.apps.proxies.models import ProxyAuthorisation, ProxyNotice
from huanjie.apps.proxies.services import ProxyError
from huanjie.apps.roll.models import Status, Voter
from huanjie.core.stages import Action, Stage, State

from .conftest import set_stages


def register(
    election: Any,
    principal: Voter,
    proxy: Voter,
    *,
    relation: str = "配偶",
    received: datetime.date | None = None,
    user: Any = None,
) -> ProxyAuthorisation:
    # Filed today unless a test says otherwise (then "today" is the day it was filed).
    today = received or timezone.localdate()
    return services.proxy_register(
        acting_user=user,
        election=election,
        principal_id_number=principal.id_number,
        proxy_id_number=proxy.id_number,
        relation=relation,
        reason="在外务工",
        received_on=today,
        today=today,
    )


def refusal(call: Callable[[], object]) -> ProxyError:
    before = (ProxyAuthorisation.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ProxyError) as info:
        call()
    assert (ProxyAuthorisation.objects.count(), AuditEntry.objects.count()) == before
    return info.value


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- Services and the law ---------------------------------------------------------------


def test_register_stores_the_decision_basis_and_audits(
    proxies_open: Any, voters: dict[str, Voter], users: dict[str, Any]
) -> None:
    auth = register(proxies_open, voters["张三"], voters["李四"], user=users["qingshan"])
    assert auth.serial == "WT0001"
    assert auth.status == ProxyAuthorisation.Status.REGISTERED
    assert auth.basis["profile"] == "village/zhejiang"
    assert "浙江省村民委员会选举办法 第二十五条第一款" in auth.basis["article"]
    assert auth.basis["filing_closes"] == str(proxies_open.election_day - datetime.timedelta(3))
    assert auth.basis["filing_closes_article"] == "浙江省村民委员会选举办法 第二十五条第二款"
    entry = AuditEntry.objects.get(action="proxy.register")
    assert entry.after["serial"] == "WT0001"
    assert entry.actor_name == "qingshan"


def test_limit_per_proxy_comes_from_the_profile(
    proxies_open: Any, voters: dict[str, Voter]
) -> None:
    holder = voters["李四"]
    for name in ("张三", "王五", "赵六"):
        register(proxies_open, voters[name], holder, relation="兄弟姐妹")
    err = refusal(lambda: register(proxies_open, voters["钱七"], holder, relation="兄弟姐妹"))
    assert err.code == "proxy_limit"
    assert err.field == "proxy"
    assert "不得超过 3 人" in err.message
    assert "浙江省村民委员会选举办法 第二十五条" in err.message
    # Revoking one frees a place.
    auth = ProxyAuthorisation.objects.get(principal=voters["张三"])
    services.proxy_revoke(
        acting_user=None, election=proxies_open, authorisation=auth, reason="本人撤回委托"
    )
    register(proxies_open, voters["钱七"], holder, relation="兄弟姐妹")


def test_national_profile_has_no_limit(proxies_open: Any, voters: dict[str, Voter]) -> None:
    proxies_open.profile_id = "village/national"
    proxies_open.save(update_fields=["profile_id"])
    holder = voters["郑一"]
    for name in NAMES_BUT_HOLDER:
        register(proxies_open, voters[name], holder, relation="子女")
    assert selectors.held_by(proxies_open, holder).count() == len(NAMES_BUT_HOLDER)


NAMES_BUT_HOLDER = ["张三", "李四", "王五", "赵六", "钱七"]


def test_non_relative_refused(proxies_open: Any, voters: dict[str, Voter]) -> None:
    err = refusal(lambda: register(proxies_open, voters["张三"], voters["李四"], relation=""))
    assert err.code == "holder_not_relative"
    assert err.field == "relation"
    assert "配偶、父母、子女" in err.message


def test_proxy_from_another_village_refused(
    proxies_open: Any, voters: dict[str, Voter], hongxing_voter: Voter
) -> None:
    err = refusal(lambda: register(proxies_open, voters["张三"], hongxing_voter))
    assert err.code == "holder_not_voter"
    assert err.field == "proxy"
    assert "本村" in err.message


def test_removed_voter_cannot_give_or_hold(proxies_open: Any, voters: dict[str, Voter]) -> None:
    err = refusal(lambda: register(proxies_open, voters["removed"], voters["李四"]))
    assert (err.code, err.field) == ("principal_not_voter", "principal")
    err = refusal(lambda: register(proxies_open, voters["张三"], voters["removed"]))
    assert (err.code, err.field) == ("holder_not_voter", "proxy")


def test_late_filing_refused_naming_the_date_and_article(
    proxies_open: Any, voters: dict[str, Voter]
) -> None:
    closes = proxies_open.election_day - datetime.timedelta(days=3)
    register(proxies_open, voters["张三"], voters["李四"], received=closes)  # last day: allowed
    late = closes + datetime.timedelta(days=1)
    err = refusal(lambda: register(proxies_open, voters["王五"], voters["李四"], received=late))
    assert (err.code, err.field) == ("filed_late", "received_on")
    assert closes.isoformat() in err.message
    assert "浙江省村民委员会选举办法 第二十五条第二款" in err.message


def test_without_a_deadline_filing_runs_to_election_day(
    proxies_open: Any, voters: dict[str, Voter]
) -> None:
    proxies_open.profile_id = "village/national"
    proxies_open.save(update_fields=["profile_id"])
    assert selectors.filing_deadline(proxies_open)[0] is None
    register(proxies_open, voters["张三"], voters["李四"], received=proxies_open.election_day)
    after = proxies_open.election_day + datetime.timedelta(days=1)
    err = refusal(lambda: register(proxies_open, voters["王五"], voters["李四"], received=after))
    assert err.code == "filed_late"


def test_one_proxy_per_principal_no_self_and_no_re_delegation(
    proxies_open: Any, voters: dict[str, Voter]
) -> None:
    v = voters
    assert refusal(lambda: register(proxies_open, v["张三"], v["张三"])).code == "self_proxy"
    register(proxies_open, v["张三"], v["李四"])
    assert refusal(lambda: register(proxies_open, v["张三"], v["王五"])).code == (
        "principal_has_proxy"
    )
    # 李四 holds 张三's vote: he cannot hand his own vote (and so theirs) to someone else.
    assert refusal(lambda: register(proxies_open, v["李四"], v["王五"])).code == (
        "principal_holds_proxies"
    )
    # 张三 is away and gave his vote: he cannot hold anyone's.
    assert refusal(lambda: register(proxies_open, v["王五"], v["张三"])).code == (
        "holder_is_principal"
    )


def test_candidate_holder_refused_and_flagged_later(
    proxies_open: Any, voters: dict[str, Voter], candidates: Callable[[Voter], None]
) -> None:
    assert selectors.candidate_check_available()
    candidates(voters["王五"])
    err = refusal(lambda: register(proxies_open, voters["张三"], voters["王五"]))
    assert (err.code, err.field) == ("holder_is_candidate", "proxy")
    assert "候选人" in err.message
    # 李四 accepts a proxy, then is nominated: the authorisation is flagged and blocks closing.
    auth = register(proxies_open, voters["赵六"], voters["李四"])
    assert list(selectors.held_by(proxies_open, voters["李四"])) == [auth]
    candidates(voters["李四"])
    problems = selectors.standing(proxies_open, auth)
    assert [p.code for p in problems if p.level == "error"] == [
        "holder_is_candidate",
        "not_published",
    ]
    assert any("已成为候选人" in b for b in selectors.blockers(proxies_open))
    with pytest.raises(ProxyError, match="请先撤销"):
        services.proxy_list_publish(acting_user=None, election=proxies_open)


def test_stage_must_be_open(election: Any, voters: dict[str, Voter]) -> None:
    err = refusal(lambda: register(election, voters["张三"], voters["李四"]))
    assert err.code == "stage_not_open"


def test_revoke_needs_a_reason_and_happens_once(
    proxies_open: Any, voters: dict[str, Voter]
) -> None:
    auth = register(proxies_open, voters["张三"], voters["李四"])

    def revoke(reason: str) -> None:
        services.proxy_revoke(
            acting_user=None, election=proxies_open, authorisation=auth, reason=reason
        )

    assert refusal(lambda: revoke("  ")).field == "reason"
    revoke("委托人回村，本人投票")
    auth.refresh_from_db()
    assert auth.status == ProxyAuthorisation.Status.REVOKED
    assert auth.revoked_reason == "委托人回村，本人投票"
    assert AuditEntry.objects.filter(action="proxy.revoke").count() == 1
    assert refusal(lambda: revoke("again")).code == "already_revoked"
    # The principal may now authorise someone else.
    register(proxies_open, voters["张三"], voters["王五"], relation="子女")


def test_publication_and_the_stage_blocker(
    proxies_open: Any, voters: dict[str, Voter], users: dict[str, Any]
) -> None:
    assert selectors.blockers(proxies_open) == []  # nothing filed, nothing to publish
    a = register(proxies_open, voters["张三"], voters["李四"])
    b = register(proxies_open, voters["王五"], voters["赵六"], relation="父母")
    assert [p.code for p in selectors.standing(proxies_open, a)] == ["not_published"]
    assert any("尚未公告" in r for r in selectors.blockers(proxies_open))
    with pytest.raises(PlanError, match="尚未公告"):
        stage_change(
            acting_user=users["qingshan"],
            election=proxies_open,
            stage=Stage.PROXIES,
            action=Action.CLOSE,
        )
    notice = services.proxy_list_publish(acting_user=users["qingshan"], election=proxies_open)
    assert notice.number == 1
    # Zhejiang orders by full-name strokes (姓名笔画): 王 (4 strokes) before 张 (7).
    assert [e["principal"] for e in notice.entries] == ["王五", "张三"]
    assert selectors.blockers(proxies_open) == []
    assert (
        refusal(lambda: services.proxy_list_publish(acting_user=None, election=proxies_open)).code
        == "unchanged"
    )
    services.proxy_revoke(
        acting_user=None, election=proxies_open, authorisation=b, reason="委托人撤回"
    )
    assert any("重新公告" in r for r in selectors.blockers(proxies_open))
    second = services.proxy_list_publish(acting_user=None, election=proxies_open)
    assert [e["principal"] for e in second.entries] == ["张三"]
    stage_change(
        acting_user=users["qingshan"],
        election=proxies_open,
        stage=Stage.PROXIES,
        action=Action.CLOSE,
    )
    # Closed: no more changes until the stage is reopened (with a reason).
    assert refusal(lambda: register(proxies_open, voters["钱七"], voters["孙八"])).code == (
        "stage_not_open"
    )


def test_a_voter_leaving_the_roll_blocks_until_revoked(
    proxies_open: Any, voters: dict[str, Voter]
) -> None:
    auth = register(proxies_open, voters["张三"], voters["李四"])
    services.proxy_list_publish(acting_user=None, election=proxies_open)
    Voter.objects.filter(pk=voters["李四"].pk).update(status=Status.REMOVED)
    assert any("受委托人已不在选民名单上" in r for r in selectors.blockers(proxies_open))
    assert selectors.certifiable(proxies_open) == []
    services.proxy_revoke(
        acting_user=None, election=proxies_open, authorisation=auth, reason="受委托人已除名"
    )
    empty = services.proxy_list_publish(acting_user=None, election=proxies_open)
    assert empty.entries == []  # the published list is corrected, even to nobody
    assert selectors.blockers(proxies_open) == []
    assert "共0人" in pdf_text(documents.notice_pdf(proxies_open, empty))


def test_certificate_payload_is_signed(proxies_open: Any, voters: dict[str, Voter]) -> None:
    auth = register(proxies_open, voters["张三"], voters["李四"])
    payload = selectors.certificate_payload(auth)
    assert payload.startswith(f"HJ-WT|{proxies_open.pk}|WT0001|")
    assert selectors.verify_payload(proxies_open, payload) == auth
    forged = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    assert selectors.verify_payload(proxies_open, forged) is None
    services.proxy_revoke(
        acting_user=None, election=proxies_open, authorisation=auth, reason="撤回"
    )
    assert selectors.verify_payload(proxies_open, payload) is None


# --- Pages ---------------------------------------------------------------------------------


def test_page_registers_by_name_and_by_id_number(
    proxies_open: Any, voters: dict[str, Voter], committee_client: Client
) -> None:
    url = f"/elections/{proxies_open.pk}/proxies/"
    page = committee_client.get(url)
    assert page.status_code == 200
    assert "登记书面委托" in page.content.decode()
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in page.content.decode()  # the date picker needs ISO dates
    response = committee_client.post(
        url,
        {
            "principal": "张三",
            "proxy": voters["李四"].id_number,
            "relation": "配偶",
            "reason": "在宁波务工",
            "received_on": today,
        },
    )
    assert response.status_code == 302
    auth = ProxyAuthorisation.objects.get()
    assert (auth.principal, auth.proxy) == (voters["张三"], voters["李四"])
    listing = committee_client.get(url).content.decode()
    assert "WT0001" in listing
    assert voters["张三"].id_number not in listing  # the register shows names, not ID numbers


def test_page_shows_refusals_beside_the_field(
    proxies_open: Any,
    voters: dict[str, Voter],
    hongxing_voter: Voter,
    committee_client: Client,
) -> None:
    url = f"/elections/{proxies_open.pk}/proxies/"
    today = timezone.localdate().isoformat()
    base = {"principal": "张三", "reason": "外出", "received_on": today}
    page = committee_client.post(
        url, {**base, "proxy": hongxing_voter.id_number, "relation": "配偶"}
    ).content.decode()
    assert "受委托人必须是本选区（本村）有选举权的选民" in page
    page = committee_client.post(
        url, {**base, "proxy": "李四", "relation": "其他"}
    ).content.decode()
    assert "不符合" in page
    page = committee_client.post(url, {**base, "proxy": "查无此人", "relation": "配偶"})
    assert "没有名为“查无此人”的选民" in page.content.decode()
    assert ProxyAuthorisation.objects.count() == 0


def test_late_filing_refused_on_the_page(
    proxies_open: Any, voters: dict[str, Voter], committee_client: Client
) -> None:
    today = timezone.localdate()
    proxies_open.election_day = today + datetime.timedelta(days=2)  # closed yesterday
    proxies_open.save(update_fields=["election_day"])
    page = committee_client.post(
        f"/elections/{proxies_open.pk}/proxies/",
        {
            "principal": "张三",
            "proxy": "李四",
            "relation": "配偶",
            "reason": "外出",
            "received_on": today.isoformat(),
        },
    ).content.decode()
    assert (today - datetime.timedelta(days=1)).isoformat() in page
    assert "第二十五条第二款" in page
    assert ProxyAuthorisation.objects.count() == 0


def test_search_revoke_publish_and_pdfs_on_the_pages(
    proxies_open: Any, voters: dict[str, Voter], committee_client: Client
) -> None:
    base = f"/elections/{proxies_open.pk}/proxies/"
    search = committee_client.get(base, {"q": "李"}).content.decode()
    assert "李四" in search
    assert voters["李四"].id_number in search  # the committee sees the number it must type
    a = register(proxies_open, voters["张三"], voters["李四"])
    register(proxies_open, voters["王五"], voters["赵六"], relation="父母")
    assert committee_client.post(f"{base}{a.pk}/revoke", {"reason": "本人回村"}).status_code == 302
    a.refresh_from_db()
    assert a.status == "revoked"
    assert committee_client.get(f"{base}notice.pdf").status_code == 404
    assert committee_client.post(f"{base}publish").status_code == 302
    assert ProxyNotice.objects.count() == 1

    notice = committee_client.get(f"{base}notice.pdf")
    assert notice["Content-Type"] == "application/pdf"
    text = pdf_text(notice.content)
    assert "委托投票公告" in text
    assert "王五" in text
    assert "赵六" in text
    assert "张三" not in text  # revoked before publication
    assert voters["王五"].id_number not in text

    certs = committee_client.get(f"{base}certificates.pdf")
    assert certs["Content-Type"] == "application/pdf"
    text = pdf_text(certs.content)
    assert "委托投票证" in text
    assert "王五" in text
    assert "赵六" in text
    assert "WT0002" in text


# --- API -------------------------------------------------------------------------------------


def test_api_register_list_revoke_publish(
    proxies_open: Any, voters: dict[str, Voter], committee_client: Client
) -> None:
    base = f"/api/elections/{proxies_open.pk}/proxies"
    today = timezone.localdate().isoformat()
    body = {
        "principal": voters["张三"].id_number,
        "proxy": "李四",
        "relation": "配偶",
        "reason": "在外务工",
        "received_on": today,
    }
    created = committee_client.post(f"{base}/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["serial"] == "WT0001"
    assert data["principal"]["id_masked"].count("*") == 8
    assert [p["code"] for p in data["problems"]] == ["not_published"]

    again = committee_client.post(
        f"{base}/", {**body, "proxy": voters["王五"].id_number}, content_type="application/json"
    )
    assert again.status_code == 400
    assert again.json()["code"] == "principal_has_proxy"
    assert again.json()["field"] == "principal"

    assert len(committee_client.get(f"{base}/").json()) == 1
    found = committee_client.get(f"{base}/voters", {"q": "王"}).json()
    assert [v["name"] for v in found] == ["王五"]
    status = committee_client.get(f"{base}/status").json()
    assert status["in_force"] == 1
    assert status["filing_closes_article"] == "浙江省村民委员会选举办法 第二十五条第二款"
    assert status["blockers"]

    published = committee_client.post(f"{base}/notices", content_type="application/json")
    assert published.status_code == 201
    assert published.json()["entries"][0]["principal"] == "张三"
    pdf = committee_client.get(f"{base}/notices/latest.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "李四" in pdf_text(pdf.content)
    assert committee_client.get(f"{base}/certificates.pdf")["Content-Type"] == "application/pdf"

    revoked = committee_client.post(
        f"{base}/{data['id']}/revoke", {"reason": ""}, content_type="application/json"
    )
    assert revoked.status_code == 400
    assert revoked.json()["field"] == "reason"
    revoked = committee_client.post(
        f"{base}/{data['id']}/revoke", {"reason": "本人回村"}, content_type="application/json"
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"


def test_api_refuses_late_filing_and_other_village(
    proxies_open: Any, voters: dict[str, Voter], hongxing_voter: Voter, committee_client: Client
) -> None:
    base = f"/api/elections/{proxies_open.pk}/proxies/"
    today = timezone.localdate()
    body = {"principal": "张三", "proxy": "李四", "relation": "配偶", "reason": "外出"}
    other = committee_client.post(
        base,
        {**body, "proxy": hongxing_voter.id_number, "received_on": today.isoformat()},
        content_type="application/json",
    )
    assert (other.status_code, other.json()["code"]) == (400, "holder_not_voter")
    proxies_open.election_day = today + datetime.timedelta(days=1)
    proxies_open.save(update_fields=["election_day"])
    late = committee_client.post(
        base, {**body, "received_on": today.isoformat()}, content_type="application/json"
    )
    assert (late.status_code, late.json()["field"]) == (400, "received_on")
    assert "第二十五条第二款" in late.json()["detail"]


# --- Permissions -----------------------------------------------------------------------------


def test_other_village_gets_403_on_pages_and_api(
    proxies_open: Any, voters: dict[str, Voter], users: dict[str, Any]
) -> None:
    auth = register(proxies_open, voters["张三"], voters["李四"])
    services.proxy_list_publish(acting_user=None, election=proxies_open)
    client = Client()
    client.force_login(users["observer"])  # sees only 红星村
    page = f"/elections/{proxies_open.pk}/proxies/"
    api = f"/api/elections/{proxies_open.pk}/proxies"
    for url in (page, f"{page}notice.pdf", f"{page}certificates.pdf"):
        assert client.get(url).status_code == 403, url
    for url in (page, f"{page}{auth.pk}/revoke", f"{page}publish"):
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    for url in (
        f"{api}/",
        f"{api}/status",
        f"{api}/voters?q=张",
        f"{api}/{auth.pk}",
        f"{api}/notices/latest",
        f"{api}/notices/latest.pdf",
        f"{api}/certificates.pdf",
    ):
        assert client.get(url).status_code == 403, url
    for url, body in (
        (f"{api}/", {"principal": "王五", "proxy": "赵六", "received_on": "2026-01-01"}),
        (f"{api}/{auth.pk}/revoke", {"reason": "x"}),
        (f"{api}/notices", {}),
    ):
        assert client.post(url, body, content_type="application/json").status_code == 403, url
    auth.refresh_from_db()
    assert auth.status == "registered"


def test_readers_see_but_cannot_change(
    proxies_open: Any, voters: dict[str, Voter], users: dict[str, Any]
) -> None:
    register(proxies_open, voters["张三"], voters["李四"])
    client = Client()
    client.force_login(users["county"])  # county organisers look; they do not act
    page = client.get(f"/elections/{proxies_open.pk}/proxies/")
    assert page.status_code == 200
    assert "登记书面委托" not in page.content.decode()
    assert client.get(f"/elections/{proxies_open.pk}/proxies/certificates.pdf").status_code == 403
    assert client.post(f"/api/elections/{proxies_open.pk}/proxies/notices").status_code == 403
    town = Client()
    town.force_login(users["town"])  # the township office acts for its villages
    assert town.post(f"/api/elections/{proxies_open.pk}/proxies/notices").status_code == 201


def test_stage_states_checked_by_fixture(election: Any) -> None:
    set_stages(election, proxies=State.OPEN)
    assert selectors.blockers(election) == []


def test_with_the_candidates_part(proxies_open: Any, voters: dict[str, Voter]) -> None:
    """The real ``candidates.selectors.is_candidate``: an active candidate cannot hold proxies
    under Zhejiang rules, and the candidates part sees the proxies a candidate holds."""
    from huanjie.apps.candidates.models import Candidate, Nominee
    from huanjie.apps.candidates.selectors import candidate_warnings

    auth = register(proxies_open, voters["张三"], voters["李四"])
    post = proxies_open.posts.get(kind="member")
    nominee = Nominee.objects.create(election=proxies_open, voter=voters["李四"], label="李四")
    candidate = Candidate.objects.create(
        election=proxies_open, post=post, voter=voters["李四"], nominee=nominee, source="tally"
    )
    assert selectors.candidate_check_available()
    err = refusal(lambda: register(proxies_open, voters["王五"], voters["李四"]))
    assert err.code == "holder_is_candidate"
    assert "holder_is_candidate" in {p.code for p in selectors.standing(proxies_open, auth)}
    assert any("持有 1 份委托投票" in w for w in candidate_warnings(proxies_open, candidate))


def test_publication_timing(proxies_open: Any, voters: dict[str, Voter]) -> None:
    register(proxies_open, voters["张三"], voters["李四"])
    day = proxies_open.election_day
    err = refusal(
        lambda: services.proxy_list_publish(acting_user=None, election=proxies_open, today=day)
    )
    assert err.code == "publication_too_late"
    assert "浙江省村民委员会选举办法 第二十五条" in err.message
    assert ProxyNotice.objects.count() == 0
    # Shanghai: the list is due two days before election day; later it is kept as a warning.
    proxies_open.profile_id = "village/shanghai"
    proxies_open.save(update_fields=["profile_id"])
    notice = services.proxy_list_publish(
        acting_user=None, election=proxies_open, today=day - datetime.timedelta(days=1)
    )
    assert notice.warnings
    assert "上海市村民委员会选举办法 第十六条第二款" in notice.warnings[0]
