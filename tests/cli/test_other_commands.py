"""The command-line contract of ``names sort``, ``idcard check`` and ``calendar``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "huanjie.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_names_sort_official_order_and_conventions() -> None:
    names = "王小洪\n李希\n王毅\n李干杰\n丁薛祥\n"
    result = run("names", "sort", stdin=names)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["丁薛祥", "王毅", "王小洪", "李希", "李干杰"]
    full = run("names", "sort", "--convention", "fullname", stdin=names)
    assert full.stdout.splitlines() == ["丁薛祥", "王小洪", "王毅", "李干杰", "李希"]


def test_names_sort_traditional_script_blank_lines_and_explain() -> None:
    result = run("names", "sort", "--explain", stdin="張偉\n\n  王芳 \n訚柏\n")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["王芳", "張偉", "訚柏"]
    assert "張(张):7:5153154" in lines[1]
    assert lines[2].endswith("需人工确认: 訚")
    fixed = run("names", "sort", "--explain", "--override", "訚=4254111251", stdin="訚柏\n")
    assert "需人工确认" not in fixed.stdout
    bad = run("names", "sort", "--override", "訚=42x", stdin="訚柏\n")
    assert bad.returncode == 2
    assert "--override" in bad.stderr


def test_idcard_check_csv() -> None:
    ids = "11010519491231002x\n440524188001010014\n110105200712200018\n1.10105E+17\n12345\n"
    result = run("idcard", "check", "--today", "2025-12-20", stdin=ids)
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "valid", "birth_date", "sex", "reason"]
    assert rows[0] == {
        "id": "11010519491231002X",
        "valid": "true",
        "birth_date": "1949-12-31",
        "sex": "F",
        "reason": "",
    }
    assert rows[1]["valid"] == "true"
    assert rows[1]["sex"] == "M"
    assert rows[2]["reason"] == "check_digit"
    assert rows[3]["reason"] == "excel_corrupted"
    assert rows[4]["reason"] == "length"


def test_calendar_schedule_with_holiday_extension() -> None:
    result = run(
        "calendar",
        "--profile",
        "village/national",
        "--election-day",
        "2026-01-17",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    items = {d["id"]: d for d in json.loads(result.stdout)["deadlines"]}
    assert items["voter_list_published"]["date"] == "2025-12-28"
    assert items["objection_filing_closes"]["date"] == "2026-01-04"
    assert items["objection_filing_closes"]["extended_from"] == "2026-01-02"
    assert items["objection_filing_closes"]["article"] == "村民委员会组织法 第十四条第二款"
    text = run("calendar", "--profile", "village/shanghai", "--election-day", "2025-12-20")
    assert "2025-12-20  移交公章" in text.stdout
    assert "2025-12-30  完成其余工作移交" in text.stdout


def test_calendar_bad_input() -> None:
    bad_day = run("calendar", "--profile", "village/national", "--election-day", "2026-02-30")
    assert bad_day.returncode == 2
    assert "--election-day" in bad_day.stderr
    bad_profile = run("calendar", "--profile", "village/mars", "--election-day", "2026-02-28")
    assert bad_profile.returncode == 2
    assert "unknown profile 'village/mars'" in bad_profile.stderr
    future = run("calendar", "--profile", "village/national", "--election-day", "2027-03-20")
    assert future.returncode == 0
    assert "尚无国务院节假日安排" in future.stderr
