"""The candidates pages: tally entry by two clerks, differences side by side, review and
withdrawal forms, the published lists as PDF, and 403 for other villages."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from huanjie.apps.candidates import selectors, services
from huanjie.apps.candidates.models import Candidate, Department, Status
from huanjie.core.entry import EntryState, issued_key, returned_key, votes_key

from .conftest import CLEAR, client_for, sheet

pytestmark = pytest.mark.django_db


def url(name: str, election: Any, *args: Any) -> str:
    return reverse(f"candidates:{name}", args=[election.pk, *args])


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_nominee_added_by_name(voters: dict[str, Any], clerks: dict[str, Any]) -> None:
    election = voters["李明"].election
    client = client_for(clerks["one"])
    response = client.post(url("nominees", election), {"q": "李明"})
    assert response.status_code == 302
    assert [n.label for n in selectors.nominees(election)] == ["李明"]
    response = client.post(url("nominees", election), {"q": "陈除名"})
    assert response.status_code == 200
    assert "没有找到登记选民“陈除名”" in response.content.decode()
    page = client.get(url("nominees", election)).content.decode()
    assert "李明" in page
    assert voters["李明"].id_number not in page  # masked


def test_two_clerks_enter_the_grid_and_the_second_sees_an_empty_form(
    nominated: Any, clerks: dict[str, Any]
) -> None:
    one, two = client_for(clerks["one"]), client_for(clerks["two"])
    response = one.post(url("round_start", nominated))
    assert response.status_code == 302
    tally_url = url("tally", nominated, 1)
    form = one.get(tally_url).content.decode()
    assert 'name="chair:votes:李明"' in form
    assert "第一次录入" in form
    data = {k: str(v) for k, v in sheet(**CLEAR).items()}
    assert one.post(tally_url, data).status_code == 302
    # The first clerk may not enter again; the second sees every cell empty.
    mine = one.get(tally_url).content.decode()
    assert "您已完成第一次录入" in mine
    assert 'name="chair:votes:李明"' not in mine
    theirs = two.get(tally_url).content.decode()
    assert 'name="chair:votes:李明" value=""' in theirs
    assert 'value="60"' not in theirs
    assert "第二次录入" in theirs
    same = one.post(tally_url, data).content.decode()
    assert "第二次录入须由另一名录入人完成" in same
    # A typo in the second entry: the entries differ and go to the coordinator.
    data2 = dict(data)
    data2[votes_key("chair", "王强")] = "3"
    assert two.post(tally_url, data2).status_code == 302
    coordinator = client_for(clerks["coordinator"])
    page = coordinator.get(tally_url).content.decode()
    assert "两次录入对照" in page
    assert re.search(
        r'<tr style="background:#fde2e1"><td>主任</td><td>王强</td><td>30</td><td>3</td>', page
    )
    assert "不一致 <strong>1</strong> 处" in page
    assert "采用第一次录入" in page
    assert "须由第三人核对处理" in two.get(tally_url).content.decode()
    response = coordinator.post(url("tally_resolve", nominated, 1), {"action": "keep_first"})
    assert response.status_code == 302
    assert selectors.get_round(nominated, 1).state == EntryState.DEFINITIVE
    overview = coordinator.get(url("index", nominated)).content.decode()
    assert "王强" in overview
    assert "初步候选人" in overview


def test_grid_errors_are_shown_beside_the_cells(nominated: Any, clerks: dict[str, Any]) -> None:
    client = client_for(clerks["one"])
    client.post(url("round_start", nominated))
    data = {k: str(v) for k, v in sheet(**CLEAR).items()}
    data[votes_key("chair", "李明")] = "abc"
    page = client.post(url("tally", nominated, 1), data).content.decode()
    assert "主任·李明：应为整数" in page
    data[votes_key("chair", "李明")] = "90"
    page = client.post(url("tally", nominated, 1), data).content.decode()
    assert "提名票数合计 125，超过收回票数 × 应选名额（100 × 1 = 100）" in page
    data[votes_key("chair", "李明")] = "60"
    data["extra_name_0"] = "路人甲"
    data["extra_0:member"] = "2"
    page = client.post(url("tally", nominated, 1), data).content.decode()
    assert "“路人甲”不在被提名人名单中" in page
    assert 'name="acknowledged"' in page
    data["acknowledged"] = "on"
    assert client.post(url("tally", nominated, 1), data).status_code == 302
    r = selectors.get_round(nominated, 1)
    assert r.first_counts[votes_key("member", "路人甲")] == 2
    assert r.first_counts[issued_key("chair")] == 120
    assert r.first_counts[returned_key("chair")] == 100


def test_review_and_withdrawal_forms(decided: Any, clerks: dict[str, Any]) -> None:
    client = client_for(clerks["one"])
    lin = Candidate.objects.get(election=decided, voter__name="林秀英")
    page_url = url("candidate", decided, lin.pk)
    today = timezone.localdate().isoformat()
    page = client.post(
        page_url,
        {"form": "review", "department": "justice", "finding": "unqualified", "reviewed_on": today},
    ).content.decode()
    assert "理由：请填写" in page
    response = client.post(
        page_url,
        {
            "form": "review",
            "department": "justice",
            "finding": "unqualified",
            "reason": "受过刑事处罚未满五年",
            "reviewed_on": today,
        },
    )
    assert response.status_code == 302
    lin.refresh_from_db()
    assert lin.status == Status.DISQUALIFIED
    page = client.get(page_url).content.decode()
    assert "资格审查不合格（司法行政部门）：受过刑事处罚未满五年" in page
    assert "由蔡丽递补" in page
    zhu = Candidate.objects.get(election=decided, voter__name="朱平")
    page = client.post(
        url("candidate", decided, zhu.pk),
        {"form": "withdraw", "reason": "外出", "withdrawn_on": today},
    ).content.decode()
    assert "退出须由本人提交书面申请" in page
    response = client.post(
        url("candidate", decided, zhu.pk),
        {"form": "withdraw", "written": "on", "reason": "外出", "withdrawn_on": today},
    )
    assert response.status_code == 302
    overview = client.get(url("index", decided)).content.decode()
    assert "递补朱平" in overview


def _qualify_all(election: Any, user: Any) -> None:
    for c in selectors.candidates(election).filter(status__in=["preliminary", "under_review"]):
        for d in Department.values:
            services.review_record(acting_user=user, candidate=c, department=d, finding="qualified")


def test_formal_list_published_as_pdf(decided: Any, clerks: dict[str, Any]) -> None:
    client = client_for(clerks["coordinator"])
    today = timezone.localdate().isoformat()
    page = client.post(url("index", decided), {"kind": "formal", "start": today, "days": "25"})
    assert "尚未完成资格审查" in page.content.decode()
    _qualify_all(decided, clerks["one"])
    response = client.post(url("index", decided), {"kind": "formal", "start": today, "days": "25"})
    assert response.status_code == 302
    notice = selectors.current_notice(decided, "formal")
    assert notice is not None
    pdf = client.get(url("notice_pdf", decided, notice.pk))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "青山村第12届村民委员会选举正式候选人名单公告" in text.replace("\n", "")
    # Zhejiang posts the formal list by nomination votes (第十八条第三款)
    flat = text.replace("\n", "")
    assert flat.index("徐亮") < flat.index("朱平") < flat.index("曹勇")
    assert "提名票 60 票" in flat
    assert "青山村村民选举委员会" in flat
    ids = Candidate.objects.filter(election=decided).values_list("voter__id_number", flat=True)
    assert ids
    assert not any(i in flat for i in ids)
    overview = client.get(url("index", decided)).content.decode()
    assert "按姓名笔画排序" in overview
    assert "朱平　徐亮　曹勇" in overview  # the ballot order: strokes of the full name


def test_preliminary_notice_pdf(decided: Any, clerks: dict[str, Any]) -> None:
    notice = services.notice_publish(
        acting_user=clerks["coordinator"],
        election=decided,
        kind="preliminary",
        start=timezone.localdate(),
        days=5,
    )
    data = client_for(clerks["one"]).get(url("notice_pdf", decided, notice.pk)).content
    flat = pdf_text(data).replace("\n", "")
    assert "初步候选人名单公示" in flat
    assert "公示期5日" in flat
    for name in ("李明", "王强", "赵刚", "彭军", "田芳", "林秀英", "徐亮", "朱平", "曹勇"):
        assert name in flat
    assert "赵敏" not in flat


@pytest.mark.parametrize("who", ["observer", "hongxing"])
def test_other_villages_get_403(
    decided: Any, users: dict[str, Any], clerks: dict[str, Any], tree: dict[str, Any], who: str
) -> None:
    if who == "hongxing":
        from huanjie.apps.accounts.models import Role
        from huanjie.apps.accounts.services import user_create

        user = user_create(
            acting_user=None,
            username="hongxing_committee",
            password="Correct-Horse-42",
            full_name="红星村选委会",
            role=Role.ELECTION_COMMITTEE,
            area=tree["hongxing"],
        )
    else:
        user = users[who]
    client = client_for(user)
    c = Candidate.objects.filter(election=decided).first()
    assert c is not None
    for name, args in [
        ("index", ()),
        ("nominees", ()),
        ("tally", (1,)),
        ("candidate", (c.pk,)),
    ]:
        assert client.get(url(name, decided, *args)).status_code == 403, name
    posts = [
        (url("index", decided), {"kind": "preliminary", "start": "2026-11-21", "days": "5"}),
        (url("reviews", decided), {"department": "justice", "reviewed_on": "2026-11-21"}),
        (url("nominees", decided), {"q": "李明"}),
        (url("round_start", decided), {}),
        (url("tally", decided, 1), {"chair:issued": "1"}),
        (url("tally_resolve", decided, 1), {"action": "reopen", "reason": "x"}),
        (url("candidate", decided, c.pk), {"form": "withdraw", "written": "on", "reason": "x"}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 403, target
    assert Candidate.objects.filter(election=decided, status=Status.WITHDRAWN).count() == 0


def test_observer_of_the_village_and_the_township_may_see(
    decided: Any, users: dict[str, Any]
) -> None:
    assert client_for(users["town"]).get(url("index", decided)).status_code == 200
    county = client_for(users["county"])
    page = county.get(url("index", decided)).content.decode()
    assert "开始录入" not in page
    assert county.post(url("round_start", decided)).status_code == 403


def test_nominees_added_in_bulk_all_or_none(voters: dict[str, Any], clerks: dict[str, Any]) -> None:
    election = voters["李明"].election
    client = client_for(clerks["one"])
    page = client.post(
        url("nominees", election), {"lines": "李明\n王强\n无此人\n"}
    ).content.decode()
    assert "第3行“无此人”：没有找到登记选民" in page
    assert not selectors.nominees(election).exists()
    lines = f"李明\n{voters['王强'].id_number}\n\n田芳\n李明\n"
    assert client.post(url("nominees", election), {"lines": lines}).status_code == 302
    assert [n.label for n in selectors.nominees(election)] == ["李明", "王强", "田芳"]
    page = client.post(url("nominees", election), {"lines": "李明"}).content.decode()
    assert "李明已在被提名人名单中" in page


def test_revote_sheet_has_only_the_tied(nominated: Any, clerks: dict[str, Any]) -> None:
    from .conftest import enter_twice

    tied = {**CLEAR, "member": {"徐亮": 60, "朱平": 50, "曹勇": 40, "王红": 40, "赵敏": 10}}
    enter_twice(nominated, clerks, sheet(**tied))
    page = client_for(clerks["one"]).get(url("tally", nominated, 2)).content.decode()
    assert 'name="member:votes:曹勇"' in page
    assert 'name="member:votes:王红"' in page
    assert 'name="member:votes:徐亮"' not in page
    assert 'name="chair:returned"' not in page
    assert "待定 1 名" in page
    overview = client_for(clerks["one"]).get(url("index", nominated)).content.decode()
    assert "曹勇、王红 提名票数相等，须就其重新投票确定 1 名候选人" in overview


def test_nominees_list_is_full_width_and_does_not_wrap(
    voters: dict[str, Any], clerks: dict[str, Any]
) -> None:
    election = voters["李明"].election
    client = client_for(clerks["one"])
    client.post(url("nominees", election), {"lines": "李明\n林秀英"})
    page = client.get(url("nominees", election)).content.decode()
    # The list is its own card after the forms' grid, not a column beside them.
    grid_end = page.index("</div>\n</div>", page.index('class="grid"'))
    assert page.index('id="nominee-list"') > grid_end
    row = re.search(r'<tr id="nominee-\d+">.*?</tr>', page, re.S)
    assert row is not None
    cells = row.group(0)
    assert '<td class="nowrap">李明</td>' in cells  # name, group, number and button: one line
    assert '<td class="nowrap">第一村民小组</td>' in cells
    assert re.search(r'<td class="nowrap"[^>]*><form method="post" class="inline"', cells)


def test_a_tally_whose_entries_agree_says_so_and_offers_no_resolution(
    nominated: Any, clerks: dict[str, Any]
) -> None:
    one, two = client_for(clerks["one"]), client_for(clerks["two"])
    one.post(url("round_start", nominated))
    tally_url = url("tally", nominated, 1)
    data = {k: str(v) for k, v in sheet(**CLEAR).items()}
    response = one.post(tally_url, data, follow=True)
    assert "第一次录入已保存。第二次录入须由另一名录入人" in response.content.decode()
    response = two.post(tally_url, data, follow=True)
    page = response.content.decode()
    assert "两次录入一致，提名票统计结果已确定，初步候选人已据此确定" in page
    assert "已录入：已确定" not in page
    assert "两次录入一致，已确定。" in page
    assert "clerk_one" in page  # who entered, and when
    assert "clerk_two" in page
    for gone in (
        "不一致 <strong>0</strong> 处",
        "请核对纸质统计表后选择",
        "核对处理</h2>",
        "须由第三人核对处理",
    ):
        assert gone not in page, gone
    # A third person may still reopen it, as a correction apart from the status.
    coordinator = client_for(clerks["coordinator"]).get(tally_url).content.decode()
    assert "发现统计结果有误？重新录入" in coordinator
    assert "核对处理</h2>" not in coordinator


def test_resolved_differences_are_stated(nominated: Any, clerks: dict[str, Any]) -> None:
    one, two = client_for(clerks["one"]), client_for(clerks["two"])
    coordinator = client_for(clerks["coordinator"])
    one.post(url("round_start", nominated))
    tally_url = url("tally", nominated, 1)
    data = {k: str(v) for k, v in sheet(**CLEAR).items()}
    one.post(tally_url, data)
    typo = dict(data, **{votes_key("chair", "王强"): "3"})
    page = two.post(tally_url, typo, follow=True).content.decode()
    assert "与第一次录入不一致：须由未参与录入的第三人核对处理" in page
    assert "两次录入有 1 处不一致" in page
    page = coordinator.post(
        url("tally_resolve", nominated, 1), {"action": "keep_second"}, follow=True
    ).content.decode()
    assert "已采用第二次录入，统计结果已确定。" in page
    assert "经qingshan核对纸质统计表" in page
    assert "采用第二次录入，统计结果已确定。" in page
    assert "核对处理</h2>" not in page  # nothing left to resolve
    assert "不一致 <strong>1</strong> 处（红色）。已按上述核对处理确定。" in page


def test_a_department_records_every_candidate_on_one_form(
    decided: Any, clerks: dict[str, Any], users: dict[str, Any]
) -> None:
    town = client_for(users["town"])
    today = timezone.localdate().isoformat()
    page = town.get(url("index", decided)).content.decode()
    assert "资格审查（按部门录入）" in page
    assert "记录组织部门的审查意见" in page  # the first department still to reply
    active = list(selectors.candidates(decided))
    assert page.count('value="qualified" checked') == len(active)  # 合格 preselected
    lin = next(c for c in active if c.voter.name == "林秀英")
    data = {"department": "justice", "reviewed_on": today}
    data |= {f"finding_{c.pk}": "qualified" for c in active}
    data[f"finding_{lin.pk}"] = "unqualified"
    page = town.post(url("reviews", decided), data).content.decode()
    assert "林秀英的理由：请填写" in page
    assert not selectors.candidates(decided).filter(reviews__isnull=False).exists()
    data[f"reason_{lin.pk}"] = "受过刑事处罚未满五年"
    data[f"finding_{active[0].pk}"] = ""  # 暂未回复: not recorded
    response = town.post(url("reviews", decided), data, follow=True)
    body = response.content.decode()
    assert "已记录司法行政部门对 8 名候选人的审查意见（1 名不合格，已按提名票数依次递补）" in body
    assert response.redirect_chain[-1][0].endswith("?department=justice#reviews")
    lin.refresh_from_db()
    assert lin.status == Status.DISQUALIFIED
    assert Candidate.objects.get(election=decided, voter__name="蔡丽").status == Status.PRELIMINARY
    assert not active[0].reviews.exists()
    # Every department: everyone qualified; the per-candidate form still works alongside.
    for d in Department.values:
        rows = [c for c in selectors.candidates(decided) if c.is_active]
        town.post(
            url("reviews", decided),
            {"department": d, "reviewed_on": today}
            | {f"finding_{c.pk}": "qualified" for c in rows},
        )
    assert {c.status for c in selectors.candidates(decided) if c.is_active} == {Status.QUALIFIED}
    page = town.get(url("index", decided)).content.decode()
    assert "全部候选人已审查合格" in page


def test_formal_list_once_published_is_shown_and_not_republished_by_one_click(
    decided: Any, clerks: dict[str, Any]
) -> None:
    client = client_for(clerks["coordinator"])
    today = timezone.localdate().isoformat()
    client.post(url("index", decided), {"kind": "preliminary", "start": today, "days": "5"})
    page = client.get(url("index", decided)).content.decode()
    assert "初步候选人名单已于" in page
    assert "<h2>公示初步候选人名单</h2>" not in page
    _qualify_all(decided, clerks["one"])
    client.post(url("index", decided), {"kind": "formal", "start": today, "days": "25"})
    notice = selectors.current_notice(decided, "formal")
    assert notice is not None
    page = client.get(url("index", decided)).content.decode()
    assert "<h2>公布正式候选人名单</h2>" not in page
    assert "<h2>公示初步候选人名单</h2>" not in page
    assert "更正并重新公布正式候选人名单" in page
    assert url("notice_pdf", decided, notice.pk) in page
    # The current state comes first: the formal list, then the candidates, then the work.
    assert page.index('id="formal"') < page.index('id="candidates"') < page.index('id="tally"')
    assert '<td class="nowrap">25 日，至' in page
    assert '<span class="badge closed nowrap">有效</span>' in page
    # The same form sent again (a second click) is refused: a correction needs a reason.
    again = client.post(url("index", decided), {"kind": "formal", "start": today, "days": "25"})
    assert again.status_code == 400
    assert "如需更正并重新公布，请写明更正理由" in again.content.decode()
    assert selectors.current_notice(decided, "formal") == notice
    response = client.post(
        url("index", decided),
        {"kind": "formal", "start": today, "days": "24", "reason": "公示天数有误"},
    )
    assert response.status_code == 302
    page = client.get(url("index", decided)).content.decode()
    assert "已更新" in page
    assert "更正并重新公布：公示天数有误" in page
