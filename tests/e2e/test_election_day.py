"""Election day in a real browser: the demonstration's 石门村 (its formal candidates posted,
election day today) from the first check-in to the handover.

The 总监票人 (``shimen``) arranges the vote, prints the ballots and opens the polls; voters
are checked in at the desk; the polls close; two clerks (``shimen2``, ``shimen3``, each in
a browser of their own) reconcile the box and enter the ballots in two passes; the 总监票人
settles the one difference with the paper ballot and confirms the count; the result leaves
a 委员 seat open, so an additional round (另行选举) is held the same day and counted from the
paper totals sheet; the results, the report, the certificates and the announcement follow;
the old committee hands over to the new.

The browser does what one desk and one pair of clerks do; the other desks' voters and the
long run of identical ballots go through the same services the pages call (said where they
do). Screenshots and PDFs (with their pages as PNG) go to ``shots_dir/election-day``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from huanjie.apps.campaigns.models import Election
from huanjie.apps.counting import services as counting
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Box, Round
from huanjie.apps.roll.models import Voter
from huanjie.web.demo_seed import ELECTION_DAY_VILLAGE, seed_demo

from .walking import Walk, ok, submit

pytestmark = pytest.mark.django_db(transaction=True)

#: Voters in the first round (318 registered: more than half must vote) and the second.
FIRST, SECOND = 190, 172
#: Voters the browser checks in at the desk (the rest at the other desks).
AT_THE_DESK = 3
#: Ballots each clerk types in the browser (the rest through the same service).
TYPED = 5


@pytest.fixture
def day(
    browser: Any,
    live_server: Any,
    shots_dir: Path,
    request: pytest.FixtureRequest,
    settings: Any,
    tmp_path: Path,
) -> Iterator[Walk]:
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    shots = shots_dir / "election-day"
    shots.mkdir(parents=True, exist_ok=True)
    for old in [*shots.glob("[0-9][0-9]-*"), *shots.glob("FAILED-*")]:
        old.unlink()
    w = Walk(browser, live_server.url, shots)
    yield w
    report = getattr(request.node, "rep_call", None)
    w.close(failed=report is None or report.failed, test=request.node.name)


def part(page: Any, name: str) -> None:
    """Go to a part of the election through its navigation button (exact name)."""
    page.locator("nav.parts").get_by_role("link", name=name, exact=True).click()


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def first_round_keys(r: Round, i: int) -> list[str]:
    """Ballot ``i`` (0-based) of the first round, as a clerk types it: for each post the
    numbers of the names marked (ballot order, 1-based). 主任, 副主任 and 妇女委员 are decided
    clearly; three 委员 are elected by everyone, and the fourth seat splits the rest so that
    nobody has more than half: it goes to an additional round."""
    members = [c for c in r.candidates if c["post"] == "委员"]
    assert len(members) == 5  # four seats, one more candidate (浙江 第十六条)
    chair = "1" if i < 120 else "2"
    vice = "2" if i < 110 else "1"
    women = "1" if i < 130 else "2"
    fourth = "4" if i < 80 else ("5" if i < 160 else "")
    return [chair, vice, women, " ".join(["1", "2", "3", *([fourth] if fourth else [])])]


def issue_elsewhere(r: Round, box: Box, count: int, skip: set[int]) -> None:
    """The other desks of the hall check in ``count`` voters (the same service as the desk)."""
    clerk = user("shimen")
    voters = Voter.objects.filter(election=r.election, status="registered").exclude(pk__in=skip)
    for voter in voters.order_by("pk")[:count]:
        polling.ballot_issue(acting_user=clerk, round=r, voter=voter, box=box)


def test_election_day_from_check_in_to_handover(day: Walk) -> None:
    seed_demo(out=io.StringIO())
    election = Election.objects.get(area__name=ELECTION_DAY_VILLAGE)
    base = f"{day.base}/elections/{election.pk}"

    # --- The 总监票人 arranges the vote -----------------------------------------------------
    chief = day.login("shimen")
    expect(chief.locator("body")).to_contain_text("今天")
    chief.click("a:has-text('投票') >> nth=0")
    expect(chief.locator("h1")).to_contain_text(election.title)
    submit(chief, "button:has-text('安排正式选举投票')")
    ok(chief)
    day.shot(chief, "round-arranged")
    r = Round.objects.get(election=election, number=1)
    box = Box.objects.get(round=r)
    names = [c["name"] for c in r.candidates]

    # --- Ballots: the print run, a sample, and the sealed paper colour and seal ---------------
    part(chief, "选票")
    chief.fill("[name=quantity]", "330")
    submit(chief, "button:has-text('登记印制数量')")
    ok(chief)
    day.shot(chief, "ballots")
    sample = day.pdf(chief, "样票（PDF）", "ballot-sample", "选票", *names)
    assert sample.count("另选他人") >= 1

    part(chief, "投票")
    chief.click("a:has-text('第1轮')")
    submit(chief, "button[name=action][value=open]")
    ok(chief)
    day.shot(chief, "polls-open")
    # At issue time the 总监票人 opens the sealed choice of paper and seal.
    part(chief, "选票")
    submit(chief, "button:has-text('启封查看')")
    expect(chief.locator("#revealed")).to_contain_text("青山镇换届选举专用章")
    day.shot(chief, "security-revealed")

    # --- Check-in at the desk ----------------------------------------------------------------
    chief.goto(f"{base}/polling/rounds/1/checkin")
    voters = list(
        Voter.objects.filter(election=election, status="registered").order_by("-pk")[:AT_THE_DESK]
    )
    for voter in voters:
        chief.fill("#q", voter.name)
        expect(chief.locator("#results li.selected")).to_contain_text(voter.name)
        with chief.expect_navigation():
            chief.press("#q", "Enter")
        expect(chief.locator("table")).to_contain_text(voter.name)
    # The first voter comes back: refused, with when and where.
    chief.fill("#q", voters[0].name)
    expect(chief.locator("#results li.selected")).to_contain_text(voters[0].name)
    with chief.expect_navigation():
        chief.press("#q", "Enter")
    expect(chief.locator("#error")).to_contain_text("不能重复领取")
    day.shot(chief, "desk-refuses-a-second-ballot")
    issue_elsewhere(r, box, FIRST - AT_THE_DESK, {v.pk for v in voters})
    chief.goto(f"{base}/polling/rounds/1/turnout")
    expect(chief.locator("body")).to_contain_text(str(FIRST))
    day.shot(chief, "turnout")

    # --- Polls close; the box is opened and reconciled by two clerks --------------------------
    chief.goto(f"{base}/polling/rounds/1/")
    chief.once("dialog", lambda d: d.accept())
    submit(chief, "button[name=action][value=close]")
    ok(chief)
    part(chief, "计票")
    chief.click("#rounds a:has-text('进入') >> nth=0")
    chief.check("input[name=method][value=ballots]")
    submit(chief, "button:has-text('开始计票')")
    ok(chief)
    one, two = day.login("shimen2"), day.login("shimen3")
    box_url = f"{base}/counting/rounds/1/boxes/{box.pk}/"
    for clerk in (one, two):
        clerk.goto(box_url)
        clerk.fill("#collected-input", str(FIRST))
        submit(clerk, "button:has-text('清点')")
        ok(clerk)
    day.shot(two, "box-reconciled")

    # --- Ballot by ballot, two passes; one ballot typed differently ---------------------------
    for pass_no, clerk in ((1, one), (2, two)):
        clerk.goto(f"{box_url}passes/{pass_no}/")
        fields = clerk.locator("#ballot input[data-post]")
        for i in range(TYPED):
            keys = first_round_keys(r, i)
            if pass_no == 2 and i == 2:
                keys[0] = "2"  # the second clerk misheard the 主任 mark of ballot 3
            for n, value in enumerate(keys):
                fields.nth(n).fill(value)
            fields.nth(len(keys) - 1).press("Enter")
            expect(clerk.locator("#result")).to_contain_text(f"第 {i + 1} 张已保存")
        day.shot(clerk, f"pass-{pass_no}")
    # The rest of the box, typed by the same two clerks through the same service.
    for pass_no, username in ((1, "shimen2"), (2, "shimen3")):
        for i in range(TYPED, FIRST):
            counting.ballot_record(
                acting_user=user(username),
                box=box,
                pass_no=pass_no,
                position=i + 1,
                keys=first_round_keys(r, i),
            )

    # --- The 总监票人 settles the difference with the paper ballot and confirms ---------------
    chief.goto(box_url)
    expect(chief.locator("#differences")).to_contain_text("3")
    day.shot(chief, "difference")
    chief.check("#differences input[name=choice] >> nth=0")
    submit(chief, "#differences button:has-text('确定第 3 张')")
    ok(chief)
    chief.goto(f"{base}/counting/rounds/1/screen/")
    expect(chief.locator("body")).to_contain_text(names[0])
    day.shot(chief, "public-screen")
    chief.goto(f"{base}/counting/rounds/1/")
    submit(chief, "button:has-text('总监票人确认计票完成')")
    ok(chief)
    day.shot(chief, "count-confirmed")

    # --- Results: three 委员 and the others elected; the fourth seat goes to 另行选举 -----------
    part(chief, "选举结果")
    submit(chief, "button:has-text('确定')")
    ok(chief)
    day.shot(chief, "first-round-result")

    # --- 另行选举 the same day (浙江 第二十九条第五款: that day or within 30 days) ---------------
    expect(chief.locator("body")).to_contain_text("另行选举")
    submit(chief, "button:has-text('安排下一轮投票')")
    ok(chief)
    second = Round.objects.get(election=election, number=2)
    assert [c["name"] for c in second.candidates] == ["周浩", "金俊"] or len(second.candidates) == 2
    box2 = Box.objects.get(round=second)
    chief.goto(f"{base}/polling/rounds/2/")
    submit(chief, "button[name=action][value=open]")
    ok(chief)
    chief.goto(f"{base}/polling/rounds/2/checkin")
    again = voters[0]
    chief.fill("#q", again.name)
    expect(chief.locator("#results li.selected")).to_contain_text(again.name)
    with chief.expect_navigation():
        chief.press("#q", "Enter")
    expect(chief.locator("table")).to_contain_text(again.name)
    issue_elsewhere(second, box2, SECOND - 1, {again.pk})
    chief.goto(f"{base}/polling/rounds/2/")
    chief.once("dialog", lambda d: d.accept())
    submit(chief, "button[name=action][value=close]")
    ok(chief)

    # --- Counted on paper: the two clerks enter the box's totals sheet -------------------------
    chief.goto(f"{base}/counting/rounds/2/")
    chief.check("input[name=method][value=totals]")
    submit(chief, "button:has-text('开始计票')")
    ok(chief)
    box2_url = f"{base}/counting/rounds/2/boxes/{box2.pk}/"
    first_name, second_name = (c["name"] for c in second.candidates)
    for clerk in (one, two):
        clerk.goto(box2_url)
        clerk.fill("#collected-input", str(SECOND))
        submit(clerk, "button:has-text('清点')")
        ok(clerk)
    for clerk in (one, two):
        clerk.goto(box2_url)
        clerk.fill("#invalid", "2")
        clerk.get_by_label(f"委员 {first_name}", exact=True).fill("101")
        clerk.get_by_label(f"委员 {second_name}", exact=True).fill("66")
        submit(clerk, "#totals button:has-text('录入')")
        ok(clerk)
    day.shot(two, "totals-entered")
    chief.goto(f"{base}/counting/rounds/2/")
    submit(chief, "button:has-text('总监票人确认计票完成')")
    ok(chief)

    # --- The result: the committee is complete ------------------------------------------------
    part(chief, "选举结果")
    submit(chief, "button:has-text('确定')")
    ok(chief)
    expect(chief.locator("body")).to_contain_text("应选 7 名全部选出")
    day.shot(chief, "results")
    chief.click("a:has-text('当场宣布') >> nth=0")
    expect(chief.locator("body")).to_contain_text(names[0])
    day.shot(chief, "announcement")
    chief.go_back()
    day.pdf(chief, "选举结果报告单", "result-report", "选举结果报告单", "总监票人", str(FIRST))
    certificates = day.pdf(chief, "当选证书", "certificates", "当选证书", first_name)
    assert certificates.count("当选证书") >= 7
    notice = day.pdf(chief, "选举结果公告", "result-notice", "公告", first_name)
    assert "3305" not in notice  # no ID numbers in what is posted

    # --- Handover within ten days (组织法 第二十条) --------------------------------------------
    part(chief, "选后工作")
    chief.click("a:has-text('工作移交') >> nth=0")
    submit(chief, "button:has-text('建立移交清单')")
    ok(chief)
    outgoing, incoming = "原主任王国平", names[0]
    forms = chief.locator("form").filter(has=chief.get_by_role("button", name="签字确认"))
    while forms.count():
        form = forms.first
        form.locator("[name$=outgoing_name]").fill(outgoing)
        form.locator("[name$=incoming_name]").fill(incoming)
        form.locator("[name$=supervisor_name]").fill("青山镇换届办")
        submit(chief, form.locator("button:has-text('签字确认')"))
        ok(chief)
    day.shot(chief, "handover-signed")
    day.pdf(chief, "移交清单", "handover-list", "移交", outgoing)
