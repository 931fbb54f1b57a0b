"""A new user's walk through the demonstration township, in a real browser: 青山村 from an
empty campaign to its published formal candidate list, every document opened as a PDF.

The township office (``zhenban``) sets up the election; the village election committee
(``qingshan``) records its preparation, registers the voters and lists the nominees; the
two clerks (``qingshan`` and ``qingshan2``, each in a browser of their own) enter the
nomination tally; the township office records the qualification review; the committee
publishes the lists. Each step leaves a numbered full-page screenshot in ``shots_dir``;
each PDF is kept there too, with its first page as a PNG.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from huanjie.examples.register import QINGSHAN_FILE, qingshan, voters_on
from huanjie.web.demo_seed import DEMO_VILLAGE, demo_election_day, seed_demo

from .walking import Walk, fill_form, ok, submit

pytestmark = pytest.mark.django_db(transaction=True)

# Who is who in 青山村, all taken from the bundled household register.
ADULTS = [v for v in qingshan() if v.category == "1" and 1958 <= v.birth_date.year <= 1995]
MEN = [v for v in ADULTS if v.sex == "M"]
WOMEN = [v for v in ADULTS if v.sex == "F"]
COMMITTEE = [MEN[0], MEN[1], WOMEN[0], MEN[2], WOMEN[1]]  # chosen in this order; first chairs
OUTGOING = [(MEN[3], "chair"), (MEN[4], "vice_chair"), (WOMEN[2], "women_member")]
M, W = MEN[5:12], WOMEN[3:8]  # the twelve people named on nomination ballots
NOMINEES = [*M, *W]
ISSUED, RETURNED = 300, 286
#: The paper tally of the nomination ballots (post → name → votes); Zhejiang wants one more
#: candidate than seats for every post.
TALLY = {
    "chair": {M[0]: 152, M[1]: 87, M[2]: 21},
    "vice_chair": {M[2]: 131, M[3]: 78, M[4]: 30},
    "women_member": {W[0]: 160, W[1]: 92, W[2]: 17},
    "member": {M[4]: 170, M[5]: 141, M[6]: 122, W[3]: 95, W[4]: 40},
}
CANDIDATES = {
    "主任": [M[0], M[1]],
    "副主任": [M[2], M[3]],
    "妇女委员": [W[0], W[1]],
    "委员": [M[4], M[5], M[6]],
}
DEPARTMENTS = ["组织部门", "民政部门", "公安部门", "纪检监察机关", "司法行政部门", "乡镇人民政府"]


@pytest.fixture(scope="module", autouse=True)
def _fresh_shots(shots_dir: Path) -> None:
    """Screenshots and PDFs of an earlier run are removed, so what is there is this run's."""
    for old in [*shots_dir.glob("[0-9][0-9]-*"), *shots_dir.glob("FAILED-*")]:
        old.unlink()


@pytest.fixture
def walk(
    browser: Any,
    live_server: Any,
    shots_dir: Path,
    request: pytest.FixtureRequest,
    settings: Any,
    tmp_path: Path,
) -> Iterator[Walk]:
    settings.MEDIA_ROOT = tmp_path / "files"  # uploaded registers
    # Background jobs (the register import) run as they are queued: no worker process
    # beside the test's live server.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w = Walk(browser, live_server.url, shots_dir)
    yield w
    report = getattr(request.node, "rep_call", None)
    w.close(failed=report is None or report.failed, test=request.node.name)


def stage(page: Any, stage_id: str, button: str) -> None:
    submit(page, f"#stage-{stage_id} button:has-text('{button}')")
    ok(page, f"已{button}")


def test_a_village_from_campaign_to_formal_candidates(walk: Walk) -> None:
    today = timezone.localdate()
    seed_demo(out=io.StringIO())

    # -- The township office sets up 青山村's election ---------------------------------------
    town = walk.login("zhenban")
    walk.shot(town, "home")
    town.click("nav.top >> text=换届")
    town.click("text=第12届换届选举")
    expect(town.locator("tbody tr")).to_have_count(19)  # every village but the demo one
    walk.shot(town, "township-overview")
    town.select_option("select[name=area]", label=DEMO_VILLAGE)
    town.fill("input[name=members]", "5")
    town.fill("input[name=place]", "青山村文化礼堂")
    submit(town, "button:has-text('建立选举')")
    expect(town.locator("h1")).to_have_text("青山村第12届村民委员会选举")
    expect(town.locator("#stage-preparation")).to_contain_text("准备工作")
    plan_url = town.url
    election_url = plan_url.rstrip("/")
    walk.shot(town, "election-plan")
    stage(town, "preparation", "开始")
    expect(town.locator("#stage-preparation .badge")).to_contain_text("进行中")

    # -- The village election committee records its preparation ------------------------------
    village = walk.login("qingshan")
    village.goto(f"{election_url}/committee/")
    for rank, person in enumerate(COMMITTEE, start=1):
        fill_form(
            village,
            "#add-member form",
            {
                "name": person.name,
                "sex": "男" if person.sex == "M" else "女",
                "id_number": person.id_number,
                "selected_by": "村民代表会议",
                "rank": str(rank),
                "votes": str(40 - rank * 3),
                "role": "主任" if rank == 1 else "委员",
            },
        )
        submit(village, "#add-member button:has-text('添加')")
        ok(village, f"已添加{person.name}")
    expect(village.locator("tr[id^=member-]")).to_have_count(5)
    expect(village.locator("text=✗")).to_have_count(0)  # nothing keeps preparation open
    walk.shot(village, "committee")
    walk.pdf(village, "村民选举委员会成员名单公告", "committee-notice", "青山村", COMMITTEE[0].name)

    village.goto(f"{election_url}/preparation/")
    evaluate = "#evaluations form[action$='/evaluations']"
    for n, (person, post) in enumerate(OUTGOING):
        label = {"chair": "主任", "vice_chair": "副主任", "women_member": "妇女委员"}[post]
        fill_form(
            village,
            evaluate,
            {
                "incumbent_name": person.name,
                "post": label,
                "issued": "46",
                "returned": "45",
                "satisfied": str(33 - n * 4),
                "basically_satisfied": str(8 + n * 2),
                "dissatisfied": str(3 + n * 2),
            },
        )
        submit(village, f"{evaluate} button:has-text('保存')")
        ok(village, f"已录入{person.name}")
    submit(village, "#evaluations button:has-text('登记公布')")
    ok(village)
    expect(village.locator("#evaluations tbody tr")).to_have_count(3)
    expect(village.locator("#evaluations .badge:has-text('未公布')")).to_have_count(0)
    walk.pdf(village, "民主测评结果公告", "evaluation-notice", "民主测评", OUTGOING[0][0].name)

    fill_form(
        village,
        "#audit form[action$='/audit']",
        {
            "auditor": "青山镇农村集体“三资”管理服务中心",
            "period_start": "2021-01-01",
            "period_end": "2026-10-31",
            "result": "审计期间村集体经济收入 236 万元、支出 213 万元，期末结余 23 万元；财务收支记录完整。",
            "problems": "",
        },
    )
    submit(village, "#audit form[action$='/audit'] button:has-text('保存')")
    ok(village)
    submit(village, "#audit form[action$='/audit/publish'] button:has-text('登记公布')")
    ok(village)
    walk.pdf(village, "审计结果公告", "audit-notice", "审计", "青山村")
    fill_form(
        village,
        "#risk form",
        {"level": "低", "notes": "村两委班子团结，无信访事项；外出务工人员已逐户联系。"},
    )
    submit(village, "#risk button:has-text('保存')")
    ok(village)
    expect(village.locator("#risk .badge").first).to_have_text("低")
    expect(village.locator("text=准备工作记录已齐全")).to_be_visible()
    walk.shot(village, "preparation")

    village.goto(plan_url)
    stage(village, "preparation", "完成")
    expect(village.locator("#stage-preparation .badge")).to_contain_text("已完成")
    stage(village, "registration", "开始")
    walk.shot(village, "preparation-closed")

    # -- Voter registration -------------------------------------------------------------------
    register(walk, village, election_url, today)

    # 白云村 posted its list two days ago and has an objection pending: voting there cannot
    # open until the five days are over and it is decided (村民委员会组织法 第十四条第二款).
    town.goto(f"{walk.base}/campaigns/")
    town.click("text=第12届换届选举")
    town.click("a:has-text('白云村')")
    held = town.locator("#stage-election")
    expect(held).to_contain_text("开始前须")
    expect(held).to_contain_text("申诉期限至")
    expect(held).to_contain_text("尚有 1 件申诉未作出处理决定")
    walk.shot(town, "other-village-voting-held")

    village.goto(plan_url)
    stage(village, "registration", "完成")
    stage(village, "nomination", "开始")
    stage(village, "proxies", "开始")
    walk.shot(village, "nomination-open")

    # -- Nominees and the nomination tally, entered twice -------------------------------------
    village.goto(f"{election_url}/candidates/nominees/")
    village.fill("textarea[name=lines]", "\n".join(p.name for p in NOMINEES))
    submit(village, "button:has-text('全部列入')")
    ok(village, f"已将 {len(NOMINEES)} 人列入")
    expect(village.locator("tr[id^=nominee-]")).to_have_count(len(NOMINEES))
    walk.shot(village, "nominees")

    village.goto(f"{election_url}/candidates/")
    submit(village, "button:has-text('开始录入提名票统计表')")
    expect(village.locator("#state")).to_have_text("待第一次录入")
    tally_url = village.url
    enter_tally(village)
    walk.shot(village, "tally-first-entry-filled")
    submit(village, "button:has-text('提交第一次录入')")
    ok(village)
    expect(village.locator("#state")).to_have_text("待第二次录入")
    expect(village.locator("text=您已完成第一次录入")).to_be_visible()

    clerk_b = walk.login("qingshan2")
    clerk_b.goto(tally_url)
    expect(clerk_b.locator("h2:has-text('第二次录入')")).to_be_visible()
    enter_tally(clerk_b)
    submit(clerk_b, "button:has-text('提交第二次录入')")
    ok(clerk_b)
    expect(clerk_b.locator("#state")).to_have_text("已确定")
    expect(clerk_b.locator("h2:has-text('确定的统计结果')")).to_be_visible()
    walk.shot(clerk_b, "tally-definitive")

    village.goto(f"{election_url}/candidates/")
    for post, people in CANDIDATES.items():
        table = village.locator(f"h3:text-matches('^{post}（') + table")
        for person in people:
            expect(table).to_contain_text(person.name)
    expect(village.locator("tr[id^=candidate-]")).to_have_count(9)
    publish(village, "公示初步候选人名单")
    walk.shot(village, "preliminary-candidates")
    walk.pdf(
        village, "初步候选人名单公示（PDF）", "preliminary-list", "初步候选人", M[0].name, W[0].name
    )

    # -- Qualification review (资格联审) by the township office ----------------------------------
    town.goto(f"{election_url}/candidates/")
    links = [
        town.locator(f"tr[id^=candidate-] a:has-text('{p.name}')").get_attribute("href")
        for people in CANDIDATES.values()
        for p in people
    ]
    for n, href in enumerate(links):
        town.goto(walk.base + href)
        for department in DEPARTMENTS:
            town.select_option("select[name=department]", label=department)
            town.select_option("select[name=finding]", label="合格")
            submit(town, "button:has-text('记录审查意见')")
            ok(town, "已记录审查意见")
        expect(town.locator("h2 .badge")).to_have_text("资格审查合格")
        if n == 0:
            walk.shot(town, "candidate-reviewed")

    # -- The formal list ----------------------------------------------------------------------
    village.goto(f"{election_url}/candidates/")
    publish(village, "公布正式候选人名单")
    formal = village.locator("h2:has-text('正式候选人') + table")
    for post, people in CANDIDATES.items():
        row = formal.locator(f"tr:has(td:text-matches('^{post}（'))")
        for person in people:
            expect(row).to_contain_text(person.name)
    walk.shot(village, "formal-candidates")
    text = walk.pdf(
        village,
        "正式候选人名单公告（PDF）",
        "formal-list",
        "青山村",
        "正式候选人",
        *(p.name for people in CANDIDATES.values() for p in people),
    )
    for outside in (W[2], W[3], W[4]):  # nominated, but not among the top of any post
        assert outside.name not in text

    village.goto(plan_url)
    stage(village, "nomination", "完成")
    expect(village.locator("#stage-nomination .badge")).to_contain_text("已完成")
    walk.shot(village, "plan-after-nomination")


def register(walk: Walk, page: Any, election_url: str, today: Any) -> None:
    """Import 青山村's bundled household register, check the roll, post the voter list and
    keep its PDF."""
    page.goto(f"{election_url}/roll/")
    path = Path(str(resources.files("huanjie.examples") / QINGSHAN_FILE))
    page.set_input_files("input[name=registers]", path)
    submit(page, "button:has-text('导入')")
    # The batch page polls the import's progress and reloads when it is done.
    expect(page.locator("#batch-state")).to_have_text("已导入", timeout=30000)
    people = qingshan()
    # The demonstration's election day is 29 days after the day it is loaded.
    voters = voters_on(people, demo_election_day(today))
    expect(page.locator("#batch")).to_contain_text(f"登记选民 {len(voters)} 人")
    expect(page.locator("#batch")).to_contain_text(f"不具备选民资格 {len(people) - len(voters)} 人")
    walk.shot(page, "register-imported")
    page.goto(f"{election_url}/roll/")
    registered = page.locator("tr:has-text('已登记选民') strong")
    expect(registered).to_have_text(str(len(voters)))
    walk.shot(page, "roll")

    # The list as posted on the board today. Registration is then complete; the five days
    # for objections (村民委员会组织法 第十四条第二款) run on beside nomination.
    page.goto(f"{election_url}/roll/list/")
    page.fill("input[name=published_on]", today.isoformat())
    submit(page, "button:has-text('登记公布日期')")
    ok(page)
    expect(page.locator("text=张榜公布")).to_contain_text(f"{len(voters)} 人")
    walk.shot(page, "voter-list-posted")
    oldest = min(voters, key=lambda v: v.birth_date)
    text = walk.pdf(page, "选民名单公告（PDF）", "voter-list", "选民名单", oldest.name)
    assert oldest.id_number not in text  # public lists mask the ID number
    page.goto(f"{election_url}/roll/")
    expect(page.locator("text=完成“选民登记”阶段尚待")).to_have_count(0)

    # Voter cards, numbered in the order of the posted list.
    page.goto(f"{election_url}/roll/cards/")
    submit(page, "button:has-text('为未编号的选民编号')")
    ok(page, f"已为 {len(voters)} 名选民编号")
    submit(page, "button:has-text('生成选民证（PDF）')")
    ok(page, "已开始生成选民证")
    walk.shot(page, "voter-cards")
    cards = walk.pdf(page, "下载", "voter-cards", "选民证", "青山村")
    assert [v.name for v in voters if v.name not in cards] == []  # a card for every voter


def enter_tally(page: Any) -> None:
    """Type the paper tally into the grid, cell by cell."""
    for post, votes in TALLY.items():
        page.fill(f"input[name='{post}:issued']", str(ISSUED))
        page.fill(f"input[name='{post}:returned']", str(RETURNED))
        for person, n in votes.items():
            page.fill(f"input[name='{post}:votes:{person.name}']", str(n))


def publish(page: Any, heading: str) -> None:
    card = page.locator(f".card:has(h2:has-text('{heading}'))")
    submit(page, card.locator("button:has-text('公布')"))
    ok(page, "已公布")


def test_the_demonstration_township_at_a_glance(walk: Walk) -> None:
    """What the township office sees of the other villages: a high-risk village preparing,
    a village whose posted list has an objection pending, a village taking nominations,
    and the campaign's risk levels. Screenshots named ``town-…``."""
    seed_demo(out=io.StringIO())
    town = walk.login("zhenban")
    walk.n = 90  # after the walk's own screenshots
    town.goto(f"{walk.base}/campaigns/")
    town.click("text=第12届换届选举")
    overview = {
        name: town.locator(f"tbody tr:has(a:text-is('{name}'))")
        for name in ("溪口村", "白云村", "红星村", "东岭村")
    }
    expect(overview["溪口村"].locator(".badge.overdue")).to_have_text("高")
    expect(overview["东岭村"]).to_contain_text("未评定")
    expect(town.locator("p.muted").first).to_contain_text("高风险 1")

    town.click("a:text-is('溪口村')")
    town.click("nav.parts >> text=准备工作")
    expect(town.locator("#evaluations")).to_contain_text("不得再提名")
    expect(town.locator("#audit")).to_contain_text("未公布")
    expect(town.locator("#risk .badge").first).to_have_text("高")
    walk.shot(town, "town-high-risk-village")
    town.click("text=本届各村（社区）风险等级一览")
    expect(town.locator("body")).to_contain_text("村集体土地征收补偿分配存在争议")
    walk.shot(town, "town-risk-levels")

    town.goto(f"{walk.base}/campaigns/")
    town.click("text=第12届换届选举")
    town.click("a:text-is('白云村')")
    town.click("nav.parts >> text=选民登记")
    expect(town.locator("text=1 件申诉未作决定")).to_be_visible()
    walk.shot(town, "town-objection-pending")
    town.click("nav.parts >> text=申诉")
    expect(town.locator("main")).to_contain_text("漏登")
    walk.shot(town, "town-objections")

    town.goto(f"{walk.base}/campaigns/")
    town.click("text=第12届换届选举")
    town.click("a:text-is('红星村')")
    town.click("nav.parts >> text=候选人")
    expect(town.locator("main")).to_contain_text("被提名人名单：11 人")
    walk.shot(town, "town-nominations")
