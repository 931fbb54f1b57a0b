"""Reading a household register (户籍登记表) row by row: column headers and cell values.

Village clerks keep registers in spreadsheets of their own making. The headers are matched
flexibly (``公民身份号码``, ``身份证号``, ``身份证号码（18位）`` all mean the ID number) and
cell values are read the way people write them (``是``/``否``/``√``; ``1990-01-02``,
``1990/1/2``, ``1990年1月2日``, ``19900102``; category ``1``/``一``/``第二类``/the
statutory wording). Every refusal is a ``ValueError`` whose message is Chinese and says
what was expected; the caller adds the file, sheet, row and column.

Pure: values come in as Python objects (``str``, ``int``, ``float``, ``bool``, ``date``,
``datetime``, ``None``), as a spreadsheet reader or the ``csv`` module gives them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from huanjie.core.roll.eligibility import Category

__all__ = [
    "FIELDS",
    "REQUIRED",
    "Field",
    "HeaderMatch",
    "column_letter",
    "match_headers",
    "normalize_header",
    "parse_bool",
    "parse_category",
    "parse_date",
    "parse_sex",
    "parse_text",
]


@dataclass(frozen=True, slots=True)
class Field:
    """One column the roll understands: its key, its name in Chinese and the headers it takes."""

    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


FIELDS: Final[tuple[Field, ...]] = (
    Field("name", "姓名", ("姓名", "选民姓名", "村民姓名"), required=True),
    Field(
        "id_number",
        "公民身份号码",
        (
            "公民身份号码",
            "公民身份证号码",
            "身份证号码",
            "身份证号",
            "居民身份证号码",
            "居民身份证号",
            "身份号码",
            "证件号码",
        ),
        required=True,
    ),
    Field("sex", "性别", ("性别",)),
    Field("birth_date", "出生日期", ("出生日期", "出生年月日", "出生年月", "生日")),
    Field("ethnicity", "民族", ("民族",)),
    Field(
        "group", "村民小组", ("村民小组", "居民小组", "所属小组", "村民组", "小组", "组别", "组")
    ),
    Field("address", "住址", ("住址", "家庭住址", "户籍地址", "现住址", "居住地址", "地址")),
    Field("household_no", "户号", ("户号", "户编号", "户籍编号")),
    Field("category", "登记类别", ("登记类别", "选民类别", "登记类型", "类别")),
    Field("away", "是否外出", ("是否外出", "外出情况", "外出")),
    Field(
        "away_contact",
        "外出联系方式",
        ("外出联系方式", "外出地点", "联系电话", "联系方式", "手机号码"),
    ),
    Field(
        "opted_in",
        "本人表示参加选举",
        ("本人表示参加选举", "表示参加选举", "本人意愿", "参加选举意愿", "是否参加选举"),
    ),
    Field(
        "residence_since",
        "居住起始日期",
        ("居住起始日期", "本村居住起始日期", "居住开始日期", "来村居住日期", "居住起始时间"),
    ),
    Field(
        "consent_ref",
        "同意文号",
        ("同意文号", "村民会议同意文号", "村民代表会议同意文号", "会议同意文号", "同意决定文号"),
    ),
    Field(
        "deprived",
        "剥夺政治权利",
        ("剥夺政治权利", "是否剥夺政治权利", "被剥夺政治权利", "是否被剥夺政治权利"),
    ),
    Field(
        "suspended",
        "停止行使选举权利",
        ("停止行使选举权利", "是否停止行使选举权利", "停止选举权利"),
    ),
)
FIELD_BY_KEY: Final = {f.key: f for f in FIELDS}
REQUIRED: Final = tuple(f.key for f in FIELDS if f.required)

_STRIP_MARKS: Final = re.compile(r"[\s*＊:：]|[(（\[【][^)）\]】]*[)）\]】]")
_EXACT: Final = {alias: f.key for f in FIELDS for alias in f.aliases}
# Headers with a note after a known name ("身份证号码18位") match by prefix, longest alias
# first, so "外出联系方式" is tried before "是否外出"; two-character aliases ("外出", "小组")
# match only exactly, or "外出务工地点" would be read as the yes/no column.
_PREFIXES: Final = sorted(
    ((alias, f.key) for f in FIELDS for alias in f.aliases if len(alias) >= 3),
    key=lambda item: -len(item[0]),
)


def normalize_header(text: object) -> str:
    """A header cell as compared: NFKC, no spaces, no ``*`` or ``:``, no bracketed notes."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    return _STRIP_MARKS.sub("", s)


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    if index < 0:
        raise ValueError(f"column index must be ≥ 0, got {index}")
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Which column holds which field (0-based indexes), and what could not be used."""

    columns: dict[str, int]
    headers: dict[int, str]
    """The header text of every non-empty header cell, by column."""
    ignored: tuple[int, ...] = ()
    duplicates: tuple[tuple[str, int, int], ...] = field(default=())
    """(field, first column, second column) where two headers mean the same field."""

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(k for k in REQUIRED if k not in self.columns)

    @property
    def score(self) -> int:
        return len(self.columns)


def _field_of(header: str) -> str | None:
    key = _EXACT.get(header)
    if key is not None:
        return key
    for alias, k in _PREFIXES:
        if header.startswith(alias):
            return k
    return None


def match_headers(cells: Sequence[object]) -> HeaderMatch:
    """Match one row of header cells to the fields; the first column of a field wins."""
    columns: dict[str, int] = {}
    headers: dict[int, str] = {}
    ignored: list[int] = []
    duplicates: list[tuple[str, int, int]] = []
    for i, cell in enumerate(cells):
        text = normalize_header(cell)
        if not text:
            continue
        headers[i] = str(cell).strip()
        key = _field_of(text)
        if key is None:
            ignored.append(i)
        elif key in columns:
            duplicates.append((key, columns[key], i))
        else:
            columns[key] = i
    return HeaderMatch(columns, headers, tuple(ignored), tuple(duplicates))


# --------------------------------------------------------------------------- values


def parse_text(value: object) -> str:
    """A text cell, stripped; numbers written as whole numbers lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_TRUE: Final = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "对", "t"})
_FALSE: Final = frozenset({"否", "n", "no", "false", "0", "×", "✗", "无", "不是", "f", "-", "—"})


def parse_bool(value: object) -> bool | None:
    """``是``/``否`` and their usual spellings; blank → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    s = parse_text(value).lower()
    if not s:
        return None
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"应填“是”或“否”，实为“{parse_text(value)}”")


_CATEGORY_CODES: Final = {
    "1": Category.RESIDENT,
    "一": Category.RESIDENT,
    "第一类": Category.RESIDENT,
    "第1类": Category.RESIDENT,
    "2": Category.AWAY_OPTED_IN,
    "二": Category.AWAY_OPTED_IN,
    "第二类": Category.AWAY_OPTED_IN,
    "第2类": Category.AWAY_OPTED_IN,
    "3": Category.NONLOCAL_RESIDENT,
    "三": Category.NONLOCAL_RESIDENT,
    "第三类": Category.NONLOCAL_RESIDENT,
    "第3类": Category.NONLOCAL_RESIDENT,
}
_CATEGORY_VALUES: Final = {c.value: c for c in Category}


def parse_category(value: object) -> Category | None:
    """Registration category: ``1``/``2``/``3``, ``一``…, ``第二类``, or the statutory wording
    (``户籍在本村不居住…`` → 2, ``户籍不在本村…`` → 3, ``户籍在本村并居住`` → 1); blank → None."""
    s = parse_text(value)
    if not s:
        return None
    found = _CATEGORY_CODES.get(s) or _CATEGORY_VALUES.get(s)
    if found is not None:
        return found
    t = normalize_header(s)
    if "户籍不在本村" in t or "非本村户籍" in t or "外来" in t or "寄住" in t:
        return Category.NONLOCAL_RESIDENT
    if "不在本村居住" in t or "不居住" in t or "外出" in t:
        return Category.AWAY_OPTED_IN
    if "户籍在本村" in t or "本村户籍" in t or "常住" in t or "本村居住" in t:
        return Category.RESIDENT
    raise ValueError(
        f"登记类别应为 1（户籍在本村并居住）、2（户籍在本村不居住）或 3（户籍不在本村居住一年以上），实为“{s}”"
    )


_SEX: Final = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F"}


def parse_sex(value: object) -> str | None:
    """``男``/``女`` → ``"M"``/``"F"``; blank → None."""
    s = parse_text(value)
    if not s:
        return None
    found = _SEX.get(s.lower())
    if found is None:
        raise ValueError(f"性别应为“男”或“女”，实为“{s}”")
    return found


_DATE_TEXT: Final = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_fromisoformat: Final = date.fromisoformat


def parse_date(value: object) -> date | None:
    """A date cell (``date``/``datetime``), text (``1990-01-02``, ``1990/1/2``, ``1990.1.2``,
    ``1990年1月2日``, ``19900102``) or an 8-digit number ``19900102``; blank → None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError("应填日期（如 1990-01-02）")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"应填日期（如 1990-01-02），实为数字 {value}")
        digits = str(int(value))
        if len(digits) == 8:
            return _ymd(digits[:4], digits[4:6], digits[6:], digits)
        raise ValueError(f"应填日期（如 1990-01-02），实为数字 {digits}")
    s = str(value).strip()
    if not s:
        return None
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        try:
            return _fromisoformat(s)
        except ValueError:
            pass
    s = unicodedata.normalize("NFKC", s)
    if len(s) == 8 and s.isdigit():
        return _ymd(s[:4], s[4:6], s[6:], s)
    m = _DATE_TEXT.fullmatch(s)
    if m is None:
        raise ValueError(f"日期格式无法识别：“{s}”（应如 1990-01-02）")
    return _ymd(m.group(1), m.group(2), m.group(3), s)


def _ymd(y: str, m: str, d: str, shown: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError(f"“{shown}”不是有效日期") from None
