"""Resident ID numbers (GB 11643-1999): rules.md §8 and §10 example 19."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.core.roll.idcard import (
    CHECK_CHARS,
    EXCEL_CORRUPTED_MESSAGE,
    PROVINCE_CODES,
    WEIGHTS,
    IdCheck,
    age_on,
    check,
    check_char,
    check_many,
    is_of_age,
    upgrade_15,
)


def weighted_check_char(first17: str) -> str:
    """The check character exactly as rules.md §8 states it: S = Σ aᵢWᵢ, Y = S mod 11."""
    s = sum(int(a) * w for a, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[s % 11]


# --- rules.md §8 worked examples -------------------------------------------------


def test_weights_are_powers_of_two_mod_11() -> None:
    assert tuple(pow(2, 18 - i, 11) for i in range(1, 18)) == WEIGHTS


@pytest.mark.parametrize(
    ("number", "s", "y", "birth", "sex"),
    [
        ("11010519491231002X", 167, 2, date(1949, 12, 31), "F"),
        ("440524188001010014", 195, 8, date(1880, 1, 1), "M"),
    ],
)
def test_rules_section_8_examples(number: str, s: int, y: int, birth: date, sex: str) -> None:
    assert sum(int(a) * w for a, w in zip(number[:17], WEIGHTS, strict=True)) == s
    assert s % 11 == y
    assert check_char(number[:17]) == number[17]
    result = check(number)
    assert result.valid
    assert result.reason == ""
    assert result.message_zh == ""
    assert result.birth_date == birth
    assert result.sex == sex
    assert result.normalized == number


def test_lower_case_x_is_accepted_and_normalised() -> None:
    result = check("  11010519491231002x\t")
    assert result.valid
    assert result.normalized == "11010519491231002X"
    assert result.raw == "  11010519491231002x\t"


def test_full_width_digits_are_folded() -> None:
    result = check("１１０１０５１９４９１２３１００２ｘ")
    assert result.valid
    assert result.normalized == "11010519491231002X"
    # NFKC also folds the Roman numeral Ten (U+2169), which input methods offer for "X".
    assert check("11010519491231002Ⅹ").normalized == "11010519491231002X"


def test_result_is_frozen() -> None:
    result = check("11010519491231002X")
    assert isinstance(result, IdCheck)
    with pytest.raises(AttributeError):
        result.valid = False  # type: ignore[misc]
    # The fast constructor yields the same value as the dataclass constructor.
    assert result == IdCheck(
        "11010519491231002X", "11010519491231002X", True, date(1949, 12, 31), "F", "", ""
    )


# --- rules.md §10 example 19 --------------------------------------------------------


def test_example_19_age_on_election_day() -> None:
    election_day = date(2025, 12, 20)
    first = check("110105200712200019", today=election_day)
    second = check("110105200712210022", today=election_day)
    assert first.valid
    assert second.valid
    assert (first.birth_date, first.sex) == (date(2007, 12, 20), "M")
    assert (second.birth_date, second.sex) == (date(2007, 12, 21), "F")
    # S = 113, Y = 3 → "9"; S = 120, Y = 10 → "2".
    assert sum(int(a) * w for a, w in zip("11010520071220001", WEIGHTS, strict=True)) == 113
    assert sum(int(a) * w for a, w in zip("11010520071221002", WEIGHTS, strict=True)) == 120
    assert first.birth_date is not None
    assert second.birth_date is not None
    assert age_on(first.birth_date, election_day) == 18
    assert is_of_age(first.birth_date, election_day)
    assert age_on(second.birth_date, election_day) == 17
    assert not is_of_age(second.birth_date, election_day)


# --- bad inputs of every kind -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason", "message"),
    [
        ("", "empty", "身份证号为空"),
        ("   ", "empty", "身份证号为空"),
        ("1101051949123100", "length", "身份证号应为 18 位（或 15 位旧号），实为 16 位"),
        ("11010519491231002X1", "length", "身份证号应为 18 位（或 15 位旧号），实为 19 位"),
        (
            "1101051949123100XX",
            "characters",
            "第 17 位为“X”：前 17 位应为数字，第 18 位应为数字或 X",
        ),
        (
            "11010519491231002Y",
            "characters",
            "第 18 位为“Y”：前 17 位应为数字，第 18 位应为数字或 X",
        ),
        (
            "11O10519491231002X",
            "characters",
            "第 3 位为“O”：前 17 位应为数字，第 18 位应为数字或 X",
        ),
        (
            "11010519491231 02X",
            "characters",
            "第 15 位为“ ”：前 17 位应为数字，第 18 位应为数字或 X",
        ),
        (
            "11_10519491231002X",
            "characters",
            "第 3 位为“_”：前 17 位应为数字，第 18 位应为数字或 X",
        ),
        (
            "11010519491231002×",
            "characters",
            "第 18 位为“×”：前 17 位应为数字，第 18 位应为数字或 X",
        ),
        (
            "99" + "010519491231002" + weighted_check_char("99010519491231002"),
            "province",
            "前两位“99”不是有效的省级行政区划代码（GB/T 2260）",
        ),
        (
            "110105194902300025"[:17] + weighted_check_char("11010519490230002"),
            "date",
            "出生日期“19490230”不是 1800-01-01 以后的有效日期",
        ),
        (
            "11010517991231002" + weighted_check_char("11010517991231002"),
            "date",
            "出生日期“17991231”不是 1800-01-01 以后的有效日期",
        ),
        ("110105194912310024", "check_digit", "校验码错误：应为 X，实为 4"),
        ("440524188001010015", "check_digit", "校验码错误：应为 4，实为 5"),
    ],
)
def test_bad_inputs(raw: str, reason: str, message: str) -> None:
    result = check(raw)
    assert not result.valid
    assert result.reason == reason
    assert result.message_zh == message


def test_bad_province_and_date_still_report_what_can_be_read() -> None:
    bad_check = check("110105194912310024")
    assert bad_check.birth_date == date(1949, 12, 31)
    assert bad_check.sex == "F"


def test_future_birth_date() -> None:
    first17 = "11010520261122001"
    number = first17 + weighted_check_char(first17)
    assert check(number).valid  # without a reference day any real date passes
    result = check(number, today=date(2026, 11, 21))
    assert not result.valid
    assert result.reason == "future_date"
    assert result.message_zh == "出生日期 2026-11-22 晚于 2026-11-21"
    assert result.birth_date == date(2026, 11, 22)
    assert check(number, today=date(2026, 11, 22)).valid  # born today is not in the future


def test_earliest_accepted_birth_date() -> None:
    first17 = "11010518000101001"
    assert check(first17 + weighted_check_char(first17)).valid


@pytest.mark.parametrize("code", ["71", "81", "82", "83"])
def test_taiwan_hong_kong_macao_codes(code: str) -> None:
    first17 = code + "000019900101001"
    assert check(first17 + weighted_check_char(first17)).valid


@pytest.mark.parametrize(
    "code", ["10", "16", "20", "24", "30", "38", "40", "47", "55", "66", "72", "84", "91"]
)
def test_non_province_codes(code: str) -> None:
    first17 = code + "010519900101001"
    assert check(first17 + weighted_check_char(first17)).reason == "province"


def test_province_table() -> None:
    expected = {
        *map(str, range(11, 16)),
        *map(str, range(21, 24)),
        *map(str, range(31, 38)),
        *map(str, range(41, 47)),
        *map(str, range(50, 55)),
        *map(str, range(61, 66)),
        "71",
        "81",
        "82",
        "83",
    }
    assert expected == PROVINCE_CODES


def test_check_many_matches_check_and_restores_the_collector() -> None:
    import gc

    raws = ["11010519491231002X", "110105194912310024", "1.10105E+17", "110105491231002", ""]
    today = date(2026, 11, 21)
    assert check_many(raws, today=today) == [check(r, today=today) for r in raws]
    assert check_many(iter(raws)) == [check(r) for r in raws]
    assert gc.isenabled()
    gc.disable()
    try:
        check_many(raws)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- Excel corruption ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "1.10105E+17",
        "1.10105e+17",
        "1.10105199001011E+17",
        "1.10101199001012E17",
        "110101199001011200",  # float64 round trip of 110101199001011234 (architecture.md)
        "110101199001011000",  # Excel keeps 15 significant digits
        "110101199001011234.0",
    ],
)
def test_excel_corruption(raw: str) -> None:
    result = check(raw)
    assert not result.valid
    assert result.reason == "excel_corrupted"
    assert result.message_zh == EXCEL_CORRUPTED_MESSAGE


def test_excel_corruption_keeps_the_intact_birth_date_but_not_the_sex() -> None:
    result = check("110101199001011200")
    assert result.birth_date == date(1990, 1, 1)
    assert result.sex is None


def test_a_valid_number_ending_in_00_is_not_flagged() -> None:
    # Only a failing check digit makes "…00" suspicious.
    first17 = next(
        f"11010119900101{n:02d}0"
        for n in range(100)
        if weighted_check_char(f"11010119900101{n:02d}0") == "0"
    )
    number = first17 + "0"
    assert number.endswith("00")
    assert check(number).valid


# --- 15-digit numbers (GB 11643-1989) -------------------------------------------------


def test_upgrade_15_to_18() -> None:
    assert upgrade_15("110105491231002") == "11010519491231002X"
    assert upgrade_15("440524800101001") == "440524198001010014"[:17] + weighted_check_char(
        "44052419800101001"
    )
    with pytest.raises(ValueError, match="15 ASCII digits"):
        upgrade_15("11010549123100")


def test_check_accepts_15_digit_numbers() -> None:
    result = check("110105491231002")
    assert result.valid
    assert result.normalized == "11010519491231002X"
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "F"  # old position 15 (now 17) = 2, even
    assert result.upgraded_from_15
    assert not check("11010519491231002X").upgraded_from_15


def test_15_digit_number_with_impossible_date() -> None:
    result = check("110105491331002")
    assert result.reason == "date"
    assert result.normalized.startswith("1101051949133")


def test_check_char_rejects_bad_input() -> None:
    for bad in ("1101051949123100", "1101051949123100a", "1101051949123100²"):
        with pytest.raises(ValueError, match="17 ASCII digits"):
            check_char(bad)


# --- age ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2007, 12, 20), date(2025, 12, 19), 17),
        (date(2007, 12, 20), date(2025, 12, 20), 18),
        (date(2007, 12, 20), date(2025, 12, 21), 18),
        (date(2000, 1, 1), date(2000, 1, 1), 0),
        # Born 29 February: a year older on 1 March in common years.
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


def test_age_on_rejects_a_day_before_birth() -> None:
    with pytest.raises(ValueError, match="before birth"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))
    assert not is_of_age(date(2000, 1, 2), date(2000, 1, 1), years=0)


def test_is_of_age_other_thresholds() -> None:
    assert is_of_age(date(2008, 2, 29), date(2026, 3, 1))
    assert not is_of_age(date(2008, 2, 29), date(2026, 2, 28))
    assert is_of_age(date(1990, 5, 1), date(2025, 5, 1), years=35)


# --- properties --------------------------------------------------------------------------

_birth_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2026, 11, 21))
_first17 = st.builds(
    lambda province, county, birth, seq: f"{province}{county:04d}{birth:%Y%m%d}{seq:03d}",
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999),
    _birth_dates,
    st.integers(0, 999),
)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_base_13_shortcut_equals_weighted_sum(first17: str) -> None:
    assert check_char(first17) == weighted_check_char(first17)


@given(_first17)
def test_any_17_digits_with_computed_check_digit_validate(first17: str) -> None:
    number = first17 + weighted_check_char(first17)
    result = check(number, today=date(2026, 11, 21))
    assert result.valid, result
    assert result.birth_date == date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    assert result.sex == ("M" if int(first17[16]) % 2 else "F")
    assert check(number.lower()).valid


@settings(max_examples=300)
@given(_first17, st.integers(0, 17), st.integers(1, 10))
def test_changing_any_single_character_invalidates(first17: str, pos: int, delta: int) -> None:
    number = first17 + weighted_check_char(first17)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    old = alphabet.index(number[pos])
    new = alphabet[(old + delta) % len(alphabet)]
    if new == number[pos]:
        return
    mutated = number[:pos] + new + number[pos + 1 :]
    result = check(mutated)
    assert not result.valid, mutated
    assert result.reason in {"province", "date", "check_digit", "excel_corrupted"}


@given(st.text(max_size=30))
def test_check_never_raises(raw: str) -> None:
    result = check(raw, today=date(2026, 11, 21))
    assert result.valid == (result.reason == "")
    assert result.valid or result.message_zh


@given(_birth_dates, st.integers(0, 120 * 366))
def test_age_matches_anniversary_definition(birth: date, offset: int) -> None:
    day = birth + timedelta(days=offset)
    if day > date(9999, 1, 1):
        return
    age = age_on(birth, day)
    assert age >= 0
    assert is_of_age(birth, day, age)
    assert not is_of_age(birth, day, age + 1)
