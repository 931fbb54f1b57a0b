"""Preparation records: democratic evaluation, the financial audit, risk levels, staff
training, the local parameters, the stage blocker, the pages, the PDFs and the API."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from pypdf import PdfReader

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.services import stage_change
from huanjie.apps.committee.models import SelectedBy
from huanjie.apps.committee.services import committee_member_add, committee_relation_declare
from huanjie.apps.errors import ServiceError
from huanjie.apps.preparation import selectors, services
from huanjie.apps.preparation.models import (
    Evaluation,
    FinancialAudit,
    RiskAssessment,
    TraineeScore,
)
from huanjie.core.preparation import Kin, PersonRef
from huanjie.core.stages import Action, Stage

DAY = datetime.timedelta(days=1)


def enter(election: Election, user: Any, name: str = "张三", **counts: Any) -> Evaluation:
    tallies: dict[str, Any] = {
        "post": "chair",
        "issued": 100,
        "returned": 100,
        "satisfied": 50,
        "basically_satisfied": 20,
        "dissatisfied": 30,
    }
    tallies.update(counts)
    return services.evaluation_enter(
        acting_user=user, election=election, incumbent_name=name, **tallies
    )


def record_audit(election: Election, user: Any, today: datetime.date) -> FinancialAudit:
    return services.financial_audit_record(
        acting_user=user,
        election=election,
        auditor="天荒坪镇人民政府",
        period_start=today - 1800 * DAY,
        period_end=today - 10 * DAY,
        result="账目清楚，收支相符",
        problems="",
    )


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def counts() -> tuple[int, ...]:
    return (
        Evaluation.objects.count(),
        FinancialAudit.objects.count(),
        RiskAssessment.objects.count(),
        TraineeScore.objects.count(),
        AuditEntry.objects.count(),
    )


# --------------------------------------------------------------------------- evaluation


def test_evaluation_stores_the_decision_and_the_bar_it_applied(
    prep: Election, users: dict[str, Any]
) -> None:
    e = enter(prep, users["qingshan"])
    assert e.share == "30.00%"
    assert e.flagged  # exactly 30%: 达到 (inclusive) by default
    assert e.formula == "30×100=3000 ≥ 100×30=3000"
    assert (e.bar_percent, e.bar_inclusive, e.bar_base) == (30, True, "returned")
    assert e.basis["status"] == "U"
    assert "地方政策" in e.basis_text
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "preparation.evaluation_enter"
    assert entry.after["flagged"] is True
    assert entry.after["bar_percent"] == 30
    assert selectors.renomination_bar(prep, "张 三") == e
    # Correcting before publication updates the same row, audited with before and after.
    e2 = enter(prep, users["qingshan"], satisfied=51, dissatisfied=29)
    assert e2.pk == e.pk
    assert not e2.flagged
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.before["dissatisfied"] == 30
    assert selectors.renomination_bar(prep, "张三") is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"returned": 101}, "returned", "不能多于发出测评票"),
        ({"satisfied": 60}, "dissatisfied", "不能多于收回测评票"),
        ({"dissatisfied": -1}, "dissatisfied", "不满意票不能为负数"),
        (
            {
                "issued": 0,
                "returned": 0,
                "satisfied": 0,
                "basically_satisfied": 0,
                "dissatisfied": 0,
            },
            "returned",
            "无法计算",
        ),
        ({"post": "boss"}, "post", "现任职务"),
        ({"name": " "}, "incumbent_name", "被测评人：请填写"),
    ],
)
def test_bad_tallies_name_the_field_and_change_nothing(
    prep: Election, users: dict[str, Any], changes: dict[str, Any], field: str, message: str
) -> None:
    before = counts()
    with pytest.raises(ServiceError, match=message) as caught:
        enter(prep, users["qingshan"], **changes)
    assert caught.value.field == field
    assert counts() == before


def test_publication_freezes_results(
    prep: Election, users: dict[str, Any], today: datetime.date
) -> None:
    user = users["qingshan"]
    e = enter(prep, user)
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.evaluation_publish(acting_user=user, election=prep, published_on=today + DAY)
    assert services.evaluation_publish(acting_user=user, election=prep, published_on=today) == 1
    with pytest.raises(ServiceError, match="没有尚未公布"):
        services.evaluation_publish(acting_user=user, election=prep, published_on=today)
    before = counts()
    with pytest.raises(ServiceError, match=r"已于.*公布，不能修改"):
        enter(prep, user, dissatisfied=10, satisfied=70)
    with pytest.raises(ServiceError, match="已公布，不能删除"):
        services.evaluation_delete(acting_user=user, evaluation=e)
    assert counts() == before
    other = enter(prep, user, name="李四", post="member")
    services.evaluation_delete(acting_user=user, evaluation=other)
    assert AuditEntry.objects.order_by("-seq").first().action == "preparation.evaluation_delete"  # type: ignore[union-attr]
    assert list(Evaluation.objects.values_list("incumbent_name", flat=True)) == ["张三"]


def test_the_township_sets_the_bar_and_unpublished_results_are_decided_again(
    prep: Election, users: dict[str, Any], today: datetime.date
) -> None:
    published = enter(prep, users["qingshan"], name="王五", post="member")
    services.evaluation_publish(acting_user=users["qingshan"], election=prep, published_on=today)
    pending = enter(prep, users["qingshan"])
    session = services.training_session_create(
        acting_user=users["qingshan"], election=prep, title="选举工作人员培训", held_on=today
    )
    score = services.trainee_score_enter(
        acting_user=users["qingshan"], session=session, name="孙八", score=85
    )
    assert score.passed
    services.preparation_setting_update(
        acting_user=users["town"],
        campaign=prep.campaign,
        evaluation_required=True,
        evaluation_percent=30,
        evaluation_inclusive=False,
        evaluation_base="returned",
        pass_mark=90,
        basis="天荒坪镇第十二届换届选举工作实施方案 第八条",
    )
    pending.refresh_from_db()
    published.refresh_from_db()
    score.refresh_from_db()
    assert not pending.flagged  # 30% does not exceed (超过) 30%
    assert pending.bar_inclusive is False
    assert pending.basis["law"] == "天荒坪镇第十二届换届选举工作实施方案 第八条"
    assert pending.basis["status"] == "V"
    assert published.flagged  # published under the old bar: kept
    assert published.bar_inclusive is True
    assert not score.passed
    assert score.pass_mark == 90
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:3])
    assert sorted(actions) == [
        "preparation.evaluation_redecide",
        "preparation.score_redecide",
        "preparation.setting_update",
    ]
    with pytest.raises(ServiceError, match="不满意率标准") as caught:
        services.preparation_setting_update(
            acting_user=users["town"],
            campaign=prep.campaign,
            evaluation_required=True,
            evaluation_percent=0,
            evaluation_inclusive=True,
            evaluation_base="returned",
            pass_mark=85,
        )
    assert caught.value.field == "evaluation_percent"


# --------------------------------------------------------------------------- audit


def test_financial_audit_record_and_publish(
    prep: Election, users: dict[str, Any], today: datetime.date
) -> None:
    user = users["qingshan"]
    with pytest.raises(ServiceError, match="请先录入审计结果"):
        services.financial_audit_publish(acting_user=user, election=prep, published_on=today)
    with pytest.raises(ServiceError, match="不能早于审计期间起") as caught:
        services.financial_audit_record(
            acting_user=user,
            election=prep,
            auditor="镇政府",
            period_start=today,
            period_end=today - DAY,
            result="清楚",
        )
    assert caught.value.field == "period_end"
    audit = record_audit(prep, user, today)
    assert AuditEntry.objects.order_by("-seq").first().action == "preparation.audit_record"  # type: ignore[union-attr]
    audit = services.financial_audit_publish(acting_user=user, election=prep, published_on=today)
    assert audit.published_on == today
    before = counts()
    with pytest.raises(ServiceError, match="不能修改"):
        record_audit(prep, user, today)
    assert counts() == before


def test_the_audit_must_be_published_before_election_day(
    prep: Election, users: dict[str, Any], today: datetime.date
) -> None:
    record_audit(prep, users["qingshan"], today)
    Election.objects.filter(pk=prep.pk).update(election_day=today)
    prep.refresh_from_db()
    with pytest.raises(ServiceError, match="第三十五条第二款") as caught:
        services.financial_audit_publish(
            acting_user=users["qingshan"], election=prep, published_on=today
        )
    assert caught.value.field == "published_on"
    assert FinancialAudit.objects.get().published_on is None


# --------------------------------------------------------------------------- risk


def test_risk_levels_keep_their_history(prep: Election, users: dict[str, Any]) -> None:
    user = users["qingshan"]
    with pytest.raises(ServiceError, match="请说明风险所在") as caught:
        services.risk_assess(acting_user=user, election=prep, level="high", notes="")
    assert caught.value.field == "notes"
    services.risk_assess(acting_user=user, election=prep, level="low")
    services.risk_assess(acting_user=user, election=prep, level="high", notes="宗族矛盾突出")
    assert [r.level for r in selectors.risk_history(prep)] == ["high", "low"]
    current = selectors.current_risk(prep)
    assert current is not None
    assert current.notes == "宗族矛盾突出"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.before == {"level": "low", "notes": ""}
    assert entry.after == {"level": "high", "notes": "宗族矛盾突出"}
    assert selectors.risk_levels([prep])[prep.pk] == current


# --------------------------------------------------------------------------- training and staff


def test_training_pass_mark_and_who_may_serve(
    prep: Election,
    users: dict[str, Any],
    today: datetime.date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = users["qingshan"]
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.training_session_create(
            acting_user=user, election=prep, title="培训", held_on=today + DAY
        )
    session = services.training_session_create(
        acting_user=user, election=prep, title="选举工作人员培训", held_on=today
    )
    a = services.trainee_score_enter(acting_user=user, session=session, name="周九", score=85)
    b = services.trainee_score_enter(acting_user=user, session=session, name="吴十", score=84)
    assert a.passed
    assert a.decision == "85分 ≥ 合格分数线85分，合格"
    assert not b.passed
    with pytest.raises(ServiceError, match="成绩") as caught:
        services.trainee_score_enter(acting_user=user, session=session, name="郑一", score=101)
    assert caught.value.field == "score"
    # A retake in a second session counts.
    second = services.training_session_create(
        acting_user=user, election=prep, title="补考", held_on=today
    )
    assert selectors.may_serve_as_staff(prep, "吴十") == (
        False,
        "培训考试未合格（最高84分 < 合格分数线85分，不合格）",
    )
    services.trainee_score_enter(acting_user=user, session=second, name="吴十", score=92)
    allowed, reason = selectors.may_serve_as_staff(prep, "吴十")
    assert allowed
    assert reason == "培训考试92分 ≥ 合格分数线85分，合格"
    assert selectors.may_serve_as_staff(prep, "无名氏") == (False, "未参加选举工作人员培训考试")
    # Correcting a score updates the same row.
    services.trainee_score_enter(acting_user=user, session=session, name="周九", score=88)
    assert TraineeScore.objects.filter(name="周九").count() == 1
    register = {r.name: r for r in selectors.staff_register(prep)}
    assert register["吴十"].attempts == 2
    assert register["吴十"].best.score == 92

    # Candidates and their near relatives may not serve (规程 [S]): the candidates part
    # registers its check; here with 王五 as the only candidate and 周九 his spouse.
    committee_relation_declare(
        acting_user=user, election=prep, a_name="王五", b_name="周九", kind=Kin.SPOUSE
    )

    def candidates(election: Election, person: PersonRef) -> list[str]:
        return selectors.candidate_exclusions(election, person, [PersonRef("王五")])

    monkeypatch.setattr(selectors, "_STAFF_EXCLUSIONS", [])
    selectors.register_staff_exclusion(candidates)
    allowed, reason = selectors.may_serve_as_staff(prep, "周九")
    assert not allowed
    assert "周九的配偶王五是候选人，近亲属不得担任选举工作人员" in reason
    assert selectors.may_serve_as_staff(prep, "吴十")[0]


# --------------------------------------------------------------------------- the stage


def test_preparation_cannot_close_until_the_records_are_complete(
    prep: Election, users: dict[str, Any], today: datetime.date
) -> None:
    user = users["qingshan"]
    assert selectors.preparation_blockers(prep) == [
        "尚未录入民主测评结果",
        "尚未录入村民委员会离任经济责任审计结果（村民委员会组织法 第三十五条第二款：应在选举前公布）",
        "尚未进行风险研判（评定风险等级）",
    ]
    stage_change(acting_user=user, election=prep, stage=Stage.PREPARATION, action=Action.OPEN)
    for rank, name in enumerate(["张一", "李二", "王三"], start=1):
        committee_member_add(
            acting_user=user,
            election=prep,
            name=name,
            sex="M",
            selected_by=SelectedBy.VILLAGERS_MEETING,
            rank=rank,
            role="chair" if rank == 1 else "member",
        )
    enter(prep, user)
    record_audit(prep, user, today)
    services.risk_assess(acting_user=user, election=prep, level="low")
    with pytest.raises(ServiceError, match=r"有1项民主测评结果尚未公布.*审计结果尚未公布"):
        stage_change(acting_user=user, election=prep, stage=Stage.PREPARATION, action=Action.CLOSE)
    services.evaluation_publish(acting_user=user, election=prep, published_on=today)
    services.financial_audit_publish(acting_user=user, election=prep, published_on=today)
    assert selectors.preparation_blockers(prep) == []
    stage_change(acting_user=user, election=prep, stage=Stage.PREPARATION, action=Action.CLOSE)
    assert selectors.preparation_closed(prep)
    before = counts()
    with pytest.raises(ServiceError, match="阶段已完成") as caught:
        enter(prep, user, name="李四", post="member")
    assert caught.value.field == "stage"
    assert counts() == before
    # The risk level may still change.
    services.risk_assess(acting_user=user, election=prep, level="medium", notes="有人串联拉票")


def test_a_campaign_may_waive_the_evaluation(prep: Election, users: dict[str, Any]) -> None:
    services.preparation_setting_update(
        acting_user=users["town"],
        campaign=prep.campaign,
        evaluation_required=False,
        evaluation_percent=30,
        evaluation_inclusive=True,
        evaluation_base="returned",
        pass_mark=85,
    )
    assert "尚未录入民主测评结果" not in selectors.preparation_blockers(prep)


# --------------------------------------------------------------------------- pages


def test_page_shows_the_tables_and_errors_beside_the_field(
    prep: Election, users: dict[str, Any], login: Any, today: datetime.date
) -> None:
    enter(prep, users["qingshan"])
    client = login("qingshan")
    base = f"/elections/{prep.pk}/preparation"
    page = client.get(f"{base}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "30.00%" in text
    assert "不得再提名" in text
    assert "不满意票占收回测评票的比例达到30%（含本数）" in text
    assert "保存参数" not in text  # the committee may not set the township's parameters
    response = client.post(
        f"{base}/evaluations",
        {
            "incumbent_name": "李四",
            "post": "member",
            "issued": "100",
            "returned": "120",
            "satisfied": "1",
            "basically_satisfied": "1",
            "dissatisfied": "1",
        },
    )
    assert response.status_code == 400
    assert "收回测评票（120）不能多于发出测评票（100）" in response.content.decode()
    assert not Evaluation.objects.filter(incumbent_name="李四").exists()
    response = client.post(f"{base}/risk", {"level": "medium", "notes": ""})
    assert response.status_code == 400
    assert "研判说明" in response.content.decode()
    response = client.post(f"{base}/risk", {"level": "medium", "notes": "换届矛盾"}, follow=True)
    assert "风险等级已评定为“中”" in response.content.decode()
    response = client.post(f"{base}/training", {"title": "培训", "held_on": today.isoformat()})
    assert response.status_code == 302
    session = prep.training_sessions.get()
    response = client.post(
        f"{base}/training/scores", {"session": str(session.pk), "name": "周九", "score": "90"}
    )
    assert response.status_code == 302
    staff = client.get(f"{base}/staff/").content.decode()
    assert "周九" in staff
    assert "可以" in staff
    # The township office sees and uses the parameters form.
    town = login("town")
    assert "保存参数" in town.get(f"{base}/").content.decode()
    response = town.post(
        f"{base}/settings",
        {
            "evaluation_required": "on",
            "evaluation_percent": "30",
            "evaluation_inclusive": "0",
            "evaluation_base": "returned",
            "pass_mark": "85",
            "basis": "",
        },
    )
    assert response.status_code == 302
    assert not Evaluation.objects.get(incumbent_name="张三").flagged


def test_risk_overview_shows_only_visible_villages(
    prep: Election, users: dict[str, Any], tree: dict[str, Any], login: Any
) -> None:
    from huanjie.apps.campaigns.services import election_create

    hongxing = election_create(
        acting_user=users["town"],
        campaign=prep.campaign,
        area=tree["hongxing"],
        election_day=prep.election_day,
        members=5,
    )
    services.risk_assess(acting_user=users["town"], election=hongxing, level="high", notes="上访")
    services.risk_assess(acting_user=users["qingshan"], election=prep, level="low")
    town = login("town").get(f"/elections/{prep.pk}/preparation/risks/").content.decode()
    assert "红星村" in town
    assert "青山村" in town
    assert "上访" in town
    own = login("qingshan").get(f"/elections/{prep.pk}/preparation/risks/").content.decode()
    assert "青山村" in own
    assert "上访" not in own
    rows = login("town").get(f"/api/elections/{prep.pk}/preparation/risks").json()
    assert {r["area_name"]: r["risk"]["level"] for r in rows} == {"青山村": "low", "红星村": "high"}


def test_notices_as_pdf(
    prep: Election, users: dict[str, Any], login: Any, today: datetime.date
) -> None:
    user = users["qingshan"]
    client = login("qingshan")
    base = f"/elections/{prep.pk}/preparation"
    assert client.get(f"{base}/evaluations/notice.pdf").status_code == 302  # nothing yet
    enter(prep, user)
    enter(prep, user, name="李四", post="member", satisfied=80, dissatisfied=0)
    response = client.get(f"{base}/evaluations/notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "民主测评结果公告" in text
    assert "张三" in text
    assert "不满意率30.00%" in text
    assert "不得再提名" in text
    record_audit(prep, user, today)
    response = login("town").get(f"/api/elections/{prep.pk}/preparation/audit/notice.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "离任经济责任审计结果公告" in text
    assert "账目清楚" in text
    assert "第十一届" in text


def test_other_villages_get_403_on_pages_and_api(
    prep: Election, users: dict[str, Any], login: Any, today: datetime.date
) -> None:
    enter(prep, users["qingshan"])
    base = f"/elections/{prep.pk}/preparation"
    api = f"/api/elections/{prep.pk}/preparation"
    observer = login("observer")
    for url in ("/", "/staff/", "/risks/", "/evaluations/notice.pdf"):
        assert observer.get(f"{base}{url}").status_code == 403, url
    assert observer.post(f"{base}/risk", {"level": "low"}).status_code == 403
    for url in ("/evaluations", "/status", "/risk", "/staff", "/settings"):
        assert observer.get(f"{api}{url}").status_code == 403, url
    body = json.dumps({"level": "low", "notes": ""})
    assert observer.post(f"{api}/risk", body, content_type="application/json").status_code == 403
    county = login("county")  # sees, may not change
    assert county.get(f"{base}/").status_code == 200
    assert county.post(f"{base}/risk", {"level": "low"}).status_code == 403
    assert county.post(f"{api}/risk", body, content_type="application/json").status_code == 403
    # The village committee may not change the township's parameters.
    qingshan = login("qingshan")
    settings = json.dumps({"evaluation_percent": 20})
    assert (
        qingshan.put(f"{api}/settings", settings, content_type="application/json").status_code
        == 403
    )
    assert qingshan.post(f"{base}/settings", {"evaluation_percent": "20"}).status_code == 403
    assert RiskAssessment.objects.count() == 0
    assert selectors.setting_for(prep.campaign).pk is None


# --------------------------------------------------------------------------- API


def test_api_round_trip(
    prep: Election, users: dict[str, Any], login: Any, today: datetime.date
) -> None:
    client = login("qingshan")
    api = f"/api/elections/{prep.pk}/preparation"

    def send(method: str, path: str, body: dict[str, Any]) -> Any:
        call = getattr(client, method)
        return call(f"{api}{path}", json.dumps(body), content_type="application/json")

    status = client.get(f"{api}/status").json()
    assert status["closed"] is False
    assert len(status["blockers"]) == 3
    settings = client.get(f"{api}/settings").json()
    assert settings["saved"] is False
    assert settings["evaluation_percent"] == 30
    assert settings["pass_mark"] == 85
    assert settings["note"] == "地方政策参数，非法律规定"

    tallies = {
        "incumbent_name": "张三",
        "post": "chair",
        "issued": 200,
        "returned": 190,
        "satisfied": 100,
        "basically_satisfied": 33,
        "dissatisfied": 57,
    }
    response = send("post", "/evaluations", tallies)
    assert response.status_code == 201
    body = response.json()
    assert body["share"] == "30.00%"
    assert body["flagged"] is True
    assert body["formula"] == "57×100=5700 ≥ 190×30=5700"
    bad = send("post", "/evaluations", {**tallies, "dissatisfied": 100})
    assert bad.status_code == 400
    assert bad.json()["field"] == "dissatisfied"
    assert send("post", "/evaluations/publish", {"published_on": today.isoformat()}).json() == {
        "published": 1
    }
    assert client.get(f"{api}/audit").status_code == 404
    audit = {
        "auditor": "天荒坪镇人民政府",
        "period_start": (today - 1800 * DAY).isoformat(),
        "period_end": (today - DAY).isoformat(),
        "result": "账目清楚",
    }
    assert send("put", "/audit", audit).status_code == 200
    published = send("post", "/audit/publish", {"published_on": today.isoformat()})
    assert published.json()["published_on"] == today.isoformat()
    assert send("post", "/risk", {"level": "low"}).status_code == 201
    assert client.get(f"{api}/risk").json()[0]["level_label"] == "低"
    session = send("post", "/training", {"title": "培训", "held_on": today.isoformat()}).json()
    score = send("post", f"/training/{session['id']}/scores", {"name": "周九", "score": 85})
    assert score.status_code == 201
    assert score.json()["passed"] is True
    assert client.get(f"{api}/training/{session['id']}/scores").json()[0]["name"] == "周九"
    check = client.get(f"{api}/staff/check", {"name": "周九"}).json()
    assert check["allowed"] is True
    assert client.get(f"{api}/staff").json()[0]["name"] == "周九"
    assert client.get(f"{api}/status").json()["blockers"] == []
    town = login("town")
    response = town.put(
        f"{api}/settings",
        json.dumps({"evaluation_percent": 25, "basis": "镇换届方案"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["evaluation_rule"] == "不满意票占收回测评票的比例达到25%（含本数）"
    assert response.json()["evaluation_article"] == "镇换届方案 民主测评不满意率标准（地方政策）"


def test_term_numerals() -> None:
    from huanjie.apps.preparation.documents import term_zh

    assert [term_zh(n) for n in (1, 10, 11, 20, 21, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


def test_evaluation_conclusions_read_plainly(
    prep: Election, users: dict[str, Any], login: Any
) -> None:
    enter(prep, users["qingshan"], "张三", satisfied=50, basically_satisfied=20, dissatisfied=30)
    enter(prep, users["qingshan"], "李四", satisfied=80, basically_satisfied=15, dissatisfied=5)
    text = login("qingshan").get(f"/elections/{prep.pk}/preparation/").content.decode()
    assert '<span class="badge overdue nowrap">不得再提名</span>' in text
    assert '<span class="badge closed nowrap">可以再提名</span>' in text
    assert "未达标准" not in text  # read as a failure, though it is the good outcome
    assert "不满意率达到30%（含）的不得再提名" in text


def test_risk_form_starts_at_the_current_level_and_colours_match_the_overview(
    prep: Election, users: dict[str, Any], login: Any
) -> None:
    client = login("qingshan")
    url = f"/elections/{prep.pk}/preparation/"
    text = client.get(url).content.decode()
    assert '<option value="low">低</option>' in text  # no level yet: nothing preselected
    assert '<span class="muted nowrap">未评定</span>' in text
    services.risk_assess(acting_user=users["qingshan"], election=prep, level="high", notes="上访")
    text = client.get(url).content.decode()
    assert '<option value="high" selected>高</option>' in text
    assert '<span class="badge overdue nowrap">高</span>' in text
    services.risk_assess(acting_user=users["qingshan"], election=prep, level="low", notes="")
    text = client.get(url).content.decode()
    assert '<option value="low" selected>低</option>' in text
    # 低 is a plain badge here, on the risk overview and on the campaign overview alike.
    assert '<span class="badge nowrap">低</span>' in text
    assert 'badge closed nowrap">低' not in text
    risks = client.get(f"{url}risks/").content.decode()
    assert '<span class="badge nowrap">低</span>' in risks


def test_risk_overview_is_a_campaign_page(
    prep: Election, users: dict[str, Any], tree: dict[str, Any], login: Any
) -> None:
    from huanjie.apps.campaigns.services import election_create

    hongxing = election_create(
        acting_user=users["town"],
        campaign=prep.campaign,
        area=tree["hongxing"],
        election_day=prep.election_day,
        members=5,
    )
    services.risk_assess(acting_user=users["town"], election=hongxing, level="medium", notes="矛盾")
    page = login("town").get(f"/elections/{prep.pk}/preparation/risks/").content.decode()
    campaign = prep.campaign
    # The campaign's header and a way back to its overview, not one village's parts.
    assert f'href="/campaigns/{campaign.pk}/"' in page
    assert f'<h1 style="margin:.2rem 0">{campaign.area.name}{campaign.name}</h1>' in page
    assert 'nav class="parts"' not in page
    assert prep.title not in page
    assert '<span class="badge open nowrap">中 1</span>' in page
    assert '<span class="muted nowrap">未评定 1</span>' in page
    # Nothing in the table wraps: village, level, time.
    row = page[page.index("红星村</a>") - 200 : page.index("红星村</a>") + 400]
    assert '<td class="nowrap"><a href=' in row
    assert '<td class="nowrap"><span class="badge open nowrap">中</span></td>' in row
    assert '<td class="nowrap"><span class="muted nowrap">未评定</span></td>' in page
