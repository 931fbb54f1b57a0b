"""Importing household registers: every error found and named, nothing half-imported."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.places.models import Area
from huanjie.apps.roll import services
from huanjie.apps.roll.models import DuplicateCase, ImportBatch, Status, Voter
from tests.apps.roll.conftest import TODAY, XlsxWriter, csv_bytes, good_people, make_id, person


def run(election: Any, user: Any, files: list[tuple[str, bytes]]) -> ImportBatch:
    batch = services.import_start(acting_user=user, election=election, files=files)
    return services.import_run(batch_id=batch.pk, today=TODAY)


def test_a_bad_register_imports_nothing_and_names_every_error(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    rows = good_people()
    rows[1]["公民身份号码"] = ("number", float(rows[1]["公民身份号码"][:17] + "0"))  # lost digits
    rows[2]["出生日期"] = "1992-13-45"
    rows[4]["姓名"] = ""
    rows[5]["性别"] = "女"  # the ID number says male (17th digit 3 is odd)
    content = xlsx({"户籍登记表": rows})
    audit_before = AuditEntry.objects.count()
    groups_before = Area.objects.filter(level=Area.Level.GROUP).count()
    batch = run(election, users["qingshan"], [("青山村.xlsx", content)])

    assert batch.state == ImportBatch.State.FAILED
    assert Voter.objects.count() == 0
    assert Area.objects.filter(level=Area.Level.GROUP).count() == groups_before
    assert batch.error_count == 4
    found = {(e["row"], e["column"], e["header"]) for e in batch.errors}
    # Title on row 1, header on row 2: the second person is on row 4.
    assert found == {
        (4, "G", "公民身份号码"),
        (5, "F", "出生日期"),
        (7, "D", "姓名"),
        (8, "E", "性别"),
    }
    by_row = {e["row"]: e for e in batch.errors}
    assert all(e["file"] == "青山村.xlsx" and e["sheet"] == "户籍登记表" for e in batch.errors)
    assert "Excel" in by_row[4]["message"]
    assert "文本格式" in by_row[4]["message"]
    assert "不是有效日期" in by_row[5]["message"]
    assert by_row[7]["message"] == "姓名为空"
    assert "第 17 位表示男" in by_row[8]["message"]
    assert "未导入任何人员" in batch.message
    errors_csv = (Path(media) / "files" / batch.directory / "errors.csv").read_text("utf-8-sig")
    assert "青山村.xlsx,户籍登记表,4,G,公民身份号码" in errors_csv
    # Start and failure are audited; nothing else changed.
    actions = list(
        AuditEntry.objects.order_by("seq").values_list("action", flat=True)[audit_before:]
    )
    assert actions == ["roll.import_start", "roll.import_failed"]


def test_a_good_register_imports_with_decisions_and_groups(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    batch = run(election, users["qingshan"], [("青山村.xlsx", xlsx({"户籍登记表": good_people()}))])
    assert batch.state == ImportBatch.State.DONE, batch.errors
    assert (batch.imported, batch.registered, batch.ineligible) == (7, 5, 2)
    by_name = {v.name: v for v in Voter.objects.filter(election=election)}
    assert by_name["陳靜"].name_key == "陈静"
    assert by_name["王小明"].status == Status.INELIGIBLE
    assert "未满18周岁" in by_name["王小明"].reason
    assert "第十三条第一款" in by_name["王小明"].reason
    assert by_name["孙丽"].status == Status.INELIGIBLE
    assert "不满1年" in by_name["孙丽"].reason
    assert by_name["刘芳"].away
    assert by_name["刘芳"].category == "away_opted_in"
    assert by_name["赵强"].status == Status.REGISTERED
    assert by_name["张伟"].source == "青山村.xlsx/户籍登记表/第3行"
    groups = set(Area.objects.filter(parent=election.area).values_list("name", flat=True))
    assert groups == {"第一村民小组", "第二村民小组"}
    import_rows = AuditEntry.objects.filter(action="roll.import")
    assert import_rows.count() == 1  # one audit row for the batch, not one per voter
    assert import_rows.get().after["registered"] == 5
    assert batch.percent == 100


def test_the_same_number_twice_is_an_error_naming_both_rows(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    rows = good_people()
    rows[3]["公民身份号码"] = rows[0]["公民身份号码"]
    rows[3]["出生日期"] = rows[0]["出生日期"]
    rows[3]["性别"] = rows[0]["性别"]
    batch = run(election, users["qingshan"], [("a.xlsx", xlsx({"表1": rows}))])
    assert batch.state == ImportBatch.State.FAILED
    assert batch.error_count == 1
    assert batch.errors[0]["row"] == 6
    assert "a.xlsx/表1/第3行" in batch.errors[0]["message"]
    assert Voter.objects.count() == 0


def test_csv_in_gb18030_and_two_sheets_in_one_batch(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    people = good_people()
    book = xlsx({"一组": people[:2], "二组": people[2:4]}, title=None)
    batch = run(
        election,
        users["qingshan"],
        [("两个工作表.xlsx", book), ("补充.csv", csv_bytes(people[4:], "gb18030"))],
    )
    assert batch.state == ImportBatch.State.DONE, batch.errors
    assert batch.imported == 7
    sources = set(Voter.objects.values_list("source", flat=True))
    assert "两个工作表.xlsx/二组/第2行" in sources
    assert "补充.csv/第2行" in sources
    assert [s["sheet"] for s in batch.sheets] == ["一组", "二组", ""]


def test_utf8_bom_csv_and_a_missing_column_is_one_clear_error(
    media: Path, election: Any, users: dict[str, Any]
) -> None:
    ok = run(election, users["qingshan"], [("名单.csv", csv_bytes(good_people()[:2], "utf-8-sig"))])
    assert ok.state == ImportBatch.State.DONE
    content = "姓名,性别\n张三,男\n".encode()
    bad = run(election, users["qingshan"], [("缺列.csv", content)])
    assert bad.state == ImportBatch.State.FAILED
    assert bad.errors == [
        {
            "file": "缺列.csv",
            "sheet": "",
            "row": None,
            "column": "",
            "header": "",
            "message": "缺少必需的列“公民身份号码”",
        }
    ]


def test_already_on_the_roll_is_refused_and_nothing_changes(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    first = run(election, users["qingshan"], [("a.xlsx", xlsx({"表": good_people()[:3]}))])
    assert first.state == ImportBatch.State.DONE
    again = run(election, users["qingshan"], [("b.xlsx", xlsx({"表": good_people()[2:5]}))])
    assert again.state == ImportBatch.State.FAILED
    assert "已在本村选民登记中" in again.errors[0]["message"]
    assert Voter.objects.count() == 3


def test_likely_duplicates_in_the_village(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    rows = good_people()
    twin = person("張偉", datetime.date(1970, 3, 4), 13)  # 张伟's name and birth, other number
    batch = run(election, users["qingshan"], [("a.xlsx", xlsx({"表": [*rows, twin]}))])
    assert batch.state == ImportBatch.State.DONE
    case = DuplicateCase.objects.get()
    assert (case.kind, case.scope) == ("name_birth", "village")
    assert {case.first.name, case.second.name} == {"张伟", "張偉"}


def test_the_same_person_in_two_villages_is_held_until_a_person_decides(
    media: Path, election: Any, hongxing: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    rows = good_people()
    there = run(hongxing, users["town"], [("红星村.xlsx", xlsx({"表": rows[:1]}))])
    assert there.state == ImportBatch.State.DONE
    here = run(election, users["qingshan"], [("青山村.xlsx", xlsx({"表": rows}))])
    assert here.state == ImportBatch.State.DONE
    case = DuplicateCase.objects.get()
    assert (case.kind, case.scope) == ("id", "township")
    assert case.first.election == hongxing
    assert case.second.election == election
    assert {case.first.status, case.second.status} == {Status.PENDING}
    assert "红星村" in case.second.reason
    with pytest.raises(services.RollError, match="理由"):
        services.duplicate_resolve(
            acting_user=users["town"], case=case, outcome="first", reason=" "
        )
    with pytest.raises(services.RollError, match="只能保留一处"):
        services.duplicate_resolve(acting_user=users["town"], case=case, outcome="both", reason="x")
    services.duplicate_resolve(
        acting_user=users["town"], case=case, outcome="second", reason="已迁入青山村，户口本核对"
    )
    case.refresh_from_db()
    kept, dropped = Voter.objects.get(pk=case.second_id), Voter.objects.get(pk=case.first_id)
    assert kept.status == Status.REGISTERED
    assert dropped.status == Status.REMOVED
    assert dropped.removal_reason == "duplicate"
    assert "保留青山村" in dropped.reason
    assert AuditEntry.objects.filter(action="roll.duplicate_resolve").count() == 1


def test_hand_addition_uses_the_same_checks(election: Any, users: dict[str, Any]) -> None:
    with pytest.raises(services.RollError) as err:
        services.voter_add(
            acting_user=users["qingshan"],
            election=election,
            values={"name": "周杰", "id_number": "33052319900101001"},
            today=TODAY,
        )
    assert err.value.field == "id_number"
    number = make_id(datetime.date(1990, 1, 1), 15)
    v = services.voter_add(
        acting_user=users["qingshan"],
        election=election,
        values={"name": "周杰", "id_number": number, "group": "第三村民小组"},
        note="迁入",
        today=TODAY,
    )
    assert v.status == Status.REGISTERED
    assert v.sex == "M"
    assert v.group.name == "第三村民小组"
    with pytest.raises(services.RollError, match="已在本村选民登记中"):
        services.voter_add(
            acting_user=users["qingshan"],
            election=election,
            values={"name": "周杰", "id_number": number},
        )
    services.voter_remove(acting_user=users["qingshan"], voter=v, reason="moved", note="迁往杭州")
    v.refresh_from_db()
    assert v.status == Status.REMOVED
    assert v.get_removal_reason_display() == "迁出"
    with pytest.raises(services.RollError, match="写明"):
        services.voter_remove(acting_user=users["qingshan"], voter=v, reason="other")


def test_storing_in_the_reading_thread_gives_the_same_roll(
    media: Path,
    election: Any,
    users: dict[str, Any],
    xlsx: XlsxWriter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "THREADED_WRITER", False)
    rows = good_people()
    rows[0]["住址"] = "青山村\t1号\\后院\n东"  # tab, backslash and newline survive storage
    rows[1]["同意文号"] = "it's"
    batch = run(election, users["qingshan"], [("a.xlsx", xlsx({"表": rows}))])
    assert batch.state == ImportBatch.State.DONE, batch.errors
    stored = Voter.objects.get(name="张伟")
    assert stored.address == "青山村\t1号\\后院\n东"
    assert Voter.objects.get(name="李秀英").consent_ref == "it's"
    assert (batch.registered, batch.ineligible) == (5, 2)


def test_special_characters_survive_the_threaded_writer(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    rows = good_people()
    rows[2]["住址"] = "a\\tb\r\n\tc"
    batch = run(election, users["qingshan"], [("a.xlsx", xlsx({"表": rows}))])
    assert batch.state == ImportBatch.State.DONE, batch.errors
    assert Voter.objects.get(name="陳靜").address == "a\\tb\r\n\tc"


def test_a_failure_while_storing_leaves_everything_as_it_was(
    media: Path,
    election: Any,
    users: dict[str, Any],
    xlsx: XlsxWriter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(records: Any, constants: Any) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(services, "insert_voters", broken)
    groups_before = Area.objects.filter(level=Area.Level.GROUP).count()
    batch = run(election, users["qingshan"], [("a.xlsx", xlsx({"表": good_people()}))])
    assert batch.state == ImportBatch.State.FAILED
    assert "磁盘已满" in batch.message
    assert Voter.objects.count() == 0
    # The villager groups the storing thread had created are rolled back with the rest.
    assert Area.objects.filter(level=Area.Level.GROUP).count() == groups_before
    assert not AuditEntry.objects.filter(action="area.create", after__name="第二村民小组").exists()


def test_the_roll_changes_only_while_registration_is_open(
    media: Path, election: Any, users: dict[str, Any], xlsx: XlsxWriter
) -> None:
    from huanjie.apps.campaigns.models import StageRecord

    record = StageRecord.objects.get(election=election, stage="registration")
    content = xlsx({"表": good_people()})
    for state, code in (("pending", "stage_not_open"), ("closed", "stage_closed")):
        record.state = state
        record.save()
        with pytest.raises(services.RollError) as err:
            services.import_start(
                acting_user=users["qingshan"], election=election, files=[("a.xlsx", content)]
            )
        assert err.value.code == code
        with pytest.raises(services.RollError, match="选民登记阶段"):
            services.voter_add(
                acting_user=users["qingshan"],
                election=election,
                values={"name": "周杰", "id_number": make_id(datetime.date(1990, 1, 1), 15)},
                today=TODAY,
            )
    assert Voter.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_errors_name_the_cells_of_a_table_that_does_not_start_at_a1(
    media: Path, election: Any, users: dict[str, Any]
) -> None:
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("名单")
    rows = good_people()[:2]
    sheet.write_row(3, 2, ["姓名", "公民身份号码", "出生日期"])  # header on row 4, from column C
    sheet.write_row(4, 2, [rows[0]["姓名"], rows[0]["公民身份号码"], "1970-03-04"])
    sheet.write_row(5, 2, [rows[1]["姓名"], rows[1]["公民身份号码"], "1985-07-09"])  # wrong day
    book.close()
    batch = run(election, users["qingshan"], [("偏移.xlsx", out.getvalue())])
    assert batch.state == ImportBatch.State.FAILED
    assert [(e["row"], e["column"], e["header"]) for e in batch.errors] == [(6, "E", "出生日期")]
