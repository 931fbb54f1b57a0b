"""The election committee: seating, near relatives, leaving and back-fill in order, the stage
blocker, the page and the API (with 403 for other villages)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.services import stage_change
from huanjie.apps.committee import selectors, services
from huanjie.apps.committee.models import CommitteeMember, LeftReason, NearRelation, Status
from huanjie.apps.errors import ServiceError
from huanjie.core.preparation import Kin
from huanjie.core.stages import Action, Stage
from tests.apps.committee.conftest import add, id_number


def state(election: Any) -> list[tuple[str, int, str, str]]:
    return [(m.name, m.rank, m.status, m.role) for m in selectors.members(election)]


def snapshot(election: Any) -> tuple[Any, ...]:
    return (
        state(election),
        NearRelation.objects.filter(election=election).count(),
        AuditEntry.objects.count(),
    )


# --------------------------------------------------------------------------- services


def test_members_are_kept_in_order_and_each_addition_is_audited(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    assert [m.name for m in selectors.members(election)] == list(committee)
    assert [m.name for m in selectors.serving(election)] == ["张三", "李四", "王五"]
    assert [m.name for m in selectors.reserves(election)] == ["赵六", "钱七", "孙八"]
    entries = AuditEntry.objects.filter(action="committee.member_add")
    assert entries.count() == 6
    first = entries.order_by("seq").first()
    assert first is not None
    assert first.after["name"] == "张三"
    assert first.area_path == election.area.path
    assert selectors.committee_blockers(election) == []


def test_seating_a_near_relative_is_refused_naming_both_and_the_relation(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    services.committee_relation_declare(
        acting_user=users["qingshan"],
        election=election,
        a_name="李四",
        b_name="周九",
        kind=Kin.SPOUSE,
    )
    before = snapshot(election)
    with pytest.raises(ServiceError) as caught:
        add(election, users["qingshan"], "周九", 7)
    assert caught.value.field == "name"
    assert caught.value.code == "near_relative"
    assert "周九与李四系近亲属（李四是周九的配偶）" in caught.value.message
    assert snapshot(election) == before
    # As a reserve (not seated) the relative may be listed.
    reserve = add(election, users["qingshan"], "周九", 7, seated=False)
    assert reserve.status == Status.RESERVE


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "姓名：请填写"),
        ({"rank": 2}, "rank", "第2位已是李四"),
        ({"name": "張三"}, "name", "张三已在本届村民选举委员会名单中"),
        ({"id_number": "330523197001010012"}, "id_number", "公民身份号码"),
        ({"id_number": id_number(12)}, "sex", "性别：与公民身份号码所示性别不符"),
        ({"selected_by": "appointed"}, "selected_by", "推选方式"),
        ({"role": "chair"}, "role", "已有主任张三"),
        ({"votes": -1}, "votes", "得票数"),
    ],
)
def test_bad_additions_name_the_field_and_change_nothing(
    election: Any,
    users: dict[str, Any],
    committee: dict[str, CommitteeMember],
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    args: dict[str, Any] = {"name": "周九", "rank": 7, "sex": "M"}
    args.update(fields)
    before = snapshot(election)
    with pytest.raises(ServiceError, match=message) as caught:
        add(election, users["qingshan"], **args)
    assert caught.value.field == field
    assert snapshot(election) == before


def test_a_nominated_member_leaves_and_the_next_in_order_is_seated(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    result = services.committee_member_leave(
        acting_user=users["qingshan"], member=committee["李四"], reason=LeftReason.NOMINATED
    )
    assert result.member.status == Status.LEFT
    assert result.member.left_reason == LeftReason.NOMINATED
    assert result.member.left_at is not None
    assert result.seated is not None
    assert result.seated.name == "赵六"
    assert result.seated.status == Status.SERVING
    assert result.seated.seated_basis == "按原推选结果顺序，由第4位赵六递补"
    assert [m.name for m in selectors.serving(election)] == ["张三", "王五", "赵六"]
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["committee.member_backfill", "committee.member_leave"]
    leave = AuditEntry.objects.get(action="committee.member_leave")
    assert leave.after["backfill"] == "按原推选结果顺序，由第4位赵六递补"
    assert leave.after["article"] == "村民委员会组织法 第十二条"


def test_backfill_skips_a_reserve_who_is_a_near_relative_of_a_serving_member(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    services.committee_relation_declare(
        acting_user=users["qingshan"],
        election=election,
        a_name="王五",
        b_name="赵六",
        kind=Kin.SIBLING,
    )
    result = services.committee_member_leave(
        acting_user=users["qingshan"], member=committee["李四"], reason=LeftReason.NOMINATED
    )
    assert result.seated is not None
    assert result.seated.name == "钱七"
    assert result.backfill is not None
    assert "第4位赵六因近亲属回避未递补" in result.backfill.text
    assert [m.name for m in selectors.reserves(election)] == ["赵六", "孙八"]


def test_when_no_reserve_is_left_the_result_asks_for_a_new_selection(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    for name in ("赵六", "钱七", "孙八"):
        services.committee_member_leave(
            acting_user=users["qingshan"], member=committee[name], reason=LeftReason.RESIGNED
        )
    result = services.committee_member_leave(
        acting_user=users["qingshan"], member=committee["王五"], reason=LeftReason.NOMINATED
    )
    assert result.seated is None
    assert "应当另行推选" in result.text
    assert selectors.committee_blockers(election) == [
        "村民选举委员会应当不少于3人，现有在任成员2人"
    ]


def test_a_failed_backfill_leaves_everything_as_it_was(
    election: Any,
    users: dict[str, Any],
    committee: dict[str, CommitteeMember],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_seat", broken)
    before = snapshot(election)
    with pytest.raises(RuntimeError, match="disk full"):
        services.committee_member_leave(
            acting_user=users["qingshan"], member=committee["李四"], reason=LeftReason.NOMINATED
        )
    assert snapshot(election) == before


def test_resignation_does_not_backfill_and_seating_must_follow_the_order(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    result = services.committee_member_leave(
        acting_user=users["qingshan"],
        member=committee["王五"],
        reason=LeftReason.RESIGNED,
        note="外出务工",
    )
    assert result.seated is None
    assert result.backfill is None
    before = snapshot(election)
    with pytest.raises(ServiceError, match="由第4位赵六递补") as caught:
        services.committee_member_seat(acting_user=users["qingshan"], member=committee["钱七"])
    assert caught.value.code == "out_of_order"
    assert snapshot(election) == before
    seated = services.committee_member_seat(acting_user=users["qingshan"], member=committee["赵六"])
    assert seated.status == Status.SERVING
    assert AuditEntry.objects.order_by("-seq").first().action == "committee.member_seat"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("other", "", "note"), ("fired", "", "reason")],
)
def test_bad_leaving_is_refused(
    election: Any,
    users: dict[str, Any],
    committee: dict[str, CommitteeMember],
    reason: str,
    note: str,
    field: str,
) -> None:
    before = snapshot(election)
    with pytest.raises(ServiceError) as caught:
        services.committee_member_leave(
            acting_user=users["qingshan"], member=committee["李四"], reason=reason, note=note
        )
    assert caught.value.field == field
    assert snapshot(election) == before


def test_leaving_twice_is_refused(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    services.committee_member_leave(
        acting_user=users["qingshan"], member=committee["孙八"], reason=LeftReason.RESIGNED
    )
    with pytest.raises(ServiceError, match="已于此前退出"):
        services.committee_member_leave(
            acting_user=users["qingshan"], member=committee["孙八"], reason=LeftReason.RESIGNED
        )


def test_the_nominated_hook_finds_the_member_by_id_or_name(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    assert (
        services.committee_member_nominated(
            acting_user=users["qingshan"], election=election, name="外人"
        )
        is None
    )
    # A reserve who is nominated leaves the reserve list; nobody is seated.
    result = services.committee_member_nominated(
        acting_user=users["qingshan"], election=election, name="钱 七"
    )
    assert result is not None
    assert result.member.name == "钱七"
    assert result.seated is None
    # A serving member: the next reserve in order (赵六; 钱七 has left) is seated.
    result = services.committee_member_nominated(
        acting_user=users["qingshan"], election=election, name="张三"
    )
    assert result is not None
    assert result.seated is not None
    assert result.seated.name == "赵六"
    # The chair left: the page warns that no 主任 is set.
    assert [f.code for f in selectors.findings(election)] == ["no_chair"]


def test_member_for_person_tells_namesakes_apart_by_id_number(
    election: Any, users: dict[str, Any]
) -> None:
    member = add(election, users["qingshan"], "张三", 1, id_number=id_number(11))
    assert selectors.member_for_person(election, "张三") == member
    assert selectors.member_for_person(election, "张三", id_number(11)) == member
    assert selectors.member_for_person(election, "张三", id_number(13)) is None


def test_roles_one_chair_at_most(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    with pytest.raises(ServiceError, match="已有主任张三") as caught:
        services.committee_member_set_role(
            acting_user=users["qingshan"], member=committee["李四"], role="chair"
        )
    assert caught.value.field == "role"
    services.committee_member_set_role(
        acting_user=users["qingshan"], member=committee["张三"], role="member"
    )
    member = services.committee_member_set_role(
        acting_user=users["qingshan"], member=committee["李四"], role="chair"
    )
    assert member.role == "chair"
    with pytest.raises(ServiceError, match="不是在任成员"):
        services.committee_member_set_role(
            acting_user=users["qingshan"], member=committee["赵六"], role="chair"
        )


def test_relations_are_declared_once_and_serving_relatives_block_the_stage(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    services.committee_relation_declare(
        acting_user=users["qingshan"],
        election=election,
        a_name="张三",
        b_name="王五",
        kind=Kin.CHILD,
        note="父女",
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "committee.relation_declare"
    assert entry.after["article"] == "民法典 第一千零四十五条第二款"
    before = snapshot(election)
    with pytest.raises(ServiceError, match="已登记张三是王五的父母") as caught:
        services.committee_relation_declare(
            acting_user=users["qingshan"],
            election=election,
            a_name="王五",
            b_name="张三",
            kind=Kin.PARENT,
        )
    assert caught.value.code == "duplicate"
    with pytest.raises(ServiceError, match="亲属关系") as caught:
        services.committee_relation_declare(
            acting_user=users["qingshan"],
            election=election,
            a_name="王五",
            b_name="李四",
            kind="cousin",
        )
    assert caught.value.field == "kind"
    with pytest.raises(ServiceError, match="同一人"):
        services.committee_relation_declare(
            acting_user=users["qingshan"],
            election=election,
            a_name="王五",
            b_name="王 五",
            kind=Kin.SPOUSE,
        )
    assert snapshot(election) == before
    assert selectors.committee_blockers(election) == [
        "张三与王五系近亲属（王五是张三的子女），近亲属不应同时担任村民选举委员会成员"
    ]
    stage_change(
        acting_user=users["qingshan"],
        election=election,
        stage=Stage.PREPARATION,
        action=Action.OPEN,
    )
    with pytest.raises(ServiceError, match="近亲属不应同时担任"):
        stage_change(
            acting_user=users["qingshan"],
            election=election,
            stage=Stage.PREPARATION,
            action=Action.CLOSE,
        )
    relation = NearRelation.objects.get(election=election)
    services.committee_relation_withdraw(
        acting_user=users["qingshan"], relation=relation, reason="登记有误"
    )
    assert selectors.committee_blockers(election) == []
    withdraw = AuditEntry.objects.order_by("-seq").first()
    assert withdraw is not None
    assert withdraw.action == "committee.relation_withdraw"
    assert withdraw.before["kind"] == "子女"


def test_near_relatives_of_reads_both_directions(
    election: Any, users: dict[str, Any], committee: dict[str, CommitteeMember]
) -> None:
    services.committee_relation_declare(
        acting_user=users["qingshan"],
        election=election,
        a_name="张三",
        b_name="候选人甲",
        kind=Kin.GRANDPARENT,
    )
    [(person, kind)] = selectors.near_relatives_of(election, "候选人甲")
    assert (person.name, kind) == ("张三", Kin.GRANDCHILD)


def test_an_empty_committee_blocks_the_preparation_stage(election: Any) -> None:
    assert selectors.committee_blockers(election) == [
        "村民选举委员会应当不少于3人，现有在任成员0人"
    ]


# --------------------------------------------------------------------------- pages


def test_page_lists_members_in_order_with_reserves_and_the_next_in_line(
    election: Any, committee: dict[str, CommitteeMember], login: Any
) -> None:
    page = login("qingshan").get(f"/elections/{election.pk}/committee/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("张三") < text.index("李四") < text.index("赵六") < text.index("孙八")
    assert "下一递补" in text
    assert "按原推选结果顺序，由第4位赵六递补" in text
    assert "录入推选结果" in text


def test_page_add_member_and_errors_beside_the_field(
    election: Any, committee: dict[str, CommitteeMember], login: Any
) -> None:
    client = login("qingshan")
    url = f"/elections/{election.pk}/committee/members"
    form = {
        "name": "周九",
        "sex": "M",
        "selected_by": "villagers_meeting",
        "rank": "2",
        "seated": "reserve",
        "role": "member",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "第2位已是李四" in response.content.decode()
    assert not CommitteeMember.objects.filter(name="周九").exists()
    form["rank"] = "7"
    response = client.post(url, form)
    assert response.status_code == 302
    assert CommitteeMember.objects.get(name="周九").status == Status.RESERVE


def test_page_leave_and_backfill_and_relations(
    election: Any, committee: dict[str, CommitteeMember], login: Any
) -> None:
    client = login("qingshan")
    base = f"/elections/{election.pk}/committee"
    response = client.post(
        f"{base}/members/{committee['李四'].pk}/leave", {"reason": "nominated"}, follow=True
    )
    assert "由第4位赵六递补" in response.content.decode()
    assert CommitteeMember.objects.get(name="赵六").status == Status.SERVING
    response = client.post(
        f"{base}/relations",
        {"a_name": "张三", "kind": "spouse", "b_name": "王五", "note": ""},
        follow=True,
    )
    text = response.content.decode()
    assert "已登记：王五是张三的配偶" in text
    assert "近亲属不应同时担任村民选举委员会成员（完成准备工作前须解决）" in text
    response = client.post(f"{base}/relations", {"a_name": "", "kind": "spouse", "b_name": ""})
    assert response.status_code == 400


def test_other_villages_get_403_on_pages_and_api(
    election: Any, committee: dict[str, CommitteeMember], login: Any
) -> None:
    member = committee["李四"]
    base = f"/elections/{election.pk}/committee"
    api = f"/api/elections/{election.pk}/committee"
    observer = login("observer")  # sees only 红星村
    assert observer.get(f"{base}/").status_code == 403
    assert observer.post(f"{base}/members", {"name": "x"}).status_code == 403
    assert (
        observer.post(f"{base}/members/{member.pk}/leave", {"reason": "resigned"}).status_code
        == 403
    )
    assert observer.get(f"{api}/").status_code == 403
    assert (
        observer.post(
            f"{api}/members/{member.pk}/leave",
            json.dumps({"reason": "resigned"}),
            content_type="application/json",
        ).status_code
        == 403
    )
    county = login("county")  # sees, may not change
    assert county.get(f"{base}/").status_code == 200
    assert "录入推选结果" not in county.get(f"{base}/").content.decode()
    assert (
        county.post(f"{base}/members/{member.pk}/leave", {"reason": "resigned"}).status_code == 403
    )
    assert (
        county.post(
            f"{api}/relations",
            json.dumps({"a_name": "甲", "b_name": "乙", "kind": "spouse"}),
            content_type="application/json",
        ).status_code
        == 403
    )
    assert CommitteeMember.objects.get(pk=member.pk).status == Status.SERVING
    assert login("town").get(f"{base}/").status_code == 200


# --------------------------------------------------------------------------- API


def test_api_add_leave_seat_and_relations(
    election: Any, committee: dict[str, CommitteeMember], login: Any
) -> None:
    client = login("town")
    api = f"/api/elections/{election.pk}/committee"

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(f"{api}{path}", json.dumps(body), content_type="application/json")

    data = client.get(f"{api}/").json()
    assert [m["name"] for m in data["members"]] == list(committee)
    assert data["serving"] == 3
    assert data["next_in_order"] == "按原推选结果顺序，由第4位赵六递补"
    assert data["findings"] == []

    response = post("/relations", {"a_name": "张三", "b_name": "周九", "kind": "sibling"})
    assert response.status_code == 201
    assert response.json()["kind_label"] == "兄弟姐妹"
    response = post(
        "/members",
        {"name": "周九", "sex": "M", "selected_by": "group_meetings", "rank": 7},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    assert "周九与张三系近亲属" in response.json()["detail"]

    response = post(
        "/members",
        {
            "name": "吴十",
            "sex": "F",
            "selected_by": "group_meetings",
            "rank": 7,
            "id_number": id_number(20),
            "seated": False,
        },
    )
    assert response.status_code == 201
    assert response.json()["id_masked"] == id_number(20)[:6] + "********" + id_number(20)[-4:]

    response = post(f"/members/{committee['王五'].pk}/leave", {"reason": "nominated"})
    assert response.status_code == 200
    body = response.json()
    assert body["member"]["status"] == "left"
    assert body["seated"]["name"] == "赵六"

    response = post(f"/members/{committee['孙八'].pk}/seat", {})
    assert response.status_code == 400
    assert "由第5位钱七递补" in response.json()["detail"]

    response = post(f"/members/{committee['张三'].pk}/role", {"role": "member"})
    assert response.json()["role"] == "member"

    relations = client.get(f"{api}/relations").json()
    assert len(relations) == 1
    response = post(f"/relations/{relations[0]['id']}/withdraw", {"reason": "误登"})
    assert response.status_code == 204
    assert NearRelation.objects.count() == 0


def test_published_list_as_pdf(
    election: Any,
    users: dict[str, Any],
    committee: dict[str, CommitteeMember],
    login: Any,
) -> None:
    import io

    from pypdf import PdfReader

    def text(data: bytes) -> str:
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)

    services.committee_member_leave(
        acting_user=users["qingshan"], member=committee["李四"], reason=LeftReason.NOMINATED
    )
    add(election, users["qingshan"], "周九", 9, id_number=id_number(13), sex="M")
    client = login("observer")
    assert client.get(f"/elections/{election.pk}/committee/notice.pdf").status_code == 403
    client = login("county")
    response = client.get(f"/elections/{election.pk}/committee/notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = text(response.content)
    assert "青山村村民选举委员会成员公告" in body
    assert "由以下4名成员组成" in body
    assert body.index("张三") < body.index("王五") < body.index("赵六") < body.index("周九")
    assert "李四" not in body
    assert "递补" in body
    assert id_number(13)[6:14] not in body  # no birth date, no ID number
    api = client.get(f"/api/elections/{election.pk}/committee/notice.pdf")
    assert api.status_code == 200
    assert "村民选举委员会成员公告" in text(api.content)


def test_no_pdf_without_serving_members(election: Any, login: Any) -> None:
    client = login("qingshan")
    response = client.get(f"/elections/{election.pk}/committee/notice.pdf", follow=True)
    assert "尚无在任的村民选举委员会成员" in response.content.decode()
    api = client.get(f"/api/elections/{election.pk}/committee/notice.pdf")
    assert api.status_code == 400
    assert api.json()["code"] == "empty"
