"""Registration pages and API: permissions, the import page with progress, registers, the posted
list as PDF with masked numbers, objections with their windows, voter cards."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.services import stage_blockers
from huanjie.apps.roll import selectors, services
from huanjie.apps.roll.models import ImportBatch, Objection, PrintJob, Status, Voter
from huanjie.core.stages import Action, Stage
from tests.apps.roll.conftest import (
    TODAY,
    XlsxWriter,
    good_people,
    make_id,
    open_registration,
    person,
)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings: Any) -> None:
    settings.TASKS = IMMEDIATE


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def imported(
    election: Any, user: Any, xlsx: XlsxWriter, rows: list[dict[str, Any]] | None = None
) -> ImportBatch:
    batch = services.import_start(
        acting_user=user,
        election=election,
        files=[("青山村.xlsx", xlsx({"表": rows or good_people()}))],
    )
    return services.import_run(batch_id=batch.pk, today=TODAY)


def pdf_text(data: bytes) -> str:
    """The text of every page, lines joined (cells wrap)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s*\n\s*", "", text)


PAGES = [
    "",
    "voters/",
    "voters/add",
    "registers/new/",
    "registers/removed/",
    "registers/away/",
    "registers/diff/",
    "duplicates/",
    "list/",
    "objections/",
    "cards/",
]


def test_other_villages_get_403_on_every_page_and_the_api(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    imported(election, users["qingshan"], xlsx)
    voter = Voter.objects.filter(election=election).first()
    assert voter is not None
    observer = client_for(users["observer"])  # sees only 红星村
    base = f"/elections/{election.pk}/roll/"
    for page in [*PAGES, f"voters/{voter.pk}/", "list/voter-list.pdf"]:
        assert observer.get(base + page).status_code == 403, page
    assert observer.post(base + "import", {}).status_code == 403
    api = f"/api/elections/{election.pk}/roll/"
    for path in ("voters", "duplicates", "publication", "objections"):
        assert observer.get(api + path).status_code == 403, path
    response = observer.post(
        api + f"voters/{voter.pk}/remove",
        {"reason": "moved"},
        content_type="application/json",
    )
    assert response.status_code == 403
    # The county organiser sees but may not change.
    county = client_for(users["county"])
    assert county.get(base + "voters/").status_code == 200
    assert county.post(base + f"voters/{voter.pk}/", {"reason": "moved"}).status_code == 403
    assert (
        county.post(
            api + "publication", {"published_on": "2026-11-23"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Voter.objects.get(pk=voter.pk).status == voter.status


def test_every_page_renders_for_the_committee(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    imported(election, users["qingshan"], xlsx)
    c = client_for(users["qingshan"])
    base = f"/elections/{election.pk}/roll/"
    for page in PAGES:
        response = c.get(base + page)
        assert response.status_code == 200, page
        assert "选民登记" in response.content.decode()
    roll = c.get(base + "voters/?q=陈静").content.decode()
    assert "陳靜" in roll  # search by the simplified form finds the traditional spelling
    # Full numbers for the committee, masked for observers of the township.
    number = good_people()[0]["公民身份号码"]
    assert number in c.get(base + "voters/").content.decode()
    town_observer = client_for(users["county"])
    page = town_observer.get(base + "voters/").content.decode()
    assert number not in page
    assert selectors.mask_id(number) in page


def test_upload_page_runs_the_job_and_reports_progress(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter, immediate: None
) -> None:
    c = client_for(users["qingshan"])
    base = f"/elections/{election.pk}/roll/"
    content = xlsx({"户籍登记表": good_people()})
    upload = io.BytesIO(content)
    upload.name = "青山村户籍.xlsx"
    response = c.post(base + "import", {"registers": [upload]})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base}imports/{batch.pk}/"
    assert batch.state == ImportBatch.State.DONE  # the immediate backend ran the job
    status = c.get(f"{base}imports/{batch.pk}/status").json()
    assert status["finished"]
    assert status["percent"] == 100
    assert status["rows_done"] == 7
    page = c.get(f"{base}imports/{batch.pk}/").content.decode()
    assert "已导入 7 人" in page

    bad_rows = good_people()
    bad_rows[0]["公民身份号码"] = "330523197003040012"  # wrong check digit
    bad = io.BytesIO(xlsx({"户籍登记表": bad_rows}))
    bad.name = "错误.xlsx"
    c.post(base + "import", {"registers": [bad]})
    failed = ImportBatch.objects.order_by("-pk").first()
    assert failed is not None
    assert failed.state == ImportBatch.State.FAILED
    page = c.get(f"{base}imports/{failed.pk}/").content.decode()
    assert "校验码错误" in page
    assert "G（公民身份号码）" in page
    errors = c.get(f"{base}imports/{failed.pk}/errors.csv")
    assert errors.status_code == 200
    assert "校验码错误" in b"".join(errors.streaming_content).decode("utf-8-sig")


def test_api_import_and_voters(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter, immediate: None
) -> None:
    c = client_for(users["qingshan"])
    api = f"/api/elections/{election.pk}/roll/"
    upload = io.BytesIO(xlsx({"表": good_people()}))
    upload.name = "a.xlsx"
    response = c.post(api + "imports", {"files": [upload]})
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["state"] == "done"
    assert c.get(api + f"imports/{batch['id']}").json()["registered"] == 5
    voters = c.get(api + "voters").json()
    assert len(voters) == 5
    assert {v["status"] for v in voters} == {"registered"}
    everyone = c.get(api + "voters?status=all").json()
    assert len(everyone) == 7
    added = c.post(
        api + "voters",
        {
            "name": "周杰",
            "id_number": make_id(datetime.date(1990, 1, 1), 15),
            "group": "第一村民小组",
        },
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    bad = c.post(
        api + "voters", {"name": "周杰", "id_number": "123"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "id_number"
    removed = c.post(
        api + f"voters/{added.json()['id']}/remove",
        {"reason": "deceased"},
        content_type="application/json",
    )
    assert removed.json()["status"] == "removed"


def test_registers_new_removed_away_and_the_difference(
    media: Path, election: Any, tree: dict[str, Any], users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    from huanjie.apps.campaigns.services import campaign_create, election_create

    old_campaign = campaign_create(
        acting_user=users["town"], area=tree["town"], term=11, default_profile="village/zhejiang"
    )
    old = open_registration(
        election_create(
            acting_user=users["town"],
            campaign=old_campaign,
            area=tree["qingshan"],
            election_day=datetime.date(2021, 12, 20),
            members=5,
        )
    )
    before = [*good_people()[:3], person("钱多", datetime.date(1950, 1, 1), 81)]
    before[1]["村民小组"] = "第二村民小组"
    assert imported(old, users["qingshan"], xlsx, before).state == "done"
    now_rows = good_people()
    assert imported(election, users["qingshan"], xlsx, now_rows).state == "done"
    d = selectors.difference(election)
    assert d.previous == old
    names = lambda keys, side: sorted(side[k].name for k in keys)  # noqa: E731
    assert names(d.diff.removed, d.before) == ["钱多"]
    assert names(d.diff.added, d.current) == ["刘芳", "赵强"]
    assert [(c.id_number, c.fields) for c in d.diff.changed] == [
        (now_rows[1]["公民身份号码"], ("group",))
    ]
    newly = {n.voter.name: n.why for n in selectors.newly_eligible(election)}
    assert set(newly) == {"刘芳", "赵强"}
    assert "上届选民名单中没有" in newly["刘芳"]
    away = [v.name for v in selectors.away(election)]
    assert away == ["刘芳"]
    c = client_for(users["qingshan"])
    page = c.get(f"/elections/{election.pk}/roll/registers/diff/").content.decode()
    assert "钱多" in page
    assert "村民小组：第二村民小组 → 第一村民小组" in page


def test_published_list_is_grouped_sorted_and_masked(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    imported(election, users["qingshan"], xlsx)
    groups = selectors.public_groups(election)
    assert [g for g, _ in groups] == ["第一村民小组", "第二村民小组"]
    # 浙江: 姓名笔画 (fullname): 刘(6) 李(7) 张(7)… in stroke order.
    assert [v.name for v in groups[0][1]] == ["刘芳", "李秀英", "张伟"]
    c = client_for(users["qingshan"])
    response = c.get(f"/elections/{election.pk}/roll/list/voter-list.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "选民名单" in text
    assert "公布前预览" in text
    for row in good_people():
        full = row["公民身份号码"]
        assert full not in text
        if row["姓名"] not in ("王小明", "孙丽"):  # not registered: not on the list
            assert selectors.mask_id(full) in text
    assert "青山村第一村民小组11号" not in text  # never an address
    assert not re.search(r"\d{17}[\dX]", text)


def test_publication_objections_and_decisions(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    imported(election, users["qingshan"], xlsx)
    u = users["qingshan"]
    with pytest.raises(services.RollError, match="二十日前"):
        services.list_publish(
            acting_user=u,
            election=election,
            published_on=datetime.date(2026, 12, 1),
            today=datetime.date(2026, 12, 2),
        )
    with pytest.raises(services.RollError, match="尚未公布"):
        services.objection_file(
            acting_user=u,
            election=election,
            filed_on=TODAY,
            filed_by_name="某人",
            kind="add",
            content="漏登",
            subject_name="孙丽",
            today=TODAY,
        )
    published = datetime.date(2026, 11, 23)  # a Monday
    pub = services.list_publish(
        acting_user=u, election=election, published_on=published, today=published
    )
    # Five days from the day after: Sat 11-28 is a rest day, so the window ends Mon 11-30.
    assert pub.filing_closes == datetime.date(2026, 11, 30)
    assert pub.voter_count == 5
    # Registration is complete once the list is out; the objection window holds voting.
    assert stage_blockers(election, Stage.REGISTRATION) == []
    blockers = stage_blockers(election, Stage.ELECTION, Action.OPEN)
    assert any("申诉期限" in b for b in blockers)
    late_day = datetime.date(2026, 12, 1)
    with pytest.raises(services.RollError) as err:
        services.objection_file(
            acting_user=u,
            election=election,
            filed_on=late_day,
            filed_by_name="某人",
            kind="add",
            content="漏登",
            subject_name="孙丽",
            today=late_day,
        )
    assert "2026-11-30" in err.value.message
    assert "不予受理" in err.value.message
    assert err.value.field == "filed_on"
    sun = Voter.objects.get(name="孙丽")
    add = services.objection_file(
        acting_user=u,
        election=election,
        filed_on=datetime.date(2026, 11, 25),
        filed_by_name="孙丽",
        kind="add",
        content="本人在本村居住已满一年",
        subject_name="孙丽",
        subject_id_number=sun.id_number,
        today=datetime.date(2026, 11, 25),
    )
    assert add.decision_due == datetime.date(2026, 11, 30)
    zhang = Voter.objects.get(name="张伟")
    remove = services.objection_file(
        acting_user=u,
        election=election,
        filed_on=datetime.date(2026, 11, 26),
        filed_by_name="李四",
        kind="remove",
        content="已迁往杭州",
        voter=zhang,
        today=datetime.date(2026, 11, 26),
    )
    assert any("未作出处理决定" in b for b in stage_blockers(election, Stage.ELECTION, Action.OPEN))
    # 孙丽 is on the register but not eligible (less than a year): an upheld 漏登 with the
    # established facts decides again, in the same transaction.
    services.objection_decide(
        acting_user=u,
        objection=add,
        outcome="upheld",
        reason="经核实，自2025年1月起在本村居住",
        decided_on=datetime.date(2026, 11, 27),
        person={"residence_since": datetime.date(2025, 1, 1)},
        today=datetime.date(2026, 11, 27),
    )
    sun.refresh_from_db()
    assert sun.status == Status.REGISTERED
    assert sun.category == "nonlocal_resident"
    assert sun.consent_ref == "青山村民代表会议〔2026〕3号"  # kept from the register
    add.refresh_from_db()
    assert add.roll_change["action"] == "add"
    services.objection_decide(
        acting_user=u,
        objection=remove,
        outcome="upheld",
        reason="户口已迁出",
        decided_on=datetime.date(2026, 11, 27),
        today=datetime.date(2026, 11, 27),
    )
    zhang.refresh_from_db()
    assert zhang.status == Status.REMOVED
    assert zhang.removal_reason == "objection"
    remove.refresh_from_db()
    assert remove.roll_change == {"action": "remove", "voter": zhang.pk, "late": False}
    li = Voter.objects.get(name="李秀英")
    wrong_group = services.objection_file(
        acting_user=u,
        election=election,
        filed_on=datetime.date(2026, 11, 27),
        filed_by_name="李秀英",
        kind="correct",
        content="应为第二村民小组",
        voter=li,
        today=datetime.date(2026, 11, 27),
    )
    services.objection_decide(
        acting_user=u,
        objection=wrong_group,
        outcome="upheld",
        reason="核对户口簿",
        decided_on=datetime.date(2026, 11, 28),
        corrections={"group": "第二村民小组"},
        today=datetime.date(2026, 11, 28),
    )
    li.refresh_from_db()
    assert li.group is not None
    assert li.group.name == "第二村民小组"
    baseless = services.objection_file(
        acting_user=u,
        election=election,
        filed_on=datetime.date(2026, 11, 27),
        filed_by_name="某人",
        kind="remove",
        content="认为其不住本村",
        voter=li,
        today=datetime.date(2026, 11, 27),
    )
    with pytest.raises(services.RollError, match="早于收到申诉"):
        services.objection_decide(
            acting_user=u,
            objection=baseless,
            outcome="rejected",
            reason="x",
            decided_on=datetime.date(2026, 11, 26),
            today=datetime.date(2026, 11, 28),
        )
    services.objection_decide(
        acting_user=u,
        objection=baseless,
        outcome="rejected",
        reason="经核实本人在本村居住",
        decided_on=datetime.date(2026, 12, 3),
        today=datetime.date(2026, 12, 3),
    )
    baseless.refresh_from_db()
    assert baseless.roll_change == {"action": "none", "late": True}  # due 11-30
    li.refresh_from_db()
    assert li.status == Status.REGISTERED
    assert not any(
        "未作出处理决定" in b for b in stage_blockers(election, Stage.ELECTION, Action.OPEN)
    )
    c = client_for(u)
    response = c.get(f"/elections/{election.pk}/roll/objections/decisions.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "申诉处理决定公告" in text
    assert "张伟从选民名单中除名" in text
    assert "孙丽列入选民名单" in text
    assert "申诉不成立" in text
    assert "更正李秀英的登记信息（村民小组）" in text
    assert sun.id_number not in text
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "roll.list_publish",
        "roll.objection_file",
        "roll.objection_decide",
        "roll.voter_remove",
    } <= actions


def test_api_objections_and_late_filing(
    media: Path,
    election: Any,
    users: dict[str, Any],
    xlsx: XlsxWriter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The API takes "today" from the clock: pin it to 1 December 2026.
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 12, 1)
    )
    imported(election, users["qingshan"], xlsx)
    services.list_publish(
        acting_user=users["qingshan"],
        election=election,
        published_on=datetime.date(2026, 11, 23),
        today=datetime.date(2026, 11, 23),
    )
    c = client_for(users["qingshan"])
    api = f"/api/elections/{election.pk}/roll/"
    late = c.post(
        api + "objections",
        {
            "filed_on": "2026-12-01",
            "filed_by_name": "某人",
            "kind": "add",
            "content": "x",
            "subject_name": "甲",
        },
        content_type="application/json",
    )
    assert late.status_code == 400
    assert "2026-11-30" in late.json()["detail"]
    assert late.json()["field"] == "filed_on"
    assert Objection.objects.count() == 0
    ok = c.post(
        api + "objections",
        {
            "filed_on": "2026-11-30",
            "filed_by_name": "某人",
            "kind": "remove",
            "content": "已死亡",
            "voter_id": Voter.objects.get(name="张伟").pk,
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    decided = c.post(
        api + f"objections/{ok.json()['id']}/decide",
        {"outcome": "upheld", "reason": "核实死亡", "decided_on": "2026-12-01"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["roll_change"]["action"] == "remove"
    assert Voter.objects.get(name="张伟").status == Status.REMOVED


def test_voter_cards_serials_qr_and_pdf(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter, immediate: None
) -> None:
    imported(election, users["qingshan"], xlsx)
    c = client_for(users["qingshan"])
    base = f"/elections/{election.pk}/roll/"
    c.post(base + "cards/assign")
    serials = list(selectors.registered(election).values_list("serial", flat=True))
    prefix = services.card_prefix(election)
    assert sorted(serials) == [f"{prefix}-12-{n:06d}" for n in range(1, 6)]
    c.post(base + "cards/print")
    job = PrintJob.objects.get()
    assert job.state == PrintJob.State.DONE, job.message
    pdf = c.get(base + f"cards/jobs/{job.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "选民证" in text
    voter = selectors.registered(election).first()
    assert voter is not None
    good = services.card_payload(voter.serial)
    page = c.get(base + "cards/", {"code": good}).content.decode()
    assert f"有效：{voter.name}" in page
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "二维码无效" in c.get(base + "cards/", {"code": forged}).content.decode()
    checked = c.get(f"/api/elections/{election.pk}/roll/cards/check", {"code": good}).json()
    assert checked["valid"]
    assert checked["voter"]["serial"] == voter.serial


def test_cross_village_cases_are_for_the_township(
    media: Path, election: Any, hongxing: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    rows = good_people()
    imported(hongxing, users["town"], xlsx, rows[:1])
    imported(election, users["qingshan"], xlsx, rows)
    case = selectors.open_cases(election).get()
    committee = client_for(users["qingshan"])
    base = f"/elections/{election.pk}/roll/"
    page = committee.get(base + "duplicates/").content.decode()
    assert "须由乡镇（街道）处理" in page
    response = committee.post(
        base + f"duplicates/{case.pk}/resolve",
        {f"c{case.pk}-outcome": "second", f"c{case.pk}-reason": "x"},
    )
    assert response.status_code == 403  # the committee cannot change 红星村's roll
    town = client_for(users["town"])
    wide = town.get(base + "duplicates/?scope=campaign").content.decode()
    assert "本乡镇各村" in wide
    assert committee.get(base + "duplicates/?scope=campaign").status_code == 403
    api = town.post(
        f"/api/elections/{election.pk}/roll/duplicates/{case.pk}/resolve",
        {"outcome": "second", "reason": "户籍已迁入青山村"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content
    assert api.json()["open"] is False
    assert not selectors.open_cases(election).exists()


def test_objections_run_on_after_registration_is_complete(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    """组织法 第十四条: once the list is posted registration is complete and nomination may
    start; objections are still filed and decided, and an upheld one still changes the roll,
    until voting opens."""
    from huanjie.apps.campaigns.selectors import schedule_with_election_day
    from huanjie.apps.campaigns.services import stage_change

    imported(election, users["qingshan"], xlsx)
    u = users["qingshan"]
    published = datetime.date(2026, 11, 23)
    services.list_publish(acting_user=u, election=election, published_on=published, today=published)
    # The plan's deadlines now count from the real posting (Mon 11-23 → window ends 11-30).
    rows = {r.item.id: r for r in schedule_with_election_day(election)}
    assert rows["voter_list_published"].done_on == published
    assert rows["objection_filing_closes"].item.date == datetime.date(2026, 11, 30)
    stage_change(acting_user=u, election=election, stage=Stage.REGISTRATION, action=Action.CLOSE)
    zhang = Voter.objects.get(name="张伟")
    objection = services.objection_file(
        acting_user=u,
        election=election,
        filed_on=datetime.date(2026, 11, 24),
        filed_by_name="李四",
        kind="remove",
        content="已迁往杭州",
        voter=zhang,
        today=datetime.date(2026, 11, 24),
    )
    services.objection_decide(
        acting_user=u,
        objection=objection,
        outcome="upheld",
        reason="经核实已迁出",
        decided_on=datetime.date(2026, 11, 25),
        today=datetime.date(2026, 11, 25),
    )
    zhang.refresh_from_db()
    assert zhang.status == "removed"
    # Other changes to the roll wait for registration to be reopened.
    with pytest.raises(services.RollError, match="选民登记阶段已完成"):
        services.voter_remove(acting_user=u, voter=Voter.objects.get(name="刘芳"), reason="moved")
