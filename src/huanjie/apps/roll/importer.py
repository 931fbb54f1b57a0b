"""Reading household registers (xlsx, xls, ods, csv) into checked rows, or every error found.

No database access here: :func:`parse_files` reads each file sheet by sheet (python-calamine
streams the rows of a spreadsheet; the ``csv`` module reads UTF-8, UTF-8 with BOM or
GB18030), finds the header row, validates every row with the pure readers of
:mod:`huanjie.core.roll.columns` and :func:`huanjie.core.roll.idcard.check`, decides each
person's registration with :func:`huanjie.core.roll.eligibility.decide`, and returns the
rows — or, if anything is wrong anywhere, all the errors with file, sheet, row (as the
spreadsheet shows it) and column (letter and header). The service writes nothing unless
the error list is empty.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from huanjie.core.roll import columns as cols
from huanjie.core.roll.dedup import name_key
from huanjie.core.roll.eligibility import Category, Decider, Decision
from huanjie.core.roll.idcard import EXCEL_CORRUPTED_MESSAGE, check

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
HEADER_SCAN_ROWS = 10
PROGRESS_EVERY = 5000

_MAX_LEN = {
    "name": 50,
    "ethnicity": 20,
    "group": 100,
    "address": 200,
    "household_no": 40,
    "away_contact": 100,
    "consent_ref": 100,
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong, where a clerk can find it."""

    file: str
    sheet: str
    row: int | None
    column: str
    header: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }

    @property
    def where(self) -> str:
        parts = [f"文件“{self.file}”"]
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(
                f"{self.column} 列（{self.header}）" if self.header else f"{self.column} 列"
            )
        elif self.header:
            parts.append(f"“{self.header}”列")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


class Row(NamedTuple):
    """One checked person, ready to store (a named tuple: 200,000 of them are made)."""

    sheet: int  # index into ParseResult.sheets
    line: int  # 0-based position among the rows the reader yielded for that sheet
    name: str
    name_key: str
    sex: str
    birth_date: date
    id_number: str
    ethnicity: str
    group: str
    address: str
    household_no: str
    category: str
    away: bool
    away_contact: str
    opted_in: bool | None
    residence_since: date | None
    consent_ref: str
    deprived: bool
    suspended: bool
    decision: Decision


@dataclass(slots=True)
class SheetInfo:
    file: str
    sheet: str
    rows: int = 0
    skipped: str = ""
    row_base: int = 1  # spreadsheet row number of the reader's row 0
    col_base: int = 0

    def excel_row(self, index: int) -> int:
        return self.row_base + index

    def label(self, index: int) -> str:
        where = f"{self.file}/{self.sheet}" if self.sheet else self.file
        return f"{where}/第{self.excel_row(index)}行"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "rows": self.rows, "skipped": self.skipped}


@dataclass(slots=True)
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets: list[SheetInfo] = field(default_factory=list)
    # ID numbers already on the roll (number → who, for the message) and seen in this batch
    # (number → (sheet, line, name)): a number twice is an error naming both places.
    existing: dict[str, str] = field(default_factory=dict)
    seen: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    failed: bool = False  # an issue was found (set as soon as one is)
    fed: int = 0  # rows handed to ``on_rows`` so far
    on_rows: Callable[[list[Row], list[SheetInfo]], None] | None = None
    chunk: int = 5000

    @property
    def ok(self) -> bool:
        return not self.issues and not self.failed

    def feed(self, final: bool = False) -> None:
        """Hand the rows checked since the last call to ``on_rows`` (while nothing is wrong)."""
        if self.on_rows is None or self.failed:
            return
        if final or len(self.rows) - self.fed >= self.chunk:
            chunk = self.rows[self.fed :]
            self.fed = len(self.rows)
            if chunk:
                self.on_rows(chunk, self.sheets)


@dataclass(slots=True)
class _Source:
    info: SheetInfo
    rows: Iterable[list[Any]]
    start_row: int  # first row of the used area (0-based), or 0
    end_row: int | None  # last row of the used area (0-based), if known
    height: int


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV")


def _csv_sources(path: Path, label: str) -> list[_Source]:
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError("CSV 文件为 UTF-16 编码：请另存为 UTF-8 或 GB18030（GBK）编码")
    text = _decode_csv(data)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    lines = text.count("\n") + 1
    reader = csv.reader(io.StringIO(text), dialect)
    return [_Source(SheetInfo(label, ""), reader, 0, None, lines)]


def _spreadsheet_sources(path: Path, label: str) -> Iterator[_Source]:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as err:
        raise ValueError(
            f"无法读取该文件（{err.__class__.__name__}）：文件损坏、加密或不是表格文件"
        ) from err
    except Exception as err:  # python-calamine raises several types for unreadable files
        raise ValueError(f"无法读取该文件：{err}") from err
    visible = [
        m.name
        for m in book.sheets_metadata
        if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
    ]
    for name in visible:
        sheet = book.get_sheet_by_name(name)
        start = sheet.start
        end = sheet.end
        info = SheetInfo(label, name, col_base=start[1] if start else 0)
        if start is None or end is None:
            info.skipped = "空工作表"
            yield _Source(info, [], 0, None, 0)
            continue
        if start != (0, 0):
            # The used area does not start at A1. python-calamine (0.9) iterates from the top
            # row of the sheet but from the used area's first column; check both on the first
            # row rather than rely on it: the used area's first row is never blank, and a row
            # from column A is wider than the used area.
            probe = next(iter(sheet.iter_rows()), None)
            if probe is not None:
                cells = list(probe)
                info.row_base = 1 if start[0] > 0 and _is_blank(cells) else start[0] + 1
                info.col_base = 0 if len(cells) == end[1] + 1 and start[1] > 0 else start[1]
        yield _Source(info, sheet.iter_rows(), start[0], end[0], sheet.height)


def sources(path: Path, label: str) -> Iterator[_Source]:
    """The sheets of one file (a CSV file has one, unnamed)."""
    suffix = path.suffix.lower() or Path(label).suffix.lower()
    if suffix in CSV_SUFFIXES:
        yield from _csv_sources(path, label)
    elif suffix in SPREADSHEET_SUFFIXES:
        yield from _spreadsheet_sources(path, label)
    else:
        raise ValueError("不支持的文件类型：请上传 xlsx、xls、ods 或 csv 文件")


@dataclass(slots=True)
class _Columns:
    """Column indexes (into the reader's row lists) of the fields present, or -1."""

    index: dict[str, int]
    headers: dict[int, str]
    col_base: int

    def at(self, key: str) -> int:
        return self.index.get(key, -1)

    def letter(self, key: str) -> str:
        i = self.index.get(key, -1)
        return cols.column_letter(self.col_base + i) if i >= 0 else ""

    def header(self, key: str) -> str:
        i = self.index.get(key, -1)
        return self.headers.get(i, "") if i >= 0 else cols.FIELD_BY_KEY[key].label


def _find_header(head: list[list[Any]]) -> tuple[int, cols.HeaderMatch] | None:
    best: tuple[int, cols.HeaderMatch] | None = None
    for i, cells in enumerate(head):
        match = cols.match_headers(cells)
        if not ({"name", "id_number"} & set(match.columns)):
            continue
        if best is None or match.score > best[1].score:
            best = (i, match)
    return best


def _is_blank(row: list[Any]) -> bool:
    for cell in row:
        if cell is not None and cell != "" and not (isinstance(cell, str) and not cell.strip()):
            return False
    return True


class _SheetParser:
    """Validates the data rows of one sheet; fills ``result`` with rows or issues."""

    def __init__(
        self,
        result: ParseResult,
        sheet_no: int,
        info: SheetInfo,
        columns: _Columns,
        election_day: date,
        today: date,
    ) -> None:
        self.result = result
        self.sheet_no = sheet_no
        self.info = info
        self.c = columns
        self.election_day = election_day
        self.today = today
        # Issues carry the reader's row index until the sheet's row numbering is known.
        self.raw_issues: list[tuple[int | None, str, str]] = []

    def issue(self, index: int | None, key: str, message: str) -> None:
        self.raw_issues.append((index, key, message))
        self.result.failed = True

    def finish(self) -> None:
        info, c = self.info, self.c
        for index, key, message in self.raw_issues:
            self.result.issues.append(
                Issue(
                    file=info.file,
                    sheet=info.sheet,
                    row=info.excel_row(index) if index is not None else None,
                    column=c.letter(key) if key else "",
                    header=c.header(key) if key else "",
                    message=message,
                )
            )

    def parse(
        self, rows: Iterator[list[Any]], first_index: int, progress: Callable[[int], None]
    ) -> tuple[int, int]:
        """Check every row; returns (people read, index of the last row the reader yielded).

        The loop is written for 200,000-row registers: the column positions and every
        function are bound to locals, the common cell types are tested first, and each
        optional column costs nothing when the sheet does not have it.
        """
        c = self.c
        at = c.at
        i_name, i_id, i_sex, i_birth = at("name"), at("id_number"), at("sex"), at("birth_date")
        i_eth, i_group, i_addr, i_hh = (
            at("ethnicity"),
            at("group"),
            at("address"),
            at("household_no"),
        )
        i_cat, i_away, i_contact = at("category"), at("away"), at("away_contact")
        i_opt, i_since, i_consent = at("opted_in"), at("residence_since"), at("consent_ref")
        i_dep, i_susp = at("deprived"), at("suspended")
        # Only the columns the sheet has: (slot in the values list, column, limit, key).
        texts = [
            (n, i, _MAX_LEN[key], key)
            for n, (key, i) in enumerate(
                (
                    ("ethnicity", i_eth),
                    ("group", i_group),
                    ("address", i_addr),
                    ("household_no", i_hh),
                    ("away_contact", i_contact),
                    ("consent_ref", i_consent),
                )
            )
            if i >= 0
        ]
        flags = [
            (n, i, cols.FIELD_BY_KEY[key].label, key)
            for n, (key, i) in enumerate(
                (
                    ("away", i_away),
                    ("opted_in", i_opt),
                    ("deprived", i_dep),
                    ("suspended", i_susp),
                )
            )
            if i >= 0
        ]
        width_needed = max(c.index.values()) + 1
        pad = [""] * width_needed
        text = cols.parse_text
        to_date = cols.parse_date
        to_bool = cols.parse_bool
        to_cat = cols.parse_category
        to_sex = cols.parse_sex
        check_id = check
        today = self.today
        election_day = self.election_day
        issue = self.issue
        append = self.result.rows.append
        seen = self.result.seen
        existing = self.result.existing
        sheets = self.result.sheets
        feed = self.result.feed
        sheet_no = self.sheet_no
        resident = Category.RESIDENT
        away_cat = Category.AWAY_OPTED_IN
        nonlocal_cat = Category.NONLOCAL_RESIDENT
        category_cache: dict[Any, Category | None] = {}
        sex_cache: dict[str, Any] = {}
        bool_cache: dict[str, Any] = {}
        miss: Any = object()
        decider = Decider(election_day)
        row_new = Row
        keys = name_key
        name_max = _MAX_LEN["name"]
        is_str = str
        date_type = date
        count = 0
        index = first_index - 1
        for cells in rows:
            index += 1
            row = cells if len(cells) >= width_needed else [*cells, *pad[len(cells) :]]
            raw_name = row[i_name] if i_name >= 0 else ""
            raw_id = row[i_id] if i_id >= 0 else ""
            if (
                (raw_name == "" or raw_name is None)
                and (raw_id == "" or raw_id is None)
                and _is_blank(row)
            ):
                continue
            count += 1
            if count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            bad = False
            name = raw_name.strip() if raw_name.__class__ is is_str else text(raw_name)
            if not name:
                issue(index, "name", "姓名为空")
                bad = True
            elif len(name) > name_max:
                issue(index, "name", f"姓名超过 {name_max} 个字")
                bad = True
            # ID number: a number cell has lost digits (Excel keeps 15 significant digits).
            if raw_id.__class__ is is_str:
                idc = check_id(raw_id, today=today)
            elif isinstance(raw_id, float | int) and not isinstance(raw_id, bool):
                digits = str(int(raw_id)) if float(raw_id).is_integer() else str(raw_id)
                if len(digits) >= 16 or "e" in digits.lower():
                    issue(
                        index, "id_number", f"{EXCEL_CORRUPTED_MESSAGE}（单元格为数字：{digits}）"
                    )
                    bad = True
                    idc = None
                else:
                    idc = check_id(digits, today=today)
            else:
                idc = check_id(text(raw_id), today=today)
            birth: date | None = None
            sex: str | None = None
            if idc is not None:
                if idc.valid:
                    birth, sex = idc.birth_date, idc.sex
                else:
                    issue(index, "id_number", idc.message_zh)
                    bad = True
            if i_birth >= 0:
                raw = row[i_birth]
                if raw.__class__ is date_type:
                    given: date | None = raw
                elif raw == "" or raw is None:
                    given = None
                else:
                    try:
                        given = to_date(raw)
                    except ValueError as err:
                        issue(index, "birth_date", str(err))
                        bad = True
                        given = None
                if given is not None and given != birth:
                    if birth is not None:
                        issue(
                            index,
                            "birth_date",
                            f"出生日期 {given.isoformat()} 与公民身份号码中的出生日期 {birth.isoformat()} 不一致",
                        )
                        bad = True
                    elif given > today:
                        issue(index, "birth_date", f"出生日期 {given.isoformat()} 晚于今天")
                        bad = True
            if i_sex >= 0:
                raw = row[i_sex]
                if raw != "" and raw is not None:
                    given_sex = sex_cache.get(raw, miss) if raw.__class__ is is_str else miss
                    if given_sex is miss:
                        try:
                            given_sex = to_sex(raw)
                        except ValueError as err:
                            issue(index, "sex", str(err))
                            bad = True
                            given_sex = sex
                        else:
                            if raw.__class__ is is_str:
                                sex_cache[raw] = given_sex
                    if sex is not None and given_sex != sex:
                        shown = "男" if sex == "M" else "女"
                        issue(
                            index,
                            "sex",
                            f"性别“{text(raw)}”与公民身份号码（第 17 位表示{shown}）不一致",
                        )
                        bad = True
            category: Category | None = None
            if i_cat >= 0:
                raw = row[i_cat]
                try:
                    category = category_cache[raw]
                except KeyError:
                    try:
                        category = to_cat(raw)
                    except ValueError as err:
                        issue(index, "category", str(err))
                        bad = True
                    else:
                        category_cache[raw] = category
                except TypeError:  # an unhashable cell value
                    issue(index, "category", "登记类别无法识别")
                    bad = True
            if category is None:
                category = resident
            fv: list[bool | None] = [None, None, None, None]
            for n, i, label, key in flags:
                raw = row[i]
                if raw == "" or raw is None:
                    continue
                value = bool_cache.get(raw, miss) if raw.__class__ is is_str else miss
                if value is miss:
                    try:
                        value = to_bool(raw)
                    except ValueError as err:
                        issue(index, key, f"{label}{err}")
                        bad = True
                        continue
                    if raw.__class__ is is_str:
                        bool_cache[raw] = value
                fv[n] = value
            away, opted_in, deprived, suspended = fv
            if category is away_cat and opted_in is None:
                issue(
                    index,
                    "opted_in",
                    "登记类别为 2（户籍在本村、不在本村居住）的，须填写“本人表示参加选举”（是/否）",
                )
                bad = True
            since: date | None = None
            since_bad = False
            if i_since >= 0:
                raw = row[i_since]
                if raw.__class__ is date_type:
                    since = raw
                elif raw != "" and raw is not None:
                    try:
                        since = to_date(raw)
                    except ValueError as err:
                        issue(index, "residence_since", str(err))
                        bad = since_bad = True
            if category is nonlocal_cat and since is None and not since_bad:
                issue(
                    index,
                    "residence_since",
                    "登记类别为 3（户籍不在本村）的，须填写在本村居住的起始日期",
                )
                bad = True
            if since is not None and birth is not None and since < birth:
                issue(index, "residence_since", f"居住起始日期 {since.isoformat()} 早于出生日期")
                bad = True
            values = ["", "", "", "", "", ""]
            for n, i, limit, key in texts:
                raw = row[i]
                value = raw.strip() if raw.__class__ is is_str else text(raw)
                if len(value) > limit:
                    issue(index, key, f"超过 {limit} 个字")
                    bad = True
                values[n] = value
            if idc is not None and idc.valid:
                number = idc.normalized
                other = seen.get(number)
                if other is not None:
                    where = sheets[other[0]].label(other[1])
                    issue(
                        index,
                        "id_number",
                        f"公民身份号码 {number} 与 {where}（{other[2]}）重复",
                    )
                    bad = True
                else:
                    seen[number] = (sheet_no, index, name)
                    if number in existing:
                        issue(
                            index,
                            "id_number",
                            f"公民身份号码 {number} 已在本村选民登记中（{existing[number]}）",
                        )
                        bad = True
            if bad or birth is None or sex is None or idc is None:
                continue
            consent = values[5]
            decision = decider(
                birth, category, opted_in, since, consent, deprived is True, suspended is True
            )
            append(
                row_new(
                    sheet_no,
                    index,
                    name,
                    keys(name),
                    sex,
                    birth,
                    idc.normalized,
                    values[0],
                    values[1],
                    values[2],
                    values[3],
                    category.value,
                    away is True or category is away_cat,
                    values[4],
                    opted_in,
                    since,
                    consent,
                    deprived is True,
                    suspended is True,
                    decision,
                )
            )
            if count % 1000 == 0:
                feed()
        progress(count % PROGRESS_EVERY)
        return count, index


def _parse_source(
    result: ParseResult,
    src: _Source,
    election_day: date,
    today: date,
    progress: Callable[[int], None],
) -> None:
    info = src.info
    sheet_no = len(result.sheets)
    result.sheets.append(info)
    if info.skipped:
        return
    rows = iter(src.rows)
    head: list[list[Any]] = []
    filled = 0
    for row in rows:
        head.append(list(row))
        filled += not _is_blank(head[-1])
        if filled >= HEADER_SCAN_ROWS or len(head) >= 200:
            break
    found = _find_header(head)
    if found is None:
        if all(_is_blank(r) for r in head):
            info.skipped = "空工作表"
        else:
            info.skipped = "未找到表头（应含“姓名”“公民身份号码”等列），已跳过"
        return
    header_at, match = found
    columns = _Columns(dict(match.columns), match.headers, info.col_base)
    parser = _SheetParser(result, sheet_no, info, columns, election_day, today)
    for key in match.missing:
        parser.issue(None, "", f"缺少必需的列“{cols.FIELD_BY_KEY[key].label}”")
    for _key, first, second in match.duplicates:
        parser.issue(
            header_at,
            "",
            f"“{match.headers[first]}”（{cols.column_letter(info.col_base + first)} 列）与"
            f"“{match.headers[second]}”（{cols.column_letter(info.col_base + second)} 列）表示同一项，请只保留一列",
        )
    if not match.missing:
        tail = head[header_at + 1 :]
        data: Iterator[list[Any]] = itertools.chain(tail, rows)
        info.rows, _last = parser.parse(data, header_at + 1, progress)
    parser.finish()


def parse_files(
    files: Iterable[tuple[Path, str]],
    *,
    election_day: date,
    today: date,
    progress: Callable[[int], None] | None = None,
    on_sheet: Callable[[SheetInfo, int], None] | None = None,
    existing: dict[str, str] | None = None,
    on_rows: Callable[[list[Row], list[SheetInfo]], None] | None = None,
) -> ParseResult:
    """Read and check every sheet of every file; ``files`` are (path on disk, name shown).

    ``progress(n)`` is called with the number of rows read since the previous call;
    ``on_sheet(info, height)`` when a sheet starts (its height is the number of rows the
    reader reports, for a progress bar). ``existing`` maps the ID numbers already on the
    roll to a description (an error names it). ``on_rows(rows)`` receives the checked rows
    in chunks as long as no error has been found (the caller may start storing them; it
    must discard them if the result is not ``ok``).
    """
    files = list(files)
    result = ParseResult(existing=dict(existing or {}), on_rows=on_rows)
    report = progress or (lambda n: None)
    was_enabled = gc.isenabled()
    gc.disable()  # the rows hold no reference cycles; see idcard.check_many
    try:
        for path, label in files:
            try:
                for src in sources(path, label):
                    if on_sheet is not None:
                        on_sheet(src.info, src.height)
                    _parse_source(result, src, election_day, today, report)
            except ValueError as err:
                result.failed = True
                result.issues.append(Issue(label, "", None, "", "", str(err)))
    finally:
        if was_enabled:
            gc.enable()
    result.feed(final=True)
    if not result.rows and not result.issues:
        result.failed = True
        names = "、".join(label for _, label in files) if files else ""
        result.issues.append(
            Issue(names, "", None, "", "", "没有找到任何人员数据（文件为空，或各工作表都没有表头）")
        )
    return result


def check_person(
    values: dict[str, Any], *, election_day: date, today: date
) -> tuple[Row | None, dict[str, str]]:
    """One person entered by hand, checked exactly as an imported row is.

    ``values`` maps field keys of :data:`huanjie.core.roll.columns.FIELDS` to what was
    entered. Returns the checked row, or None and the errors by field key.
    """
    keys = [f.key for f in cols.FIELDS]
    row = [values.get(k, "") for k in keys]
    columns = _Columns(
        {k: i for i, k in enumerate(keys)},
        {i: cols.FIELD_BY_KEY[k].label for i, k in enumerate(keys)},
        0,
    )
    result = ParseResult()
    info = SheetInfo("手工添加", "")
    result.sheets.append(info)
    parser = _SheetParser(result, 0, info, columns, election_day, today)
    parser.parse(iter([row]), 0, lambda n: None)
    errors: dict[str, str] = {}
    for _, key, message in parser.raw_issues:
        errors.setdefault(key, message)
    if not result.rows and not errors:
        errors["name"] = "请填写姓名和公民身份号码"
    return (result.rows[0] if result.rows and not errors else None), errors
