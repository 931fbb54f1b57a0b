"""选民名单公告: content, order, page numbers, ID guarding, missing glyphs, and the printed pages."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable

import pytest

from huanjie.printing import (
    MissingCharactersError,
    RegistrationCategory,
    UnmaskedIdError,
    Voter,
    VoterGroup,
    VoterListNotice,
    forms,
    voter_list_notice,
)
from huanjie.printing._fonts import text_width
from huanjie.printing._guard import Guard
from huanjie.printing._layout import MM
from tests.printing import samples
from tests.printing.conftest import Raster, pdf_pages, pdf_text


@pytest.fixture(scope="module")
def notice() -> VoterListNotice:
    return samples.voter_list(300)


@pytest.fixture(scope="module")
def pdf(notice: VoterListNotice) -> bytes:
    return voter_list_notice(notice)


def test_the_list_carries_title_basis_committee_date_and_objection_notice(pdf: bytes) -> None:
    text = pdf_text(pdf).replace("\n", "")
    assert "青山村第十二届村民委员会选举选民名单" in text
    assert "《中华人民共和国村民委员会组织法》第十四条" in text
    assert "本名单共300人" in text
    assert "选举日为2027年3月20日" in text
    assert "以上共300人" in text
    assert "2027年2月26日" in text
    for header in ("序号", "姓名", "性别", "出生年月", "身份证号", "登记类别", "备注"):
        assert header in text


def test_every_page_has_footer_and_page_number_of_total(pdf: bytes) -> None:
    pages = pdf_pages(pdf)
    assert len(pages) >= 5
    for n, text in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in text
        assert "对选民名单有不同意见的，可以自名单公布之日起五日内向村民选举委员会提出申诉" in text
        assert "青山村村民选举委员会" in text
        assert "身份证号" in text  # the column headings repeat on every page


def test_groups_have_headings_with_counts_and_voters_keep_the_given_order(
    notice: VoterListNotice, pdf: bytes
) -> None:
    # pypdf puts a space where a cell's text continues on its second line
    text = pdf_text(pdf).replace("\n", "").replace("· ", "·")
    for group in notice.groups:
        assert f"{group.name}　共 {len(group.voters)} 人" in text
    assert "（续）" in text  # a group continued on the next page says so
    # Names in the given order (the core sorts; the builder must not).
    pos = 0
    for group in notice.groups:
        for voter in group.voters:
            found = text.find(voter.name, pos)
            assert found >= 0, voter.name
            pos = found + len(voter.name)


def test_rare_characters_and_transliterated_names_print(pdf: bytes) -> None:
    text = pdf_text(pdf)
    for name in ("禤喆", "亓官堃", "欧阳昇", "单于珺", "覃玥", "訾赟", "隗燊"):
        assert name in text
    # A long transliterated name breaks after its middle dot, never inside a part.
    assert "阿不都热依木·" in text
    assert "吾斯曼" in text


def test_masked_ids_and_categories_print_and_no_full_id_appears(
    notice: VoterListNotice, pdf: bytes
) -> None:
    text = pdf_text(pdf)
    first = notice.groups[0].voters[0]
    assert first.id_masked in text
    assert "1985.11" in text or first.birth is not None
    solid = re.sub(r"\s", "", text)
    for category in RegistrationCategory:
        assert category.value in solid
    assert not re.search(r"\d{17}[\dX]", text)


def test_a_full_id_number_is_refused_anywhere(notice: VoterListNotice) -> None:
    group = notice.groups[1]
    leaked = dataclasses.replace(group.voters[3], id_masked="330523198501011234")
    bad = dataclasses.replace(
        notice,
        groups=[
            notice.groups[0],
            VoterGroup(name=group.name, voters=[*group.voters[:3], leaked]),
        ],
    )
    with pytest.raises(UnmaskedIdError, match="身份证号"):
        voter_list_notice(bad)
    in_note = dataclasses.replace(group.voters[0], note="原身份证号330523198501011234已注销")
    with pytest.raises(UnmaskedIdError) as caught:
        voter_list_notice(
            dataclasses.replace(notice, groups=[VoterGroup(name="第一村民小组", voters=[in_note])])
        )
    assert "330523198501011234" not in str(caught.value)
    with pytest.raises(ValueError, match="遮蔽"):  # UnmaskedIdError is a ValueError
        voter_list_notice(
            dataclasses.replace(
                notice,
                groups=[
                    VoterGroup(
                        name="第一村民小组",
                        voters=[
                            dataclasses.replace(in_note, note="", id_masked="33052319850101****")
                        ],
                    )
                ],
            )
        )


def test_a_character_the_font_lacks_is_refused_or_marked_never_blank(
    notice: VoterListNotice,
) -> None:
    rare = Voter(name="刘䶮", sex="男", category=RegistrationCategory.RESIDENT)
    small = dataclasses.replace(
        notice,
        groups=[VoterGroup(name="第一村民小组", voters=[*notice.groups[0].voters[:5], rare])],
    )
    with pytest.raises(MissingCharactersError) as caught:
        voter_list_notice(small)
    assert set(caught.value.missing) == {"䶮"}
    assert "第6名选民（刘䶮）" in str(caught.value)
    marked = pdf_text(voter_list_notice(small, missing="mark"))
    assert "刘〓" in marked


def test_ages_instead_of_birth_months(notice: VoterListNotice) -> None:
    voters = [dataclasses.replace(v, age=40 + i) for i, v in enumerate(notice.groups[0].voters[:3])]
    text = pdf_text(
        voter_list_notice(
            dataclasses.replace(
                notice,
                birth_column="age",
                groups=[VoterGroup(name="第一村民小组", voters=voters)],
            )
        )
    )
    assert "年龄" in text
    assert "出生年月" not in text
    assert "41" in text


def test_the_same_list_gives_the_same_bytes_and_is_written_to_a_stream(
    notice: VoterListNotice, pdf: bytes
) -> None:
    stream = io.BytesIO()
    assert voter_list_notice(notice, out=stream) == pdf
    assert stream.getvalue() == pdf
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf  # the TrueType font is embedded (a subset)


def test_the_printed_pages_are_not_blank(
    pdf: bytes, rasterise: Callable[[bytes, str], list[Raster]]
) -> None:
    pages = rasterise(pdf, "voter_list")
    assert len(pages) == len(pdf_pages(pdf))
    for page in pages:
        assert abs(page.width - 496) <= 1  # A4 portrait at 60 dpi
        assert abs(page.height - 702) <= 1
        assert 0.02 < page.dark_share < 0.4


#: The statute's own wording of the third category (组织法 第十三条第二款第三项), as a province
#: might print it: far longer than the column.
STATUTE_WORDING = (
    "户籍不在本村，在本村居住一年以上，本人申请参加选举，"
    "并且经村民会议或者村民代表会议同意参加选举的公民"
)


def test_no_cell_text_is_cut_off(notice: VoterListNotice) -> None:
    """Every cell's text is printed in full: each category label, long names and notes, and a
    province's long wording, wrapped in their cells rather than cut or run into the next."""
    long_ones = [
        Voter(
            name="阿卜杜热合曼·买买提明·艾合买提江",
            sex="男",
            id_masked="330523********1234",
            category=STATUTE_WORDING,
            note="2027年1月10日村民代表会议同意，原籍江西省上饶市，在本村经营农家乐",
        ),
        *(
            Voter(name=name, sex="女", category=c.value)
            for name, c in zip(("甲一", "乙二", "丙三"), RegistrationCategory, strict=True)
        ),
    ]
    small = dataclasses.replace(
        notice,
        groups=[
            VoterGroup(name="第一村民小组", voters=notice.groups[0].voters[:20]),
            VoterGroup(name="第二村民小组", voters=long_ones),
        ],
    )
    pdf = voter_list_notice(small)
    solid = re.sub(r"\s", "", pdf_text(pdf))
    for voter in [*small.groups[0].voters, *long_ones]:
        for text in (voter.name, voter.category, voter.note, voter.id_masked):
            assert re.sub(r"\s", "", text) in solid, text
    # Layout: no line of any cell is wider than its column.
    rows = [row for _, _, group in forms._voter_rows(small, Guard("raise")) for row in group]
    widths = [w * MM - 2 * forms._VL_PAD for _, w, _ in forms._VL_COLS]
    for row in rows:
        for cell, width in zip(row.cells, widths, strict=True):
            for line in cell.lines:
                assert text_width(line, cell.size) <= width + 0.01, line
    # The roll's two long labels break at their commas, at the list's usual size.
    category = rows[-1].cells[5]
    assert category.lines == ["户籍不在本村，居住一年以上，", "经村民会议或村民代表会议同意"]
    assert category.size == forms._VL_SIZE
