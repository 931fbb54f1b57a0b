"""选票: the ballots of one round, one ballot to an A4 sheet, from plain data into PDF bytes.

Every position comes from :mod:`huanjie.printing.ballot_geometry` (page, corner marks, QR code,
serial, instructions, sections, cells, mark boxes, seal area), so a scanner can find the marks
again from the same structure. The builder keeps the order it is given: posts in ballot
order, candidates in stroke order (按姓氏笔画), as the core decided.

What a ballot carries:

- the title and subtitle (election, round, date), the serial number (编号) top left and a QR
  code top right with the election, round, post(s) and serial (:func:`ballot_payload`; read
  back with :func:`parse_ballot_payload`);
- the instructions (填票说明), as given: the caller words them from the province's rules;
- one section per post (``form="single"``) or one sheet per post (``form="per_post"``, all
  sheets of one post together, so each post's stack can be printed on its own);
- per candidate a mark box (approve style: under the name) or three (party style: 赞成,
  反对, 弃权); as many write-in spaces (另选他人) as the post has seats unless told otherwise;
- the seal area (盖章处) and the issuing committee.

The paper colour is the paper: nothing coloured is printed. Serial numbers are for accounting
for the printed sheets (印制、发出、作废、剩余) and must never be recorded against a voter
(无记名投票, 村民委员会组织法 第十五条第三款).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from huanjie.printing import ballot_geometry as geo
from huanjie.printing._fonts import text_width
from huanjie.printing._guard import Guard, Missing
from huanjie.printing._layout import (
    GREY,
    draw_qr,
    draw_text,
    fit_always,
    fit_lines,
    rendering,
    wrap,
)

__all__ = [
    "PAYLOAD_SCHEME",
    "BallotCode",
    "BallotDesign",
    "BallotPost",
    "BallotRun",
    "ballot_payload",
    "ballot_serial",
    "ballots",
    "parse_ballot_payload",
    "sheet_layout",
    "sheets",
]

#: First field of every ballot QR code; a later version of the format gets a new scheme.
PAYLOAD_SCHEME = "HJB1"
SAMPLE_SERIAL = 0  # the serial of a design preview (样票)
_KEY = re.compile(r"^[a-z0-9_]{1,24}$")
_REF = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
LIGHT = (0.7, 0.7, 0.7)


@dataclass(frozen=True, kw_only=True)
class BallotPost:
    """One post on the ballot, with its candidates in ballot (stroke) order."""

    key: str  # machine name, in the QR code: chair, vice_chair, member, women_member …
    name: str  # printed: 主任
    seats: int
    candidates: Sequence[str]
    women_only: bool = False
    write_ins: int | None = None  # blank 另选他人 spaces; None: as many as seats
    # This post's own sheet's instructions (form "per_post"); empty: the design's.
    instructions: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class BallotDesign:
    """Everything the ballots of one round share."""

    title: str  # 青山村第十二届村民委员会选举选票
    subtitle: str  # 第1轮　正式选举　2027年3月20日
    committee: str  # 青山村村民选举委员会
    posts: Sequence[BallotPost]
    instructions: Sequence[str]  # one paragraph each, printed in order
    election: str  # machine reference of the election in the QR code (letters, digits, - _)
    round_number: int
    serial_prefix: str = ""  # printed before the zero-padded number: 0012-1-
    style: Literal["approve", "party"] = "approve"
    form: Literal["single", "per_post"] = "single"
    order_note: str = ""  # 按姓氏笔画排序, printed in the post column


@dataclass(frozen=True, kw_only=True)
class BallotRun:
    """The ballots to print now: serials ``first`` to ``last`` (inclusive) of ``design``.

    ``sample=True`` prints one design preview (样票) instead, marked across the page and with
    serial 0; it can never be mistaken for a ballot.
    """

    design: BallotDesign
    first: int = 1
    last: int = 1
    sample: bool = False


@dataclass(frozen=True, slots=True)
class BallotCode:
    """What a ballot's QR code says."""

    election: str
    round_number: int
    posts: tuple[str, ...]
    serial: int

    @property
    def sample(self) -> bool:
        return self.serial == SAMPLE_SERIAL


def ballot_serial(design: BallotDesign, serial: int) -> str:
    """The serial as printed: prefix and six digits (``0012-1-000123``)."""
    return f"{design.serial_prefix}{serial:06d}"


def ballot_payload(design: BallotDesign, serial: int, posts: Sequence[str]) -> str:
    """The QR payload: ``HJB1|<election>|<round>|<post>+<post>…|<serial>`` (ASCII only)."""
    return (
        f"{PAYLOAD_SCHEME}|{design.election}|{design.round_number}|{'+'.join(posts)}|{serial:06d}"
    )


def parse_ballot_payload(text: str) -> BallotCode:
    """Read a ballot QR code back; :class:`ValueError` if it is not one."""
    parts = text.split("|")
    if len(parts) != 5 or parts[0] != PAYLOAD_SCHEME:
        raise ValueError(f"not a ballot code of scheme {PAYLOAD_SCHEME}: {text!r}")
    _, election, rnd, posts, serial = parts
    keys = tuple(posts.split("+"))
    if (
        not _REF.match(election)
        or not rnd.isdigit()
        or not serial.isdigit()
        or not all(_KEY.match(k) for k in keys)
    ):
        raise ValueError(f"malformed ballot code: {text!r}")
    return BallotCode(election=election, round_number=int(rnd), posts=keys, serial=int(serial))


def _check(design: BallotDesign) -> None:
    if not design.posts:
        raise ValueError("a ballot needs at least one post")
    if not _REF.match(design.election):
        raise ValueError("election must be 1–24 letters, digits, '-' or '_' (it goes in the QR)")
    if design.round_number < 1:
        raise ValueError("round_number must be 1 or more")
    keys = [p.key for p in design.posts]
    if len(set(keys)) != len(keys) or not all(_KEY.match(k) for k in keys):
        raise ValueError(f"post keys must be distinct lower-case identifiers: {keys}")
    for p in design.posts:
        if p.seats < 1:
            raise ValueError(f"{p.name}: seats must be 1 or more")
        if p.write_ins is not None and p.write_ins < 0:
            raise ValueError(f"{p.name}: write_ins cannot be negative")


def _write_ins(p: BallotPost) -> int:
    return p.seats if p.write_ins is None else p.write_ins


def sheets(design: BallotDesign) -> list[tuple[BallotPost, ...]]:
    """The sheets one voter receives: all posts on one, or one per post."""
    if design.form == "per_post":
        return [(p,) for p in design.posts]
    return [tuple(design.posts)]


def sheet_layout(design: BallotDesign, posts: Sequence[BallotPost]) -> tuple[geo.Section, ...]:
    """The sections of one sheet (raises :class:`ballot_geometry.LayoutError` if too full)."""
    return geo.layout([(len(p.candidates), _write_ins(p)) for p in posts], design.style)


@dataclass(frozen=True, slots=True)
class _Texts:
    """Every printed string, checked by the guard."""

    title: str
    subtitle: str
    committee: str
    order_note: str
    instructions: list[list[str]]  # per sheet
    posts: list[tuple[str, list[str]]]  # post name, candidate names
    prefix: str


def ballots(
    run: BallotRun,
    *,
    qr_mask: int | None = None,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """选票: one A4 page per ballot sheet, serials ``run.first`` to ``run.last``.

    With ``form="per_post"`` every serial has one sheet per post; the sheets are grouped by
    post (all 主任 sheets, then all 副主任 sheets …). ``qr_mask`` fixes the QR mask pattern
    (0–7) instead of choosing the best of eight (ISO/IEC 18004): faster for big runs.
    Raises :class:`ballot_geometry.LayoutError` when a sheet's posts do not fit on a page,
    and the guard's errors for full ID numbers and characters the font lacks.
    """
    design = run.design
    _check(design)
    if qr_mask is not None and not 0 <= qr_mask <= 7:
        raise ValueError("qr_mask must be 0–7 or None")
    if not run.sample and not 1 <= run.first <= run.last:
        raise ValueError("serials run from first to last, both 1 or more")
    if run.last > 999_999:
        raise ValueError("serials have six digits")
    pages = sheets(design)
    layouts = [sheet_layout(design, posts) for posts in pages]
    with rendering():
        guard = Guard(missing)
        texts = _Texts(
            title=guard(design.title, "选票标题 "),
            subtitle=guard(design.subtitle, "副标题 "),
            committee=guard(design.committee, "村民选举委员会 "),
            order_note=guard(design.order_note, "排序说明 "),
            instructions=[
                [
                    guard(t, f"填票说明第{i}条 ")
                    for i, t in enumerate(_instructions_of(design, posts), 1)
                ]
                for posts in pages
            ],
            posts=[
                (
                    guard(p.name, "职务名称 "),
                    [guard(n, f"{p.name}候选人 ") for n in p.candidates],
                )
                for p in design.posts
            ],
            prefix=guard(design.serial_prefix, "编号前缀 "),
        )
        guard.finish()
        names = {p.key: texts.posts[i] for i, p in enumerate(design.posts)}
        instructions = [_instruction_lines(paras) for paras in texts.instructions]

        buf = io.BytesIO()
        c = Canvas(buf, pagesize=(geo.PAGE_W, geo.PAGE_H), invariant=1, pageCompression=1)
        c.setTitle(design.title + ("（样票）" if run.sample else ""))
        c.setCreator("huanjie")
        c.setAuthor("")
        for k, (posts, sections) in enumerate(zip(pages, layouts, strict=True)):
            c.beginForm(f"ballot_sheet_{k}", 0, 0, geo.PAGE_W, geo.PAGE_H)
            size, lines = instructions[k]
            _draw_static(c, design, texts, posts, sections, names, size, lines)
            c.endForm()
        serials = [SAMPLE_SERIAL] if run.sample else range(run.first, run.last + 1)
        for k, posts in enumerate(pages):
            keys = [p.key for p in posts]
            for serial in serials:
                if run.sample:
                    _draw_sample_mark(c)  # under the ballot, so every line stays black
                c.doForm(f"ballot_sheet_{k}")
                label = "样　票" if run.sample else texts.prefix + f"{serial:06d}"
                _draw_serial(c, label)
                draw_qr(
                    c,
                    ballot_payload(design, serial, keys),
                    geo.QR.x,
                    geo.QR.y,
                    geo.QR.w,
                    mask=qr_mask,
                )
                c.showPage()
        c.save()
        data = buf.getvalue()
    if out is not None:
        out.write(data)
    return data


def _instructions_of(design: BallotDesign, posts: Sequence[BallotPost]) -> Sequence[str]:
    """The instructions printed on a sheet: a per-post sheet's own, else the design's."""
    if design.form == "per_post" and len(posts) == 1 and posts[0].instructions:
        return posts[0].instructions
    return design.instructions


_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[0-9]+[.、．]|（[一二三四五六七八九十0-9]+）)")


def _hanging(para: str, size: float, width: float) -> list[tuple[str, float]]:
    """A paragraph's lines with their indent: after the first, a numbered paragraph's lines
    start under its text, not under its number (一、…)."""
    m = _NUMBER.match(para)
    indent = text_width(m.group(), size) if m else 0.0
    first = wrap(para, size, width)[0]
    rest = para[len(first) :].lstrip()
    lines = [first] + (wrap(rest, size, width - indent) if rest else [])
    # No line of one character and its full stop (…不计 / 票。): take one more down with it.
    if len(lines) >= 2 and len(lines[-1]) <= 2 and len(lines[-2]) > 4:
        before, last = lines[-2], lines[-1]
        if before[-1] not in "，。、；：？！）》”’" and not before[-1].isascii():
            lines[-2:] = [before[:-1], before[-1] + last]
    return [(line, 0.0 if i == 0 else indent) for i, line in enumerate(lines)]


def _instruction_lines(paragraphs: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """Lines of the instructions at the largest size that fits the box, each with its indent."""
    box = geo.INSTRUCTIONS
    width = box.w - 2 * geo.INSTRUCTIONS_PAD
    height = box.h - 2 * geo.INSTRUCTIONS_PAD - 12.0  # the heading 填票说明 takes one line
    size = geo.INSTRUCTIONS_SIZE
    while True:
        lines: list[tuple[str, float]] = []
        for para in paragraphs:
            lines.extend(_hanging(para, size, width))
        if len(lines) * size * geo.INSTRUCTIONS_LEADING <= height:
            return size, lines
        if size <= geo.INSTRUCTIONS_MIN:
            raise geo.LayoutError(
                f"填票说明太长：在 {geo.INSTRUCTIONS_MIN} 磅字号下需要 {len(lines)} 行，"
                f"说明框只容得下 {int(height // (size * geo.INSTRUCTIONS_LEADING))} 行"
            )
        size = max(geo.INSTRUCTIONS_MIN, size - 0.5)


def _draw_static(
    c: Any,
    design: BallotDesign,
    texts: _Texts,
    posts: Sequence[BallotPost],
    sections: Sequence[geo.Section],
    names: dict[str, tuple[str, list[str]]],
    instruction_size: float,
    instruction_lines: list[tuple[str, float]],
) -> None:
    """What every ballot of one sheet shares, drawn once (a PDF form)."""
    c.setFillColorRGB(0, 0, 0)
    for m in geo.CORNER_MARKS:
        c.rect(m.x, m.y, m.w, m.h, stroke=0, fill=1)
    # Title: per-post sheets name their post (…选举主任选票).
    title = texts.title
    if design.form == "per_post" and len(design.posts) > 1:
        title = _per_post_title(title, names[posts[0].key][0])
    mid = geo.PAGE_W / 2
    draw_text(
        c,
        mid,
        geo.TITLE_Y,
        title,
        fit_always(title, geo.TITLE_SIZE, geo.TITLE_W, geo.TITLE_MIN),
        align="center",
        bold=True,
    )
    draw_text(
        c,
        mid,
        geo.SUBTITLE_Y,
        texts.subtitle,
        fit_always(texts.subtitle, geo.SUBTITLE_SIZE, geo.TITLE_W, 8.0),
        align="center",
    )
    # Instructions.
    box = geo.INSTRUCTIONS
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.6)
    c.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)
    x = box.x + geo.INSTRUCTIONS_PAD
    y = box.top - geo.INSTRUCTIONS_PAD - 10.0
    draw_text(c, x, y, "填票说明", 10.5, bold=True)
    y -= 12.0 + 1.5
    leading = instruction_size * geo.INSTRUCTIONS_LEADING
    for line, indent in instruction_lines:
        draw_text(c, x + indent, y, line, instruction_size)
        y -= leading
    # Sections, under the note on their order.
    if texts.order_note:
        note = f"（候选人{texts.order_note}）"
        draw_text(c, geo.MARGIN + geo.CONTENT_W, geo.ORDER_NOTE_Y, note, 9.0, align="right")
    for post, section in zip(posts, sections, strict=True):
        _draw_section(c, design, texts, post, section, names[post.key])
    # Seal area and issuing body.
    seal = geo.SEAL
    cx, cy = seal.centre
    c.saveState()
    c.setStrokeColorRGB(*LIGHT)
    c.setLineWidth(0.5)
    c.setDash(2, 2)
    c.circle(cx, cy, 21 * geo.MM, stroke=1, fill=0)
    c.restoreState()
    draw_text(c, cx, cy - 3, "盖章处", 9.0, align="center", color=LIGHT)
    committee = texts.committee
    draw_text(
        c,
        geo.COMMITTEE_RIGHT,
        geo.COMMITTEE_Y,
        committee,
        fit_always(committee, geo.COMMITTEE_SIZE, geo.COMMITTEE_W, 8.0),
        align="right",
    )


def _per_post_title(title: str, post: str) -> str:
    """``青山村…选举选票`` → ``青山村…选举主任选票``."""
    if title.endswith("选票"):
        return f"{title[:-2]}{post}选票"
    return f"{title}（{post}）"


def _draw_section(
    c: Any,
    design: BallotDesign,
    texts: _Texts,
    post: BallotPost,
    section: geo.Section,
    name_and_candidates: tuple[str, list[str]],
) -> None:
    post_name, candidates = name_and_candidates
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.8)
    r = section.rect
    c.rect(r.x, r.y, r.w, r.h, stroke=1, fill=0)
    # The post column: name, seats, 限女性.
    label = section.label
    lx = label.x + label.w / 2
    lines = [(post_name, 14.0, True), (f"应选{post.seats}名", 9.5, False)]
    if post.women_only:
        lines.append(("（限女性）", 9.0, False))
    total = sum(s + 3 for _, s, _ in lines)
    top = r.y + r.h / 2 + total / 2
    for text, size, bold in lines:
        top -= size
        draw_text(
            c, lx, top, text, fit_always(text, size, label.w - 3, 6.0), align="center", bold=bold
        )
        top -= 3
    c.line(label.right, r.y, label.right, r.top)
    c.setLineWidth(0.5)
    if design.style == "party":
        _draw_party_cells(c, section, candidates)
    else:
        _draw_approve_cells(c, section, candidates)


def _name(c: Any, rect: geo.Rect, name: str, size: float) -> None:
    s, lines = fit_lines(name, size, rect.w - 4, 8.0, max_lines=2)
    if len(lines) == 1:
        draw_text(c, rect.x + rect.w / 2, rect.y + rect.h / 2 - s * 0.36, name, s, align="center")
        return
    s = min(s, rect.h / 2.4)
    y = rect.y + rect.h / 2 + 0.15 * s
    for line in lines[:2]:
        draw_text(
            c, rect.x + rect.w / 2, y, line, fit_always(line, s, rect.w - 4, 5.0), align="center"
        )
        y -= s * 1.1


def _draw_approve_cells(c: Any, section: geo.Section, candidates: list[str]) -> None:
    for cell in section.cells:
        n, m = cell.name, cell.marks[0]
        c.rect(n.x, n.y, n.w, n.h, stroke=1, fill=0)
        c.rect(m.x, m.y, m.w, m.h, stroke=1, fill=0)
        if cell.write_in:
            draw_text(c, n.x + 1.5, n.top - 8.0, "另选他人", 7.0, color=GREY)
        else:
            _name(c, n, candidates[cell.index], 13.0)


def _draw_party_cells(c: Any, section: geo.Section, candidates: list[str]) -> None:
    head = section.header
    assert head is not None
    c.rect(head.x, head.y, head.w, head.h, stroke=1, fill=0)
    heads = ["姓　名", *geo.PARTY_CHOICES]
    xs = [head.x, head.x + geo.PARTY_NAME_W] + [
        head.x + geo.PARTY_NAME_W + k * geo.PARTY_MARK_W for k in range(1, 3)
    ]
    widths = [geo.PARTY_NAME_W] + [geo.PARTY_MARK_W] * 3
    for x, w, text in zip(xs, widths, heads, strict=True):
        draw_text(c, x + w / 2, head.y + head.h / 2 - 3.6, text, 10.0, align="center", bold=True)
    for x in xs[1:]:
        c.line(x, head.y, x, head.top)
    for cell in section.cells:
        n = cell.name
        c.rect(n.x, n.y, n.w, n.h, stroke=1, fill=0)
        for m in cell.marks:
            c.rect(m.x, m.y, m.w, m.h, stroke=1, fill=0)
        if cell.write_in:
            draw_text(c, n.x + 1.5, n.top - 8.0, "另选他人", 7.0, color=GREY)
        else:
            _name(c, n, candidates[cell.index], 12.0)


def _draw_serial(c: Any, label: str) -> None:
    text = f"编号：{label}"
    size = fit_always(text, geo.SERIAL_SIZE, geo.SERIAL_W, 7.0)
    draw_text(c, geo.SERIAL_X, geo.SERIAL_Y, text, size)


def _draw_sample_mark(c: Any) -> None:
    """样票: a large light mark across the page and a line under the title."""
    c.saveState()
    c.translate(geo.PAGE_W / 2, geo.PAGE_H / 2)
    c.rotate(30)
    draw_text(c, 0, 0, "样票", 150.0, align="center", color=(0.82, 0.82, 0.82))
    draw_text(
        c, 0, -40, "仅供核对式样，不得作为选票使用", 20.0, align="center", color=(0.7, 0.7, 0.7)
    )
    c.restoreState()
