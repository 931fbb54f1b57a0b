"""Official forms of a village committee election, built from plain data into PDF bytes.

One builder per form, named after it:

- :func:`voter_list_notice` 选民名单公告 (村民委员会组织法 第十四条);
- :func:`voter_cards` 选民证, eight to an A4 page with cutting lines and a QR code each;
- :func:`proxy_certificates` 委托投票证, four to an A4 page (组织法 第十五条第四款);
- the 公告 builders in :mod:`huanjie.printing.notices`, re-exported here.

Every builder checks all its text first (``_guard.py``): a full ID number anywhere raises
:class:`UnmaskedIdError`, a character the font lacks raises :class:`MissingCharactersError`
(or is printed as 〓 with ``missing="mark"``). Builders keep the order they are given: name
order (按姓氏笔画) is decided by the core, never here. Each returns the PDF as bytes and also
writes it to ``out`` when given. The same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, BinaryIO, Literal

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from huanjie.printing._fonts import register_font, text_width
from huanjie.printing._guard import (
    Guard,
    Missing,
    MissingCharactersError,
    UnmaskedIdError,
    check_masked_id,
)
from huanjie.printing._layout import (
    A4_H,
    A4_W,
    GREY,
    MM,
    clause_lines,
    cn_date,
    cn_number,
    cn_weekday,
    cut_lines,
    draw_qr,
    draw_text,
    fit,
    fit_always,
    fit_lines,
    rendering,
    wrap,
)
from huanjie.printing.notices import (
    AuditItem,
    Candidate,
    CommitteeMember,
    EvaluationResult,
    Heading,
    Names,
    Notice,
    ObjectionDecision,
    PostCandidates,
    ProxyPair,
    Table,
    audit_results_notice,
    candidate_list_notice,
    election_committee_notice,
    evaluation_results_notice,
    notice,
    objection_decisions_notice,
    proxy_voting_notice,
)

__all__ = [
    "AuditItem",
    "Candidate",
    "CommitteeMember",
    "EvaluationResult",
    "Heading",
    "MissingCharactersError",
    "Names",
    "Notice",
    "ObjectionDecision",
    "PostCandidates",
    "ProxyCertificate",
    "ProxyCertificateBatch",
    "ProxyPair",
    "RegistrationCategory",
    "Table",
    "UnmaskedIdError",
    "Voter",
    "VoterCard",
    "VoterCardBatch",
    "VoterGroup",
    "VoterListNotice",
    "audit_results_notice",
    "candidate_list_notice",
    "election_committee_notice",
    "evaluation_results_notice",
    "notice",
    "objection_decisions_notice",
    "proxy_certificates",
    "proxy_voting_notice",
    "voter_cards",
    "voter_list_notice",
]

ORGANIC_LAW = "《中华人民共和国村民委员会组织法》"


class RegistrationCategory(StrEnum):
    """The three ways a villager is registered to vote (村民委员会组织法 第十三条第二款), in the
    words the roll uses; the list prints them in full (a long one over two lines)."""

    RESIDENT = "户籍在本村并居住"
    ABSENT_OPTED_IN = "户籍在本村不居住，本人表示参加选举"
    NONRESIDENT_ADMITTED = "户籍不在本村，居住一年以上，经村民会议或村民代表会议同意"


def _new_canvas(buf: BinaryIO, title: str) -> Any:
    c = Canvas(buf, pagesize=(A4_W, A4_H), invariant=1, pageCompression=1, lang="zh-CN")
    c.setTitle(title)
    c.setCreator("huanjie")
    c.setAuthor("")
    return c


def _finish(c: Any, buf: io.BytesIO, out: BinaryIO | None) -> bytes:
    c.save()
    data = buf.getvalue()
    if out is not None:
        out.write(data)
    return data


# --------------------------------------------------------------------------------------
# 选民名单公告
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Voter:
    """One line of the public voter list. ``id_masked`` must already be masked by the caller."""

    name: str
    category: str  # a RegistrationCategory, or a province's own wording
    sex: str = ""  # 男 / 女
    birth: date | None = None  # printed as 1965.03
    age: int | None = None  # printed instead when the list shows ages
    id_masked: str = ""  # e.g. 330523********1234; a full number is refused
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class VoterGroup:
    """A villager group (村民小组) and its voters, in the order to print them."""

    name: str  # 第一村民小组
    voters: Sequence[Voter]


@dataclass(frozen=True, kw_only=True)
class VoterListNotice:
    """The public list of registered voters (选民名单公告)."""

    title: str  # 青山村第十二届村民委员会选举选民名单
    committee: str  # 青山村村民选举委员会
    published: date
    election_day: date
    groups: Sequence[VoterGroup]
    basis: str = f"{ORGANIC_LAW}第十四条"
    intro: str | None = None  # default: names the basis, the totals and election day
    objection_days: int = 5  # 组织法 第十四条第二款
    birth_column: Literal["birth_month", "age"] = "birth_month"


_VL_MARGIN_X = 15 * MM
_VL_TOP = A4_H - 13 * MM
_VL_BOTTOM = 11 * MM
_VL_FOOTER = 30.0  # points above the bottom margin reserved for the footer
_VL_COLS = (
    ("序号", 11.0, "center"),
    ("姓名", 24.0, "left"),
    ("性别", 8.0, "center"),
    ("出生年月", 16.0, "center"),
    ("身份证号", 35.0, "center"),
    ("登记类别", 56.0, "left"),
    ("备注", 30.0, "left"),
)
_VL_SIZE = 9.0
_VL_SMALLEST = 7.0
_VL_LEADING = 10.5
_VL_ROW_MIN = 15.0
_VL_HEAD_H = 17.0
_VL_GROUP_H = 16.5
_VL_PAD = 1.6 * MM


@dataclass(slots=True)
class _Cell:
    size: float
    lines: list[str]


@dataclass(slots=True)
class _Row:
    cells: list[_Cell]
    height: float


def _voter_rows(notice: VoterListNotice, guard: Guard) -> list[tuple[str, int, list[_Row]]]:
    widths = [w * MM - 2 * _VL_PAD for _, w, _ in _VL_COLS]
    groups: list[tuple[str, int, list[_Row]]] = []
    seq = 0
    for group in notice.groups:
        rows: list[_Row] = []
        for v in group.voters:
            seq += 1
            where = f"第{seq}名选民（{v.name}）"
            check_masked_id(v.id_masked, where + "身份证号 ")
            if notice.birth_column == "age":
                born = "" if v.age is None else str(v.age)
            else:
                born = "" if v.birth is None else f"{v.birth.year}.{v.birth.month:02d}"
            texts = [str(seq), v.name, v.sex, born, v.id_masked, v.category, v.note]
            cells: list[_Cell] = []
            for i, raw in enumerate(texts):
                text = guard(raw, where)
                if i == 5:  # category: one line, else broken at its commas
                    size, lines = clause_lines(text, _VL_SIZE, widths[i], 8.0)
                elif i in (1, 6):  # name, note: shrink a little, then wrap
                    size, lines = fit_lines(text, _VL_SIZE, widths[i], 7.5 if i == 1 else 8.0)
                else:  # short fields: shrink to one line, wrap only what still does not fit
                    size = fit(text, _VL_SIZE, widths[i], _VL_SMALLEST)
                    lines = (
                        [text]
                        if text_width(text, size) <= widths[i]
                        else wrap(text, size, widths[i])
                    )
                cells.append(_Cell(size, lines))
            n = max(len(cell.lines) for cell in cells)
            rows.append(_Row(cells, max(_VL_ROW_MIN, n * _VL_LEADING + 4.5)))
        groups.append((guard(group.name, "村民小组名称 "), len(group.voters), rows))
    return groups


def voter_list_notice(
    notice: VoterListNotice, *, missing: Missing = "raise", out: BinaryIO | None = None
) -> bytes:
    """选民名单公告: the list of registered voters by villager group, A4 portrait.

    Page 1 carries the title and the introduction; every page repeats the column headings
    and the footer: the objection notice (组织法 第十四条第二款), the committee and the date
    of publication, and ``第 N 页 共 M 页``. Voters are printed in the order given, numbered
    across the whole list. Raises :class:`UnmaskedIdError` for an ID that is not masked.
    """
    with rendering():
        guard = Guard(missing)
        groups = _voter_rows(notice, guard)
        total = sum(count for _, count, _ in groups)
        voters = [v for g in notice.groups for v in g.voters]
        men = sum(1 for v in voters if v.sex == "男")
        women = sum(1 for v in voters if v.sex == "女")
        split = f"（男{men}人，女{women}人）" if men + women == total else ""
        intro = notice.intro
        if intro is None:
            intro = (
                f"根据{notice.basis}的规定，现将登记参加选举的村民名单予以公布。"
                f"本名单共{total}人{split}，按村民小组排列。选举日为{cn_date(notice.election_day)}。"
            )
        title = guard(notice.title, "标题 ")
        intro = guard(intro, "说明 ")
        committee = guard(notice.committee, "公布单位 ")
        objection = guard(
            f"对选民名单有不同意见的，可以自名单公布之日起{cn_number(notice.objection_days)}日内"
            "向村民选举委员会提出申诉。",
            "页脚 ",
        )
        heads = [
            guard(h if i != 3 or notice.birth_column != "age" else "年龄")
            for i, (h, _, _) in enumerate(_VL_COLS)
        ]
        guard.finish()

        pages = _paginate_voter_list(groups, intro)
        buf = io.BytesIO()
        c = _new_canvas(buf, title)
        summary = f"以上共{total}人{split}。"
        for number, page in enumerate(pages, start=1):
            _draw_voter_page(
                c,
                page,
                number,
                len(pages),
                title,
                intro,
                heads,
                objection,
                committee,
                notice,
                summary,
            )
            c.showPage()
        return _finish(c, buf, out)


_Item = tuple[Literal["head", "group", "row", "end"], float, Any]


def _paginate_voter_list(
    groups: list[tuple[str, int, list[_Row]]], intro: str
) -> list[list[_Item]]:
    """Place every row; each page is a list of (kind, top y, payload)."""
    width = A4_W - 2 * _VL_MARGIN_X
    intro_lines = wrap("　　" + intro, 10.0, width)
    first_top = _VL_TOP - 30 - len(intro_lines) * 15 - 6
    other_top = _VL_TOP - 16
    bottom = _VL_BOTTOM + _VL_FOOTER + 6
    pages: list[list[_Item]] = []
    page: list[_Item] = []
    y = first_top

    def new_page(with_head: bool = True) -> None:
        nonlocal page, y
        pages.append(page)
        page = []
        y = other_top
        if with_head:
            page.append(("head", y, None))
            y -= _VL_HEAD_H

    page.append(("head", y, None))
    y -= _VL_HEAD_H
    for name, count, rows in groups:
        first_row = rows[0].height if rows else 0.0
        if y - _VL_GROUP_H - first_row < bottom:
            new_page()
        page.append(("group", y, (name, count, False)))
        y -= _VL_GROUP_H
        for row in rows:
            if y - row.height < bottom:
                new_page()
                page.append(("group", y, (name, count, True)))
                y -= _VL_GROUP_H
            page.append(("row", y, row))
            y -= row.height
    end_height = 60.0
    if y - end_height < bottom:
        new_page(with_head=False)
    page.append(("end", y, None))
    pages.append(page)
    return pages


def _draw_voter_page(
    c: Any,
    page: list[_Item],
    number: int,
    total_pages: int,
    title: str,
    intro: str,
    heads: list[str],
    objection: str,
    committee: str,
    notice: VoterListNotice,
    summary: str,
) -> None:
    font = register_font()
    left = _VL_MARGIN_X
    width = A4_W - 2 * _VL_MARGIN_X
    xs = [left]
    for _, w, _ in _VL_COLS:
        xs.append(xs[-1] + w * MM)
    if number == 1:
        size = fit_always(title, 17.0, width - 0.5 * len(title), 11.0)
        draw_text(c, A4_W / 2, _VL_TOP - 18, title, size, align="center", bold=True, space=0.5)
        y = _VL_TOP - 30 - 10
        for line in wrap("　　" + intro, 10.0, width):
            draw_text(c, left, y, line, 10.0)
            y -= 15
    else:
        draw_text(c, A4_W / 2, _VL_TOP - 6, f"{title}（续）", 9.5, align="center", color=GREY)

    c.setLineWidth(0.5)
    c.setStrokeColorRGB(0, 0, 0)
    block_top: float | None = None
    block_bottom = 0.0

    def close_block() -> None:
        nonlocal block_top
        if block_top is not None:
            for x in xs:
                c.line(x, block_top, x, block_bottom)
        block_top = None

    # All cell text of the page goes into one text object: far fewer operators than one
    # drawString per cell (5,000 voters are 35,000 cells).
    cells = c.beginText()
    current = 0.0
    for kind, top, payload in page:
        if kind == "head":
            c.setFillColorRGB(0.88, 0.88, 0.88)
            c.rect(left, top - _VL_HEAD_H, width, _VL_HEAD_H, stroke=1, fill=1)
            c.setFillColorRGB(0, 0, 0)
            for i, head in enumerate(heads):
                mid = (xs[i] + xs[i + 1]) / 2
                draw_text(c, mid, top - _VL_HEAD_H / 2 - 3.3, head, 9.0, align="center", bold=True)
            for x in xs[1:-1]:
                c.line(x, top, x, top - _VL_HEAD_H)
        elif kind == "group":
            close_block()
            name, count, continued = payload
            c.setFillColorRGB(0.95, 0.95, 0.95)
            c.rect(left, top - _VL_GROUP_H, width, _VL_GROUP_H, stroke=1, fill=1)
            c.setFillColorRGB(0, 0, 0)
            label = f"{name}（续）" if continued else f"{name}　共 {count} 人"
            draw_text(c, left + _VL_PAD, top - _VL_GROUP_H / 2 - 3.4, label, 9.5, bold=True)
        elif kind == "row":
            row: _Row = payload
            if block_top is None:
                block_top = top
            bottom = top - row.height
            block_bottom = bottom
            c.line(left, bottom, left + width, bottom)
            for i, cell in enumerate(row.cells):
                align = _VL_COLS[i][2]
                n = len(cell.lines)
                lead = _VL_LEADING * cell.size / _VL_SIZE
                base = top - (row.height - n * lead) / 2 - lead + (lead - cell.size) / 2 + 1.2
                if current != cell.size:
                    cells.setFont(font, cell.size)
                    current = cell.size
                for line in cell.lines:
                    if not line:
                        continue
                    if align == "center":
                        x = (xs[i] + xs[i + 1] - text_width(line, cell.size)) / 2
                    else:
                        x = xs[i] + _VL_PAD
                    cells.setTextOrigin(x, base)
                    cells.textOut(line)
                    base -= lead
        else:  # end: totals and signature
            close_block()
            draw_text(c, left, top - 16, summary, 10.0)
            draw_text(c, left + width - 10, top - 36, committee, 10.5, align="right")
            draw_text(
                c, left + width - 10, top - 52, cn_date(notice.published), 10.5, align="right"
            )
    close_block()
    c.setFillColorRGB(0, 0, 0)
    c.drawText(cells)

    # footer
    c.setLineWidth(0.4)
    c.line(left, _VL_BOTTOM + _VL_FOOTER, left + width, _VL_BOTTOM + _VL_FOOTER)
    size = fit_always(objection, 9.0, width, 7.0)
    draw_text(c, left, _VL_BOTTOM + _VL_FOOTER - 12, objection, size)
    who = f"{committee}　{cn_date(notice.published)}公布"
    draw_text(c, left, _VL_BOTTOM + 2, who, 9.0)
    draw_text(
        c, left + width, _VL_BOTTOM + 2, f"第 {number} 页 共 {total_pages} 页", 9.0, align="right"
    )


# --------------------------------------------------------------------------------------
# 选民证
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VoterCard:
    """One voter card. ``qr_payload`` is printed as given (e.g. serial and an HMAC)."""

    name: str
    group: str  # 村民小组
    serial: str  # QS-2027-000123
    qr_payload: str
    place: str | None = None  # this voter's polling station, when not the batch's


@dataclass(frozen=True, kw_only=True)
class VoterCardBatch:
    """Voter cards (选民证) of one election."""

    village: str  # 青山村
    election: str  # 青山村第十二届村民委员会选举
    committee: str  # 青山村村民选举委员会
    election_day: date
    place: str  # 投票地点, e.g. 村文化礼堂（中心会场）
    hours: str = ""  # 投票时间, e.g. 上午7:30至12:00
    cards: Sequence[VoterCard] = ()
    notes: Sequence[str] = field(
        default_factory=lambda: ("凭本证领取选票，请妥善保管，不得转让。",)
    )


_CARD_W, _CARD_H = A4_W / 2, A4_H / 4


def voter_cards(
    batch: VoterCardBatch,
    *,
    qr_mask: int | None = None,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """选民证: eight cards (105 × 74 mm) to an A4 page, with dashed cutting lines.

    Each card: 选民证, the election, the voter's name and villager group, the serial, election
    day (with weekday), hours and place, a QR code of ``qr_payload`` and the committee.
    ``qr_payload`` is machine data and is not checked (random hex can look like an ID number):
    never put personal data in it. ``qr_mask`` fixes the QR mask pattern (0–7) instead of
    choosing the best of eight as ISO/IEC 18004 recommends: two to three times faster for big
    batches, and every decoder reads every mask.
    """
    if qr_mask is not None and not 0 <= qr_mask <= 7:
        raise ValueError("qr_mask must be 0–7 or None")
    with rendering():
        guard = Guard(missing)
        common = {
            "village": guard(batch.village, "村名 "),
            "election": guard(batch.election, "选举名称 "),
            "committee": guard(batch.committee, "村民选举委员会 "),
            "place": guard(batch.place, "投票地点 "),
            "hours": guard(batch.hours, "投票时间 "),
            "day": f"{cn_date(batch.election_day)}（{cn_weekday(batch.election_day)}）",
        }
        notes = [guard(n, "注意事项 ") for n in batch.notes]
        cards = []
        for i, card in enumerate(batch.cards, start=1):
            where = f"第{i}张选民证（{card.serial}）"
            cards.append(
                (
                    guard(card.name, where),
                    guard(card.group, where),
                    guard(card.serial, where),
                    card.qr_payload,
                    guard(card.place, where) if card.place else common["place"],
                )
            )
        guard.finish()

        buf = io.BytesIO()
        c = _new_canvas(buf, f"{batch.election}选民证")
        # What every card shares is drawn once, as a form (XObject) placed on each card.
        for with_place in (True, False):
            c.beginForm(_card_form(with_place), 0, 0, _CARD_W, _CARD_H)
            _draw_card_static(c, common, notes, with_place)
            c.endForm()
        per_page = 8
        for start in range(0, max(len(cards), 1), per_page):
            chunk = cards[start : start + per_page]
            for k, card_data in enumerate(chunk):
                col, row = k % 2, k // 2
                x0, y0 = col * _CARD_W, A4_H - (row + 1) * _CARD_H
                c.saveState()
                c.translate(x0, y0)
                _draw_card_variable(c, common, card_data, qr_mask)
                c.restoreState()
            cut_lines(c, [_CARD_W], [_CARD_H * r for r in (1, 2, 3)])
            c.showPage()
        return _finish(c, buf, out)


# Card geometry, from the card's lower-left corner.
_CARD_PAD = 7 * MM
_CARD_QR = 30 * MM  # the square includes the QR's blank quiet zone (4 modules)
_CARD_QR_X = _CARD_W - _CARD_PAD - _CARD_QR + 3 * MM
_CARD_QR_Y = _CARD_H - 19 * MM - _CARD_QR
_CARD_LABEL_W = 45.0  # five characters at 9 pt
_CARD_VALUE_W = _CARD_QR_X - _CARD_PAD - _CARD_LABEL_W - 1 * MM
_CARD_FIRST = _CARD_H - 24.5 * MM
_CARD_STEP = 5.9 * MM


def _card_form(with_place: bool) -> str:
    return "voter_card_place" if with_place else "voter_card"


def _card_rows(common: dict[str, str]) -> list[str]:
    rows = ["姓　　名：", "村民小组：", "编　　号：", "选举日期："]
    if common["hours"]:
        rows.append("投票时间：")
    return [*rows, "投票地点："]


def _draw_card_static(c: Any, common: dict[str, str], notes: list[str], with_place: bool) -> None:
    mid = _CARD_W / 2
    top = _CARD_H
    draw_text(c, mid, top - 11 * MM, "选民证", 16.0, align="center", bold=True, space=8)
    election = common["election"]
    size = fit_always(election, 9.0, _CARD_W - 2 * _CARD_PAD, 6.5)
    draw_text(c, mid, top - 16.5 * MM, election, size, align="center")
    x = _CARD_PAD
    value_x = x + _CARD_LABEL_W
    for k, label in enumerate(_card_rows(common)):
        y = _CARD_FIRST - k * _CARD_STEP
        draw_text(c, x, y, label, 9.0)
        if label == "选举日期：":
            draw_text(c, value_x, y, common["day"], 9.5)
        elif label == "投票时间：":
            draw_text(
                c, value_x, y, common["hours"], fit_always(common["hours"], 9.5, _CARD_VALUE_W, 7)
            )
        elif label == "投票地点：" and with_place:
            _draw_card_place(c, common["place"], y)
    committee = common["committee"]
    right = _CARD_W - _CARD_PAD
    size = fit_always(committee, 9.0, 60 * MM, 6.5)
    draw_text(c, right, 9.5 * MM, committee, size, align="right")
    draw_text(c, right, 5.5 * MM, "（盖章）", 8.0, align="right", color=GREY)
    ny = 9.5 * MM
    for note in notes:
        for line in wrap(note, 7.0, 52 * MM):
            draw_text(c, x, ny, line, 7.0, color=GREY)
            ny -= 9.0


def _draw_card_place(c: Any, place: str, y: float) -> None:
    """The place is the last field; it may take two lines, the second below the QR code."""
    size, lines = fit_lines(place, 9.5, _CARD_VALUE_W, 7.0, max_lines=2)
    for line in lines:
        draw_text(c, _CARD_PAD + _CARD_LABEL_W, y, line, size)
        y -= size + 2.5


def _draw_card_variable(
    c: Any, common: dict[str, str], card: tuple[str, str, str, str, str], qr_mask: int | None
) -> None:
    name, group, serial, payload, place = card
    c.doForm(_card_form(place == common["place"]))
    draw_qr(c, payload, _CARD_QR_X, _CARD_QR_Y, _CARD_QR, mask=qr_mask)
    x = _CARD_PAD + _CARD_LABEL_W
    y = _CARD_FIRST
    draw_text(c, x, y, name, fit_always(name, 12.0, _CARD_VALUE_W, 6.5), bold=True)
    draw_text(c, x, y - _CARD_STEP, group, fit_always(group, 9.5, _CARD_VALUE_W, 6.5))
    draw_text(c, x, y - 2 * _CARD_STEP, serial, fit_always(serial, 9.5, _CARD_VALUE_W, 6.5))
    if place != common["place"]:
        _draw_card_place(c, place, y - (len(_card_rows(common)) - 1) * _CARD_STEP)


# --------------------------------------------------------------------------------------
# 委托投票证
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProxyCertificate:
    """One authorised proxy vote (委托投票证)."""

    principal: str  # 委托人
    proxy: str  # 受托人
    relation: str  # 与委托人关系, e.g. 父子
    posts: Sequence[str]  # the posts the proxy votes for, e.g. 主任、副主任、委员
    serial: str
    qr_payload: str
    principal_group: str = ""
    proxy_group: str = ""
    principal_card: str = ""  # the principal's voter-card serial
    proxy_card: str = ""


@dataclass(frozen=True, kw_only=True)
class ProxyCertificateBatch:
    """Proxy certificates of one election, issued by the election committee."""

    election: str  # 青山村第十二届村民委员会选举
    committee: str
    election_day: date
    issued: date
    certificates: Sequence[ProxyCertificate] = ()
    basis: str = f"{ORGANIC_LAW}第十五条第四款"
    notes: Sequence[str] = field(
        default_factory=lambda: (
            "受托人凭本证和本人选民证领取委托人的选票，按委托人的意愿代为投票。",
            "本证仅限本次选举使用，涂改无效。",
        )
    )


_PROXY_W, _PROXY_H = A4_W / 2, A4_H / 2


def proxy_certificates(
    batch: ProxyCertificateBatch,
    *,
    qr_mask: int | None = None,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """委托投票证: four certificates (105 × 148 mm) to an A4 page, with cutting lines.

    Each: the election, serial, principal and proxy (with villager group and voter-card
    serial when given), their relation, the posts, election day, a QR code of ``qr_payload``,
    notes, lines for the principal's and the proxy's signatures, the committee and date of
    issue, and the article it rests on.
    """
    if qr_mask is not None and not 0 <= qr_mask <= 7:
        raise ValueError("qr_mask must be 0–7 or None")
    with rendering():
        guard = Guard(missing)
        common = _ProxyCommon(
            election=guard(batch.election, "选举名称 "),
            committee=guard(batch.committee, "村民选举委员会 "),
            basis=guard(f"依据：{batch.basis}", "依据 "),
            notes=[guard(n, "注意事项 ") for n in batch.notes],
            issued=cn_date(batch.issued),
        )
        day = f"{cn_date(batch.election_day)}（{cn_weekday(batch.election_day)}）"
        certs: list[_ProxyFace] = []
        for i, cert in enumerate(batch.certificates, start=1):
            where = f"第{i}张委托投票证（{cert.serial}）"

            def detail(group: str, card: str, where: str = where) -> str:
                text = "　".join(x for x in (group, f"选民证号 {card}" if card else "") if x)
                return guard(text, where)

            certs.append(
                _ProxyFace(
                    serial=guard(cert.serial, where),
                    payload=cert.qr_payload,
                    fields=[
                        (
                            "委 托 人",
                            guard(cert.principal, where),
                            detail(cert.principal_group, cert.principal_card),
                        ),
                        (
                            "受 托 人",
                            guard(cert.proxy, where),
                            detail(cert.proxy_group, cert.proxy_card),
                        ),
                        ("关　　系", guard(f"受托人系委托人的{cert.relation}", where), ""),
                        ("委托事项", guard("代为投票选举" + "、".join(cert.posts), where), ""),
                        ("选举日期", day, ""),
                    ],
                )
            )
        guard.finish()

        buf = io.BytesIO()
        c = _new_canvas(buf, f"{batch.election}委托投票证")
        for start in range(0, max(len(certs), 1), 4):
            for k, face in enumerate(certs[start : start + 4]):
                col, row = k % 2, k // 2
                _draw_proxy(c, col * _PROXY_W, A4_H - (row + 1) * _PROXY_H, common, face, qr_mask)
            cut_lines(c, [_PROXY_W], [_PROXY_H])
            c.showPage()
        return _finish(c, buf, out)


@dataclass(frozen=True, kw_only=True)
class _ProxyCommon:
    election: str
    committee: str
    basis: str
    notes: list[str]
    issued: str


@dataclass(frozen=True, kw_only=True)
class _ProxyFace:
    serial: str
    payload: str
    fields: list[tuple[str, str, str]]  # label, value, detail line (may be empty)


def _draw_proxy(
    c: Any, x0: float, y0: float, common: _ProxyCommon, face: _ProxyFace, qr_mask: int | None
) -> None:
    pad = 9 * MM
    top = y0 + _PROXY_H
    right = x0 + _PROXY_W - pad
    mid = x0 + _PROXY_W / 2
    inner = _PROXY_W - 2 * pad
    x = x0 + pad
    draw_text(c, mid, top - 15 * MM, "委托投票证", 18.0, align="center", bold=True, space=6)
    election = common.election
    draw_text(
        c, mid, top - 22 * MM, election, fit_always(election, 10.0, inner, 7.0), align="center"
    )
    number = f"编号：{face.serial}"
    draw_text(c, right, top - 28 * MM, number, fit_always(number, 9.0, inner, 6.0), align="right")

    label_w = text_width("委托事项：", 10.0) + 2
    y = top - 37 * MM
    for label, value, extra in face.fields:
        draw_text(c, x, y, label + "：", 10.0)
        bold = label.startswith(("委 托", "受 托"))
        size, lines = fit_lines(value, 11.0 if bold else 10.5, inner - label_w, 8.0, max_lines=3)
        for line in lines:
            draw_text(c, x + label_w, y, line, size, bold=bold)
            y -= size + 4
        if extra:
            esize = fit_always(extra, 8.0, inner - label_w, 6.0)
            draw_text(c, x + label_w, y + 1, extra, esize, color=GREY)
            y -= esize + 3
        y -= 4.5

    # QR code at the left (its square includes the blank quiet zone), notes to its right.
    qr_size = 28 * MM
    qr_x = x - 3 * MM
    qr_top = y + 2 * MM
    draw_qr(c, face.payload, qr_x, qr_top - qr_size, qr_size, mask=qr_mask)
    nx = qr_x + qr_size + 0.5 * MM
    ny = qr_top - 5 * MM
    for note in common.notes:
        for line in wrap(note, 7.5, right - nx):
            draw_text(c, nx, ny, line, 7.5, color=GREY)
            ny -= 10.5
        ny -= 2

    y = min(qr_top - qr_size - 3 * MM, ny - 4 * MM)
    line_start = x + text_width("委托人（签名或手印）：", 9.5)
    for label in ("委托人（签名或手印）：", "受托人（签名）："):
        draw_text(c, x, y, label, 9.5)
        c.saveState()
        c.setLineWidth(0.5)
        c.line(line_start, y - 1.5, line_start + 30 * MM, y - 1.5)
        c.restoreState()
        y -= 7 * MM
    committee = common.committee
    draw_text(
        c, right, y0 + 17 * MM, committee, fit_always(committee, 10.0, inner, 7.0), align="right"
    )
    draw_text(c, right, y0 + 12 * MM, common.issued, 10.0, align="right")
    draw_text(
        c, x, y0 + 6 * MM, common.basis, fit_always(common.basis, 7.0, inner, 5.5), color=GREY
    )
