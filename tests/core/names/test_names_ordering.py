"""Unit tests for the stroke ordering rules (rules.md §7, docs/names.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from huanjie.core import names as names_pkg
from huanjie.core.names import (
    audit,
    explain,
    normalize,
    sort_key,
    stroke_sort,
)
from huanjie.core.names._table import table


def strokes(ch: str) -> tuple[int | None, str | None]:
    info = explain(ch).chars[0]
    return info.strokes, info.sequence


# --------------------------------------------------------------------------- #
# Character data


@pytest.mark.parametrize(
    ("ch", "count", "sequence"),
    [
        ("一", 1, "1"),
        ("丁", 2, "12"),  # 竖钩 counts as 竖
        ("王", 4, "1121"),
        ("毛", 4, "3115"),  # 竖弯钩 counts as 折
        ("马", 3, "551"),  # 提 counts as 横
        ("张", 7, "5153154"),
        ("李", 7, "1234521"),
        ("人", 2, "34"),  # 捺 counts as 点
        ("欧", 8, "13453534"),
        ("林", 8, "12341234"),
        ("皙", 13, "1234331232511"),  # corrected in the generator (cnchar-order has 12)
    ],
)
def test_character_data(ch: str, count: int, sequence: str) -> None:
    assert strokes(ch) == (count, sequence)


def test_table_sizes() -> None:
    t = table()
    assert len(t.sequences) > 6_900
    assert len(t.counts) > 90_000
    assert t.t2s["張"] == "张"
    assert "於" not in t.t2s  # a standard character (surname 於) keeps its own strokes
    assert "乾" not in t.t2s


# --------------------------------------------------------------------------- #
# The rules


def test_fewer_strokes_first() -> None:
    assert stroke_sort(["王五", "丁一", "李四"]) == ["丁一", "王五", "李四"]


def test_same_count_compares_stroke_types_heng_before_pie() -> None:
    # 王 and 毛 both have 4 strokes; 王 starts with 横 (1), 毛 with 撇 (3).
    assert strokes("王")[0] == strokes("毛")[0] == 4
    assert stroke_sort(["毛泽东", "王明"]) == ["王明", "毛泽东"]


def test_same_first_stroke_compares_second_stroke() -> None:
    # sina blog example: 林 (横竖…) before 欧 (横撇…), both 8 strokes.
    assert stroke_sort(["欧阳修", "林则徐"]) == ["林则徐", "欧阳修"]


def test_compound_surnames_are_not_summed() -> None:
    # 欧 (8) before 洪 (9), whatever 阳 adds.
    assert stroke_sort(["洪少东", "欧阳少东"]) == ["欧阳少东", "洪少东"]
    assert stroke_sort(["李一鸣", "李大鸣"]) == ["李一鸣", "李大鸣"]


def test_gao_fu_before_gao_da_fu() -> None:
    # sina blog: a single given name counts its missing character as 0 strokes.
    assert stroke_sort(["高大富", "高富"]) == ["高富", "高大富"]
    # 姓名笔画 (NPC practice, and the wenku365 note: 田大利 before 田富) has no blank.
    assert stroke_sort(["高富", "高大富"], convention="fullname") == ["高大富", "高富"]


@pytest.mark.parametrize("convention", ["surname", "fullname"])
def test_prefix_sorts_first(convention: str) -> None:
    conv = "surname" if convention == "surname" else "fullname"
    assert stroke_sort(["高富", "高"], convention=conv) == ["高", "高富"]
    assert stroke_sort(["高大富", "高大"], convention=conv) == ["高大", "高大富"]


def test_surname_convention_puts_single_given_names_first() -> None:
    # 20th Central Committee: 王毅 before 王小洪; 李希, 李强 before 李干杰.
    names = ["王小洪", "李干杰", "王毅", "李强", "李希"]
    assert stroke_sort(names) == ["王毅", "王小洪", "李希", "李强", "李干杰"]
    assert sort_key("王毅")[1] == ()


def test_fullname_convention_compares_characters_only() -> None:
    # 13th NPC, Hebei: 王立彤 (立 5) < 王刚 (刚 6) < 王连灵 (连 7).
    names = ["王连灵", "王刚", "王立彤"]
    assert stroke_sort(names, convention="fullname") == ["王立彤", "王刚", "王连灵"]
    assert stroke_sort(names) == ["王刚", "王立彤", "王连灵"]


def test_structure_breaks_ties_of_count_and_sequence() -> None:
    assert strokes("叶") == strokes("申")
    assert stroke_sort(["申纪兰", "叶建春"]) == ["叶建春", "申纪兰"]  # 左右 before 独体


def test_unknown_convention_rejected() -> None:
    with pytest.raises(ValueError, match="convention"):
        stroke_sort(["王刚"], convention="pinyin")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# Normalisation


@pytest.mark.parametrize("spelling", ["王刚", "王  刚", "王　刚", " 王刚\t", "王\u200b刚"])
def test_whitespace_is_ignored(spelling: str) -> None:
    assert sort_key(spelling) == sort_key("王刚")
    assert normalize(spelling) == "王刚"


@pytest.mark.parametrize(
    "spelling",
    [
        "阿不都热依木·吾斯曼",
        "阿不都热依木•吾斯曼",
        "阿不都热依木.吾斯曼",
        "阿不都热依木．吾斯曼",
        "阿不都热依木・吾斯曼",
        "阿不都热依木･吾斯曼",
        "阿不都热依木‧吾斯曼",
        "阿不都热依木 · 吾斯曼",
    ],
)
def test_separators_of_transliterated_names_are_ignored(spelling: str) -> None:
    assert sort_key(spelling) == sort_key("阿不都热依木吾斯曼")


def test_transliterated_names_compare_character_by_character() -> None:
    # 20th Party congress: 艾力更·依明巴海, 艾尔肯·吐尼亚孜, 艾园林 (力 2, 尔 5, 园 7);
    # 肖开提·依明 sits among the three-character 肖 names (开 4 < 亚 6).
    assert stroke_sort(["艾园林", "艾尔肯·吐尼亚孜", "艾力更·依明巴海"]) == [
        "艾力更·依明巴海",
        "艾尔肯·吐尼亚孜",
        "艾园林",
    ]
    assert stroke_sort(["肖亚非", "肖开提·依明", "肖捷"]) == ["肖捷", "肖开提·依明", "肖亚非"]
    assert stroke_sort(["帕尔哈提·买买提", "帕提古丽"]) == ["帕尔哈提·买买提", "帕提古丽"]


def test_traditional_sorts_as_simplified_and_is_kept() -> None:
    assert sort_key("張三") == sort_key("张三")
    assert normalize("張三") == "张三"
    assert stroke_sort(["張三", "李四", "丁一"]) == ["丁一", "李四", "張三"]
    assert stroke_sort(["劉德華", "王菲"]) == ["王菲", "劉德華"]
    info = explain("張三").chars[0]
    assert (info.char, info.simplified, info.source) == ("張", "张", "data")


def test_standard_characters_with_a_simplified_variant_keep_their_strokes() -> None:
    # 於 is a surname in its own right (於若飞, 8 strokes), not 于 (3 strokes).
    assert strokes("於")[0] == 8
    assert normalize("於若飞") == "於若飞"


# --------------------------------------------------------------------------- #
# Overrides, ranks, flags


def test_override_supplies_a_missing_sequence() -> None:
    before = explain("訚柏")
    assert before.flagged == ["訚"]
    after = explain("訚柏", overrides={"訚": "4254111251"})
    assert after.flagged == []
    assert after.chars[0].source == "override"
    assert after.chars[0].sequence == "4254111251"
    names = ["浦虹", "訚柏", "唐德智"]
    assert stroke_sort(names)[-1] == "訚柏"
    assert stroke_sort(names, overrides={"訚": "4254111251"}) == ["唐德智", "訚柏", "浦虹"]


def test_override_corrects_existing_data() -> None:
    assert stroke_sort(["毛泽东", "王明"], overrides={"王": "3333"}) == ["毛泽东", "王明"]


def test_override_of_a_traditional_character_applies_as_written() -> None:
    key = sort_key("張三", overrides={"張": "1111111"})
    assert key[0][:2] == (7, "1111111")
    assert sort_key("张三", overrides={"張": "1111111"})[0][1] == "5153154"


@pytest.mark.parametrize("bad", [{"王": ""}, {"王": "1206"}, {"王刚": "11"}, {"王": "abc"}])
def test_invalid_overrides_rejected(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="override"):
        stroke_sort(["王刚"], overrides=bad)


def test_unknown_characters_are_flagged_and_sort_last() -> None:
    k = explain("王A")
    assert k.flagged == ["A"]
    assert k.chars[1].source == "unknown"
    assert stroke_sort(["A先生", "龘龘"]) == ["龘龘", "A先生"]
    assert audit(["王A", "李四"]).flagged == {"A": "unknown"}


def test_count_only_characters_are_flagged() -> None:
    info = explain("熺").chars[0]
    assert info.source == "count-only"
    assert info.strokes == 16
    assert info.sequence is None
    assert explain("林占熺").flagged == ["熺"]


def test_name_ranks_order_identical_keys() -> None:
    names = ["张伟", "張偉", "张伟（女）", "王刚"]
    assert stroke_sort(names[:2]) == ["张伟", "張偉"]  # equal keys keep input order
    assert stroke_sort(names[:2], name_ranks={"張偉": 1, "张伟": 2}) == ["張偉", "张伟"]
    # A rank only orders names with identical keys; ranked names come first.
    assert stroke_sort(["张伟", "張偉", "王刚"], name_ranks={"張偉": 5}) == ["王刚", "張偉", "张伟"]


def test_audit_reports_duplicates_unless_ranked() -> None:
    report = audit(["张伟", "王刚", "張偉"])
    assert report.order == ["王刚", "张伟", "張偉"]
    assert report.duplicates == [["张伟", "張偉"]]
    assert audit(["张伟", "張偉"], name_ranks={"张伟": 1, "張偉": 2}).duplicates == []


def test_audit_reports_code_point_ties() -> None:
    # 田 and 由 share count, sequence and structure (独体): only the code point
    # separates them, which must be confirmed by hand.
    report = audit(["由小明", "田小明"])
    assert [(t.first, t.second, t.level) for t in report.ties] == [("田", "由", "codepoint")]


def test_explain_fields() -> None:
    k = explain("王  刚")
    assert k.name == "王  刚"
    assert k.normalized == "王刚"
    assert [c.char for c in k.chars] == ["王", "刚"]
    assert k.chars[0].strokes == 4
    assert k.chars[0].sequence == "1121"
    assert k.chars[0].source == "data"
    assert k.flagged == []
    assert k.blank_after_surname is True
    assert k.key == sort_key("王刚")
    assert explain("王刚", convention="fullname").blank_after_surname is False


def test_stable_and_returns_original_strings() -> None:
    names = ["王  刚", "王刚", "李 四"]
    assert stroke_sort(names) == ["王  刚", "王刚", "李 四"]
    assert stroke_sort([]) == []
    assert stroke_sort(iter(["李四", "丁一"])) == ["丁一", "李四"]


# --------------------------------------------------------------------------- #
# Purity


def test_core_module_imports_only_the_standard_library_and_no_io() -> None:
    forbidden = {"os", "io", "pathlib", "subprocess", "shutil", "tempfile", "socket", "sys"}
    package_dir = Path(names_pkg.__file__).parent
    for path in package_dir.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [(node.module or "").split(".")[0]]
            else:
                continue
            assert not set(mods) & forbidden, f"{path.name} imports {mods}"
