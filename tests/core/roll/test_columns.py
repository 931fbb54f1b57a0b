"""Reading register headers and cells the way clerks write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from huanjie.core.roll.columns import (
    column_letter,
    match_headers,
    parse_bool,
    parse_category,
    parse_date,
    parse_sex,
    parse_text,
)
from huanjie.core.roll.eligibility import Category


def test_headers_are_matched_flexibly() -> None:
    m = match_headers(
        [
            "序号",
            "姓 名",
            "身份证号码（18位）",
            "出生年月日",
            "所属小组",
            "是否外出",
            "外出联系方式",
            "备注",
        ]
    )
    assert m.columns == {
        "name": 1,
        "id_number": 2,
        "birth_date": 3,
        "group": 4,
        "away": 5,
        "away_contact": 6,
    }
    assert m.ignored == (0, 7)
    assert m.missing == ()


def test_missing_and_duplicated_headers() -> None:
    m = match_headers(["姓名", "性别", "姓名"])
    assert m.missing == ("id_number",)
    assert m.duplicates == (("name", 0, 2),)


def test_two_character_aliases_match_only_exactly() -> None:
    assert "away" not in match_headers(["外出务工地点"]).columns
    assert match_headers(["外出"]).columns == {"away": 0}


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1990, 1, 2), date(1990, 1, 2)),
        (datetime(1990, 1, 2, 0, 0), date(1990, 1, 2)),
        ("1990-01-02", date(1990, 1, 2)),
        ("1990/1/2", date(1990, 1, 2)),
        ("1990.1.2", date(1990, 1, 2)),
        ("1990年1月2日", date(1990, 1, 2)),
        ("19900102", date(1990, 1, 2)),
        (19900102, date(1990, 1, 2)),
        (19900102.0, date(1990, 1, 2)),
        ("", None),
        (None, None),
    ],
)
def test_dates(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["1990-13-01", "1990-02-30", "2月3日", "abc", 32874, 1.5])
def test_bad_dates_say_what_was_expected(value: object) -> None:
    with pytest.raises(ValueError, match="日期"):
        parse_date(value)


def test_booleans_sex_category_text() -> None:
    assert [parse_bool(v) for v in ("是", "否", "√", "", None, 1, 0)] == [
        True,
        False,
        True,
        None,
        None,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="应填“是”或“否”"):
        parse_bool("也许")
    assert parse_sex("女") == "F"
    with pytest.raises(ValueError, match="性别"):
        parse_sex("未知")
    assert parse_category(2.0) is Category.AWAY_OPTED_IN
    assert parse_category("第三类") is Category.NONLOCAL_RESIDENT
    assert parse_category("户籍在本村不居住") is Category.AWAY_OPTED_IN
    assert parse_category("户籍不在本村，居住一年以上") is Category.NONLOCAL_RESIDENT
    assert parse_category("户籍在本村并居住") is Category.RESIDENT
    assert parse_category("") is None
    with pytest.raises(ValueError, match="登记类别应为"):
        parse_category("9")
    assert parse_text(12.0) == "12"
