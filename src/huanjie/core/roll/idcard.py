"""Resident ID numbers (公民身份号码, GB 11643-1999) and age on election day.

Structure of the 18-character number (rules.md §8, GB 11643-1999 [S]):

* positions 1–6: address code of the county of household registration (GB/T 2260);
* positions 7–14: birth date ``YYYYMMDD`` (GB/T 7408);
* positions 15–17: sequence code; position 17 odd → male, even → female;
* position 18: check character, ISO 7064:1983 MOD 11-2.

Only the first two digits of the address code (the province-level division) are
checked: county codes change over time and a person keeps the code issued at
registration (rules.md §8), so a full GB/T 2260 county table would reject real
numbers.

The hot path (:func:`check`) is written for bulk rolls: one ``str.strip``, a few
C-level string predicates, one ``int(…, 13)`` for the check digit (see
:func:`check_char`) and ``date.fromisoformat`` for the birth date. A million numbers
take well under three seconds on one core (``bench/bench_idcard.py``).
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from huanjie.core.citations import Article

__all__ = [
    "CHECK_CHARS",
    "EXCEL_CORRUPTED_MESSAGE",
    "GB_11643",
    "MIN_BIRTH_DATE",
    "PROVINCE_CODES",
    "WEIGHTS",
    "IdCheck",
    "Sex",
    "age_on",
    "check",
    "check_char",
    "check_many",
    "is_of_age",
    "upgrade_15",
]

Sex = Literal["M", "F"]

GB_11643: Final = Article("GB 11643-1999《公民身份号码》", "号码结构与校验码", "S")

# ISO 7064 MOD 11-2 weights W_i = 2^(18−i) mod 11 for i = 1…17 (rules.md §8).
WEIGHTS: Final[tuple[int, ...]] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Y = S mod 11 → check character (rules.md §8): 0→1, 1→0, 2→X, 3→9 … 10→2.
CHECK_CHARS: Final = "10X98765432"

# Province-level codes: the first two digits of the GB/T 2260 address code
# (GB/T 2260《中华人民共和国行政区划代码》, province-level entries [S]):
#   11–15 北京 天津 河北 山西 内蒙古;   21–23 辽宁 吉林 黑龙江;
#   31–37 上海 江苏 浙江 安徽 福建 江西 山东;
#   41–46 河南 湖北 湖南 广东 广西 海南;   50–54 重庆 四川 贵州 云南 西藏;
#   61–65 陕西 甘肃 青海 宁夏 新疆;   71 台湾;   81 香港;   82 澳门.
# 83: not a GB/T 2260 province code. Since 2018-09-01 the residence permits of
# Taiwan residents (《港澳台居民居住证申领发放办法》, 国办发〔2018〕81号) carry a
# 公民身份号码 whose address code is 830000; Hong Kong and Macao residents' permits
# use 810000 and 820000 [S: secondary summaries of the permit numbering rule].
PROVINCE_CODES: Final = frozenset(
    {f"{n:02d}" for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47))}
    | {f"{n:02d}" for n in (*range(50, 55), *range(61, 66), 71, 81, 82, 83)}
)

MIN_BIRTH_DATE: Final = date(1800, 1, 1)

EXCEL_CORRUPTED_MESSAGE: Final = (
    "身份证号可能被 Excel 按数字格式保存而丢失末位，请将该列设为文本格式后重新导出"
)

_CHECK_SET: Final = frozenset("0123456789X")
_EVEN_DIGITS: Final = frozenset("02468")
# A number that went through a spreadsheet's float: "1.10105E+17", "1.10105199001012E+17",
# "110105199001011000.0".
_EXCEL_FLOAT: Final = re.compile(r"\d(?:\.\d*)?E\+?\d{1,3}|\d{15,18}\.0*")

_fromisoformat: Final = date.fromisoformat


@dataclass(frozen=True, slots=True)
class IdCheck:
    """The outcome of checking one ID number.

    ``reason`` is a stable machine code: ``""`` (valid), ``"empty"``, ``"length"``,
    ``"characters"``, ``"province"``, ``"date"``, ``"future_date"``, ``"check_digit"``
    or ``"excel_corrupted"``. ``message_zh`` is the matching message for clerks
    (empty when valid). ``normalized`` is stripped, upper-case, and a 15-digit
    number is upgraded to 18 digits; ``birth_date`` and ``sex`` are filled whenever
    they can be read, even if the number fails a later test (``sex`` is left empty
    for ``excel_corrupted``: position 17 may be one of the lost digits).
    """

    raw: str
    normalized: str
    valid: bool
    birth_date: date | None
    sex: Sex | None
    reason: str
    message_zh: str

    @property
    def upgraded_from_15(self) -> bool:
        """True when the input was an old 15-digit number (GB 11643-1989)."""
        return len(self.normalized) == 18 and len(_clean(self.raw)) == 15


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for 17 ASCII digits.

    S = Σ aᵢ·Wᵢ with Wᵢ = 2^(18−i) mod 11, so S ≡ 2·Σ aᵢ·2^(17−i) (mod 11).
    Because 13 ≡ 2 (mod 11), reading the digits as a base-13 numeral gives
    ``int(first17, 13) ≡ Σ aᵢ·2^(17−i) (mod 11)``; hence
    ``Y = 2·int(first17, 13) mod 11``, computed in C. (Equivalent to the weighted
    sum of rules.md §8; the tests compare both.)
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"need 17 ASCII digits, got {first17!r}")
    return CHECK_CHARS[(int(first17, 13) << 1) % 11]


def upgrade_15(number15: str) -> str:
    """Convert a 15-digit number (GB 11643-1989, YYMMDD implicitly 19YY) to 18 digits.

    Insert ``19`` before the two-digit year and append the computed check character
    (rules.md §8 [S]).
    """
    if len(number15) != 15 or not (number15.isascii() and number15.isdigit()):
        raise ValueError(f"need 15 ASCII digits, got {number15!r}")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def _parse_birth(ymd: str) -> date | None:
    """Parse ``YYYYMMDD`` (8 ASCII digits) into a real date ≥ MIN_BIRTH_DATE, else None.

    ``date.fromisoformat`` accepts the ISO 8601 basic form ``YYYYMMDD`` since Python
    3.11, validates the calendar date in C and is several times faster than slicing
    three integers (or than a dictionary cache of parsed dates).
    """
    try:
        parsed = _fromisoformat(ymd)
    except ValueError:
        return None
    return parsed if parsed >= MIN_BIRTH_DATE else None


# Fast construction of valid results. A frozen dataclass's generated ``__init__``
# goes through ``object.__setattr__`` once per field; writing through the slot
# descriptors directly does the same thing at about half the cost, which matters at
# a million rows. Used only for fully validated values.
_new = object.__new__


def _slot_setter(name: str) -> Callable[[IdCheck, object], None]:
    setter: Callable[[IdCheck, object], None] = IdCheck.__dict__[name].__set__
    return setter


_set_raw = _slot_setter("raw")
_set_normalized = _slot_setter("normalized")
_set_valid = _slot_setter("valid")
_set_birth = _slot_setter("birth_date")
_set_sex = _slot_setter("sex")
_set_reason = _slot_setter("reason")
_set_message = _slot_setter("message_zh")


def _valid_result(raw: str, normalized: str, birth: date, sex: Sex) -> IdCheck:
    result: IdCheck = _new(IdCheck)
    _set_raw(result, raw)
    _set_normalized(result, normalized)
    _set_valid(result, True)
    _set_birth(result, birth)
    _set_sex(result, sex)
    _set_reason(result, "")
    _set_message(result, "")
    return result


def check(raw: str, *, today: date | None = None) -> IdCheck:
    """Check one ID number.

    Accepts 18-character numbers (lower-case ``x`` allowed) and 15-digit numbers,
    with surrounding whitespace; full-width digits are folded (NFKC). ``today``, if
    given, rejects birth dates after it (``future_date``). A number that fails the
    plain check and looks like a spreadsheet float (scientific notation, or 18 digits
    ending in ``00`` with a wrong check digit) is reported as ``excel_corrupted``.
    """
    s = raw.strip()
    # Fast path: a valid 18-character ASCII number. Anything else, or any doubt,
    # falls through to _check_slow, which finds and explains the reason.
    if len(s) == 18 and s.isascii():
        head = s[:17]
        if head.isdigit() and s[:2] in PROVINCE_CODES:
            try:
                birth = _fromisoformat(s[6:14])  # 8 ASCII digits here: YYYYMMDD only
            except ValueError:
                birth = date.min  # not a calendar date: _check_slow explains
            if birth >= MIN_BIRTH_DATE and (today is None or birth <= today):
                last = s[17]
                expected = CHECK_CHARS[(int(head, 13) << 1) % 11]
                if expected == last:
                    return _valid_result(raw, s, birth, "F" if s[16] in _EVEN_DIGITS else "M")
                if last == "x" and expected == "X":
                    s = head + "X"
                    return _valid_result(raw, s, birth, "F" if s[16] in _EVEN_DIGITS else "M")
    return _check_slow(raw, today)


def check_many(raws: Iterable[str], *, today: date | None = None) -> list[IdCheck]:
    """Check many numbers (a whole roll) and return the results in input order.

    Same results as ``[check(r, today=today) for r in raws]``. While the list is
    built, Python's cyclic garbage collector is paused: every result is a tracked
    object, and with a million of them the collector's repeated passes over the
    growing list cost about a third of the run. The results reference only strings,
    dates and ``None``, so no reference cycle can form; the previous collector state
    is restored afterwards, also on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [check(raw, today=today) for raw in raws]
    finally:
        if was_enabled:
            gc.enable()


def _fail(
    raw: str,
    normalized: str,
    reason: str,
    message: str,
    *,
    birth: date | None = None,
    sex: Sex | None = None,
) -> IdCheck:
    return IdCheck(raw, normalized, False, birth, sex, reason, message)


def _clean(raw: str) -> str:
    s = raw.strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    return s.upper()


def _check_slow(raw: str, today: date | None) -> IdCheck:
    """Every path that is not a plainly valid 18-character number, with its reason."""
    s = _clean(raw)
    if not s:
        return _fail(raw, s, "empty", "身份证号为空")
    if len(s) == 15 and s.isascii() and s.isdigit():
        s = upgrade_15(s)
    if _EXCEL_FLOAT.fullmatch(s):
        return _fail(raw, s, "excel_corrupted", EXCEL_CORRUPTED_MESSAGE)
    if len(s) != 18:
        return _fail(raw, s, "length", f"身份证号应为 18 位（或 15 位旧号），实为 {len(s)} 位")
    for pos, ch in enumerate(s, start=1):
        ok = ch in _CHECK_SET if pos == 18 else ("0" <= ch <= "9")
        if not ok:
            return _fail(
                raw,
                s,
                "characters",
                f"第 {pos} 位为“{ch}”：前 17 位应为数字，第 18 位应为数字或 X",
            )
    sex: Sex = "F" if s[16] in _EVEN_DIGITS else "M"
    if s[:2] not in PROVINCE_CODES:
        return _fail(
            raw,
            s,
            "province",
            f"前两位“{s[:2]}”不是有效的省级行政区划代码（GB/T 2260）",
            sex=sex,
        )
    ymd = s[6:14]
    birth = _parse_birth(ymd)
    if birth is None:
        return _fail(
            raw,
            s,
            "date",
            f"出生日期“{ymd}”不是 {MIN_BIRTH_DATE.isoformat()} 以后的有效日期",
            sex=sex,
        )
    if today is not None and birth > today:
        return _fail(
            raw,
            s,
            "future_date",
            f"出生日期 {birth.isoformat()} 晚于 {today.isoformat()}",
            birth=birth,
            sex=sex,
        )
    expected = check_char(s[:17])
    if expected != s[17]:
        if s.endswith("00"):
            # Digits 16–18 were lost, so position 17 (sex) cannot be trusted.
            return _fail(raw, s, "excel_corrupted", EXCEL_CORRUPTED_MESSAGE, birth=birth)
        return _fail(
            raw,
            s,
            "check_digit",
            f"校验码错误：应为 {expected}，实为 {s[17]}",
            birth=birth,
            sex=sex,
        )
    return IdCheck(raw, s, True, birth, sex, "", "")


def age_on(birth: date, day: date) -> int:
    """Age in completed years (周岁) on ``day``.

    The birthday itself counts: someone born 2007-12-20 is 18 on 2025-12-20
    (rules.md §10 example 19; election practice computes age "到选举日为止", e.g.
    浙江 第12条, 北京 第12条 [V], and a Nanjing 2021 notice says "按照选举日…（含本日）
    计算" [S]). Note that criminal-law age is read differently — 法释〔2006〕1号
    第二条 counts "从周岁生日的第二天起算" [S] — and that reading is *not* used here.

    Born on 29 February: in a common year the person is a year older from 1 March.
    No statute or judicial interpretation settling this for age was found [U]; a
    strict analogy with 民法典 第二百零二条 (no corresponding day → month end) could
    argue for 28 February. 1 March is chosen: the person has not completed the year
    before the day after 28 February.
    """
    if day < birth:
        raise ValueError(f"day {day} is before birth date {birth}")
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def is_of_age(birth: date, day: date, years: int = 18) -> bool:
    """Whether someone born on ``birth`` has reached ``years`` (周岁) on ``day``.

    "年满十八周岁" (村民委员会组织法 第十三条第一款) is inclusive of the birthday.
    A birth date after ``day`` is simply not of age.
    """
    if day < birth:
        return False
    return age_on(birth, day) >= years
