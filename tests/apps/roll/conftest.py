"""Fixtures of the roll tests: uploads kept in a temporary folder, register files written in
the test (xlsxwriter, csv), and a second village's election in the same campaign."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from huanjie.core.roll.idcard import CHECK_CHARS, WEIGHTS

TODAY = datetime.date(2026, 11, 21)
DAY = datetime.date(2026, 12, 20)
HEADER = [
    "序号",
    "村民小组",
    "户号",
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "住址",
    "登记类别",
    "本人表示参加选举",
    "居住起始日期",
    "同意文号",
]


def make_id(birth: datetime.date, seq: int, county: str = "330523") -> str:
    """A valid 18-digit number (check digit by the weighted sum of rules.md §8)."""
    first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
    s = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHECK_CHARS[s % 11]


def person(
    name: str,
    birth: datetime.date,
    seq: int,
    group: str = "第一村民小组",
    category: str = "1",
    **extra: Any,
) -> dict[str, Any]:
    row = {
        "序号": "",
        "村民小组": group,
        "户号": f"H{seq:03d}",
        "姓名": name,
        "性别": "男" if seq % 2 else "女",
        "出生日期": birth,
        "公民身份号码": make_id(birth, seq),
        "住址": f"青山村{group}{seq}号",
        "登记类别": category,
        "本人表示参加选举": "",
        "居住起始日期": "",
        "同意文号": "",
    }
    row.update(extra)
    return row


def good_people() -> list[dict[str, Any]]:
    return [
        person("张伟", datetime.date(1970, 3, 4), 11),
        person("李秀英", datetime.date(1985, 7, 8), 22),
        person("陳靜", datetime.date(1992, 1, 9), 31, group="第二村民小组"),  # traditional
        person("王小明", datetime.date(2009, 5, 6), 41),  # 17 on election day
        person("刘芳", datetime.date(1990, 2, 3), 52, category="2", 本人表示参加选举="是"),
        person(
            "赵强",
            datetime.date(1980, 6, 7),
            63,
            group="第二村民小组",
            category="3",
            居住起始日期=datetime.date(2020, 1, 1),
            同意文号="青山村民代表会议〔2026〕3号",
        ),
        person(
            "孙丽",
            datetime.date(1981, 6, 7),
            72,
            category="3",
            居住起始日期=datetime.date(2026, 3, 1),
            同意文号="青山村民代表会议〔2026〕3号",
        ),  # less than a year
    ]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "files"
    return tmp_path


XlsxWriter = Callable[..., bytes]


@pytest.fixture
def xlsx() -> XlsxWriter:
    """Write a workbook: ``xlsx({"sheet name": [row dicts]}, title=…)`` → bytes. A row value
    ``("number", 1.1e17)`` is written as a number cell (as Excel keeps a mistyped ID)."""

    def write(
        sheets: dict[str, Sequence[dict[str, Any]]],
        *,
        title: str | None = "青山村户籍人口登记表",
        header: Sequence[str] = HEADER,
    ) -> bytes:
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        for sheet_name, rows in sheets.items():
            sheet = book.add_worksheet(sheet_name)
            r = 0
            if title:
                sheet.write_string(0, 0, title)
                r = 1
            for c, h in enumerate(header):
                sheet.write_string(r, c, h)
            for n, row in enumerate(rows, start=1):
                for c, h in enumerate(header):
                    value = row.get(h, "")
                    if h == "序号":
                        sheet.write_number(r + n, c, n)
                    elif isinstance(value, tuple) and value[0] == "number":
                        sheet.write_number(r + n, c, value[1])
                    elif isinstance(value, datetime.date):
                        sheet.write_datetime(r + n, c, value, date_fmt)
                    elif value != "":
                        sheet.write_string(r + n, c, str(value))
        book.close()
        return out.getvalue()

    return write


def csv_bytes(rows: Sequence[dict[str, Any]], encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            [
                v.isoformat() if isinstance(v, datetime.date) else v
                for v in (row.get(h, "") for h in HEADER)
            ]
        )
    return out.getvalue().encode(encoding)


def open_registration(election: Any) -> Any:
    """Put an election in 选民登记 (preparation done, registration open), as the stage pages
    would after the preparation part's own checks; the roll changes only then."""
    from huanjie.apps.campaigns.models import StageRecord

    StageRecord.objects.filter(election=election, stage="preparation").update(state="closed")
    StageRecord.objects.filter(election=election, stage="registration").update(state="open")
    return election


@pytest.fixture
def election(election: Any) -> Any:
    """The shared fixture's 青山村 election, with registration open."""
    return open_registration(election)


@pytest.fixture
def hongxing(election: Any, tree: dict[str, Any], users: dict[str, Any]) -> Any:
    """红星村's election in the same campaign as 青山村's, with registration open."""
    from huanjie.apps.campaigns.services import election_create

    return open_registration(
        election_create(
            acting_user=users["town"],
            campaign=election.campaign,
            area=tree["hongxing"],
            election_day=DAY,
            members=5,
        )
    )
