"""The bundled font, and what a public document may carry (full IDs, missing glyphs)."""

from __future__ import annotations

import pytest

from huanjie.printing import (
    MissingCharactersError,
    UnmaskedIdError,
    check_masked_id,
    covers,
    find_full_ids,
    font_path,
    missing_characters,
)
from huanjie.printing._guard import Guard


def test_the_font_and_its_licence_ship_with_the_package() -> None:
    font = font_path()
    assert font.is_file()
    assert 4_000_000 < font.stat().st_size < 10_000_000  # one font, the repository stays small
    licence = (font.parent / "LICENSE-WenQuanYiMicroHei.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence
    assert "Version 2.0" in licence
    assert "WenQuanYi" in licence
    assert "Google" in licence


# Rare but real surname and given-name characters seen on rolls, and the punctuation of
# transliterated names.
RARE = "禤亓隗啜覃訾仉逄郗阚栾蒯缑厍乜芈嬴喆堃昇珺玥赟燊犇淼焱鑫垚龑頔彧昶旻祎曌珏镕"
PRINTED = "０123456789ABCXx*＊（）()：:，。、；·—〔〕《》“”第页共〓"


@pytest.mark.parametrize("char", list(RARE + PRINTED))
def test_the_font_covers_rare_name_characters_digits_and_punctuation(char: str) -> None:
    assert covers(char)


def test_characters_the_font_lacks_are_reported_with_their_texts() -> None:
    # 䶮 (CJK Extension A, 刘䶮) and 𠮷 (Extension B, 𠮷野家) are not in the font.
    missing = missing_characters(["刘䶮", "王伟", "𠮷田", "李䶮"])
    assert missing == {"䶮": ["刘䶮", "李䶮"], "𠮷": ["𠮷田"]}
    assert missing_characters(["张三", "阿不都热依木·吾斯曼"]) == {}


def test_a_guard_refuses_missing_glyphs_by_default_naming_each() -> None:
    guard = Guard()
    guard("刘䶮", "第3名选民 ")
    with pytest.raises(MissingCharactersError) as caught:
        guard.finish()
    assert caught.value.missing == {"䶮": ["第3名选民 “刘䶮”"]}
    assert "U+4DAE" in str(caught.value)
    assert "第3名选民 “刘䶮”" in str(caught.value)


def test_a_guard_in_mark_mode_prints_the_geta_mark_instead() -> None:
    guard = Guard("mark")
    assert guard("刘䶮") == "刘〓"
    guard.finish()
    assert guard.marked == {"䶮": ["刘䶮"]}


@pytest.mark.parametrize(
    "text",
    [
        "330523198501011234",
        "33052319850101123X",
        "身份证号：330523198501011234。",
        "330523 19850101 1234",
        "330523-19850101-1234",
        "330523850101123",  # first-generation, 15 digits
    ],
)
def test_full_id_numbers_are_found_however_written(text: str) -> None:
    assert find_full_ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "330523********1234",
        "QS-2027-000123",
        "电话 13812345678",
        "1,286,450.00",
        "2024年1月1日至2026年12月31日",
        "3305231985010112345",  # 19 digits: not an ID number
    ],
)
def test_other_numbers_are_not_taken_for_id_numbers(text: str) -> None:
    assert not find_full_ids(text)


@pytest.mark.parametrize(
    "value",
    ["", "330523********1234", "3305************34", "330523******123", "330523********123X"],
)
def test_masked_ids_are_accepted(value: str) -> None:
    assert check_masked_id(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "330523198501011234",
        "3305231985****1234",  # birth year visible: twelve visible characters
        "330523****",  # too short
        "330523-****-1234",
        "no id",
    ],
)
def test_unmasked_or_malformed_ids_are_refused(value: str) -> None:
    with pytest.raises(UnmaskedIdError):
        check_masked_id(value, "第1名选民 ")


def test_the_error_for_a_full_id_does_not_repeat_it() -> None:
    """Error messages end up in logs: they must not carry the number either."""
    guard = Guard()
    guard("备注 330523198501011234", "第7名选民 ")
    with pytest.raises(UnmaskedIdError) as caught:
        guard.finish()
    assert "330523198501011234" not in str(caught.value)
    assert "330523********1234" in str(caught.value)
    assert "第7名选民" in str(caught.value)
    with pytest.raises(UnmaskedIdError) as refused:
        check_masked_id("330523198501011234")
    assert "19850101" not in str(refused.value)


def test_unknown_missing_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        Guard("ignore")  # type: ignore[arg-type]
