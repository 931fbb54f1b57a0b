"""公告: the general notice builder and the election's notices built on it.

:func:`notice` lays out any public notice: title (optionally red, with a red rule, as on a
红头 document), document number, salutation, body paragraphs, subheadings and tables (long
tables flow across pages with their heading row repeated), closing paragraphs, the 依据 line,
the issuing body and the date; ``第 N 页 共 M 页`` at the foot of every page.

The wrappers fill a :class:`Notice` for one statutory notice each and call :func:`notice`:
委托投票公告, 申诉处理决定公告, 初步/正式候选人名单公告, 村民选举委员会成员公告,
民主测评结果公告, 财务审计结果公告.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO, Literal
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as rl_textsplit  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.flowables import HRFlowable  # type: ignore[import-untyped]

from huanjie.printing._fonts import register_font, text_width
from huanjie.printing._guard import Guard, Missing
from huanjie.printing._layout import A4_H, A4_W, MM, RED, cn_date, cn_number, rendering, wrap

ORGANIC_LAW = "《中华人民共和国村民委员会组织法》"

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table of a notice. Cells wrap; a long table continues on the next page under its header."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None  # relative column widths; default from the content
    align: Sequence[Align] | None = None  # per column; default: 序号 centred, others left


@dataclass(frozen=True)
class Heading:
    """A subheading inside the body, e.g. ``一、主任候选人``."""

    text: str


@dataclass(frozen=True)
class Names:
    """Names set out in even columns (``per_row`` to a line), in the order given."""

    names: Sequence[str]
    per_row: int = 5


Block = str | Heading | Table | Names


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Any public notice (公告)."""

    title: str
    issuer: str  # the signature line: 青山村村民选举委员会
    date: date
    body: Sequence[Block] = ()  # paragraphs (indented two characters), headings, tables
    table: Table | None = None  # a table after the body
    closing: Sequence[str] = ()  # paragraphs after the table
    doc_number: str = ""  # 青选委〔2027〕3号
    salutation: str = ""  # 全体村民：
    basis: Sequence[str] = ()  # 依据: articles, e.g. 《中华人民共和国村民委员会组织法》第十四条
    red: bool = False  # red title and rule


# reportlab's CJK line breaking lets ，；：！？”’》〉 start a line (its table is Japanese).
# Chinese typesetting (GB/T 15834) forbids that; reportlab then hangs the mark in the margin.
_NO_LINE_START = "，；：！？”’》〉…%"


def _extend_kinsoku() -> None:
    for module in (rl_paragraph, rl_textsplit):  # each holds its own copy of the table
        current = getattr(module, "ALL_CANNOT_START", None)
        if isinstance(current, str):
            extra = "".join(c for c in _NO_LINE_START if c not in current)
            module.ALL_CANNOT_START = current + extra


_extend_kinsoku()

_MARGIN_X = 23 * MM
_FRAME_PADDING = 6.0  # platypus' frame pads each side by 6 pt: text starts 25 mm from the edge
_AVAIL = A4_W - 2 * _MARGIN_X - 2 * _FRAME_PADDING
_MARGIN_TOP = 25 * MM
_MARGIN_BOTTOM = 24 * MM
_BODY = 13.0
_CELL = 10.5


def _styles(red: bool) -> dict[str, Any]:
    font = register_font()
    ink = RED if red else (0.0, 0.0, 0.0)
    base = {"fontName": font, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle(
            "title",
            **base,
            fontSize=20,
            leading=30,
            alignment=TA_CENTER,
            textColor=ink,
            spaceAfter=4,
        ),
        "number": ParagraphStyle(
            "number", **base, fontSize=11.5, leading=18, alignment=TA_CENTER, spaceAfter=2
        ),
        "salutation": ParagraphStyle(
            "salutation", **base, fontSize=_BODY, leading=_BODY * 1.75, spaceBefore=8
        ),
        "body": ParagraphStyle(
            "body",
            **base,
            fontSize=_BODY,
            leading=_BODY * 1.75,
            firstLineIndent=2 * _BODY,
            spaceAfter=2,
        ),
        "heading": ParagraphStyle(
            "heading", **base, fontSize=_BODY, leading=_BODY * 1.75, spaceBefore=6, spaceAfter=2
        ),
        "basis": ParagraphStyle("basis", **base, fontSize=10.5, leading=16, spaceBefore=8),
        "sign": ParagraphStyle(
            "sign",
            **base,
            fontSize=_BODY,
            leading=_BODY * 1.8,
            alignment=TA_RIGHT,
            rightIndent=2 * _BODY,
        ),
        "cell": ParagraphStyle("cell", **base, fontSize=_CELL, leading=_CELL * 1.35),
        "cell_center": ParagraphStyle(
            "cell_center", **base, fontSize=_CELL, leading=_CELL * 1.35, alignment=TA_CENTER
        ),
        "cell_right": ParagraphStyle(
            "cell_right", **base, fontSize=_CELL, leading=_CELL * 1.35, alignment=TA_RIGHT
        ),
        "name": ParagraphStyle("name", **base, fontSize=_BODY, leading=_BODY * 1.5),
        "head": ParagraphStyle(
            "head", **base, fontSize=_CELL, leading=_CELL * 1.35, alignment=TA_CENTER
        ),
    }


def _p(text: str, style: Any) -> Any:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


_NUMBER_HEADS = frozenset({"序号", "编号"})


def _column_widths(table: Table, avail: float) -> list[float]:
    """Short columns (序号, names, dates) keep their natural width; long ones share the rest."""
    n = len(table.header)
    if table.widths is not None:
        if len(table.widths) != n:
            raise ValueError("Table.widths must give one width per column")
        total = float(sum(table.widths))
        return [avail * w / total for w in table.widths]
    pad = 8.0 + 2.0  # cell padding and a little air
    natural = []
    for i, head in enumerate(table.header):
        cells = [text_width(row[i], _CELL) for row in table.rows if i < len(row)]
        natural.append(max([text_width(head, _CELL) * 0.5, *cells]) + pad)
    # A header of up to four characters stays on one line.
    floor = [min(text_width(h, _CELL), 4 * _CELL) + pad for h in table.header]
    natural = [max(w, f) for w, f in zip(natural, floor, strict=True)]
    if sum(natural) <= avail:  # widen every column but 序号 in proportion
        grow = [
            0.0 if h in _NUMBER_HEADS else w for h, w in zip(table.header, natural, strict=True)
        ]
        extra = (avail - sum(natural)) / (sum(grow) or 1.0)
        return [w + g * extra for w, g in zip(natural, grow, strict=True)]
    short = 7 * _CELL + pad
    fixed = {i for i, w in enumerate(natural) if w <= short}
    rest = avail - sum(natural[i] for i in fixed)
    flexible = [i for i in range(n) if i not in fixed]
    if not flexible or rest < len(flexible) * 4 * _CELL:
        total = sum(natural)
        return [avail * w / total for w in natural]
    weight = sum(min(natural[i], avail) for i in flexible)
    return [natural[i] if i in fixed else rest * min(natural[i], avail) / weight for i in range(n)]


def _table(
    table: Table, styles: dict[str, Any], avail: float, widths: list[float] | None = None
) -> Any:
    n = len(table.header)
    for r, row in enumerate(table.rows, start=1):
        if len(row) != n:
            raise ValueError(f"table row {r} has {len(row)} cells, the header {n}")
    aligns: list[Align] = (
        list(table.align)
        if table.align is not None
        else ["center" if h in _NUMBER_HEADS else "left" for h in table.header]
    )
    cell_style = {
        "left": styles["cell"],
        "center": styles["cell_center"],
        "right": styles["cell_right"],
    }
    col_widths = widths if widths is not None else _column_widths(table, avail)
    room = [w - 8.5 for w in col_widths]  # inside the padding

    def cell(text: str, i: int) -> Any:
        # A cell that fits on one line is a plain string: drawn alike, ten times cheaper.
        if "\n" not in text and text_width(text, _CELL) <= room[i]:
            return text
        return _p(text, cell_style[aligns[i]])

    data = [[_p(h, styles["head"]) for h in table.header]]
    data += [[cell(text, i) for i, text in enumerate(row)] for row in table.rows]
    t = RLTable(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
    plain = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), register_font(), _CELL, _CELL * 1.35),
                *[("ALIGN", (i, 1), (i, -1), plain[a]) for i, a in enumerate(aligns)],
                ("GRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), (0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def _checked(n: Notice, guard: Guard) -> Notice:
    """The notice with every text passed through the guard (〓 for missing glyphs in mark mode)."""

    def table(t: Table) -> Table:
        return Table(
            header=[guard(h, "表头 ") for h in t.header],
            rows=[[guard(c, f"表格第{r}行 ") for c in row] for r, row in enumerate(t.rows, 1)],
            widths=t.widths,
            align=t.align,
        )

    def block(b: Block) -> Block:
        if isinstance(b, Table):
            return table(b)
        if isinstance(b, Heading):
            return Heading(guard(b.text, "小标题 "))
        if isinstance(b, Names):
            return Names([guard(x, "名单 ") for x in b.names], b.per_row)
        return guard(b, "正文 ")

    return Notice(
        title=guard(n.title, "标题 "),
        issuer=guard(n.issuer, "落款 "),
        date=n.date,
        body=[block(b) for b in n.body],
        table=table(n.table) if n.table is not None else None,
        closing=[guard(p, "正文 ") for p in n.closing],
        doc_number=guard(n.doc_number, "文号 "),
        salutation=guard(n.salutation, "称谓 "),
        basis=[guard(b, "依据 ") for b in n.basis],
        red=n.red,
    )


_TITLE = 20.0
_TITLE_SMALLEST = 17.0


def _title_lines(title: str, avail: float) -> tuple[float, list[str]]:
    """The title's size and lines: shrink a little to stay on one line, else break it into two
    lines of nearly equal width (never leaving one character alone). ``\n`` forces a break."""
    parts = title.split("\n")
    widest = max(text_width(p, _TITLE) for p in parts)
    if widest <= avail:
        return _TITLE, parts
    if widest * _TITLE_SMALLEST / _TITLE <= avail:
        return _TITLE * avail / widest * 0.995, parts
    lines: list[str] = []
    for part in parts:
        if text_width(part, _TITLE) <= avail:
            lines.append(part)
            continue
        best = 1
        for k in range(1, len(part)):
            if part[k] in _NO_LINE_START or part[k] in "、。）":
                continue
            worst = max(text_width(part[:k], _TITLE), text_width(part[k:], _TITLE))
            if worst <= avail and (
                best == 1
                or worst < max(text_width(part[:best], _TITLE), text_width(part[best:], _TITLE))
            ):
                best = k
        lines += [part[:best], part[best:]] if best > 1 else wrap(part, _TITLE, avail)
    return _TITLE, lines


def _names(block: Names, styles: dict[str, Any], avail: float) -> Any:
    per_row = max(1, block.per_row)
    indent = 2 * _BODY
    names = list(block.names)
    names += [""] * (-len(names) % per_row)
    rows = [names[i : i + per_row] for i in range(0, len(names), per_row)]
    width = (avail - indent) / per_row

    def cell(name: str) -> Any:
        if "·" in name and text_width(name, _BODY) > width - 4:  # break after the middle dot
            return Paragraph(
                "·<br/>".join(escape(part) for part in name.split("·")), styles["name"]
            )
        return _p(name, styles["name"])

    data = [[cell(name) for name in row] for row in rows] or [[""]]
    t = RLTable(data, colWidths=[width] * per_row, hAlign="RIGHT")
    t.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


class _Mark(Flowable):  # type: ignore[misc]
    """Takes no room; records the page it lands on (to find a signature left alone)."""

    def __init__(self, pages: dict[str, int], key: str) -> None:
        super().__init__()
        self._pages, self._key = pages, key

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self._pages[self._key] = self.canv.getPageNumber()


def _flowable(b: Block, styles: dict[str, Any], widths: list[float] | None = None) -> list[Any]:
    if isinstance(b, Table):
        return [Spacer(1, 4), _table(b, styles, _AVAIL, widths), Spacer(1, 6)]
    if isinstance(b, Heading):
        return [_p(b.text, styles["heading"])]
    if isinstance(b, Names):
        return [_names(b, styles, _AVAIL)]
    return [_p(b, styles["body"])]


#: A final table of at most this many rows moves whole (with its subheading) when the closing
#: has to move to the next page; a longer one leaves its last rows to go with the closing.
_SHORT_TABLE = 4
_CARRIED_ROWS = 3


def _split_tail(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Where the end of the body starts: the closing paragraphs and the block before them.

    Returns ``(kept, carried)``: ``carried`` goes onto the signature's page together with the
    closing, so the last page never holds only a sentence and the signature. The block before
    the closing paragraphs is carried whole with its subheading (a short table, a list of
    names) or, for a long table, its last rows (under the repeated header).
    """
    end = len(blocks)
    while end > 0 and isinstance(blocks[end - 1], str):
        end -= 1
    closing = blocks[end:]
    if end == 0:  # only paragraphs: the last two go with the signature
        k = min(2, len(blocks))
        return blocks[: len(blocks) - k], blocks[len(blocks) - k :]
    last = blocks[end - 1]
    start = end - 1
    if isinstance(last, Table) and len(last.rows) > _SHORT_TABLE:
        k = _CARRIED_ROWS
        head = Table(header=last.header, rows=last.rows[:-k], widths=last.widths, align=last.align)
        tail = Table(header=last.header, rows=last.rows[-k:], widths=last.widths, align=last.align)
        return [*blocks[:start], head], [tail, *closing]
    if start > 0 and isinstance(blocks[start - 1], Heading):
        start -= 1
    if start == 0:  # the whole notice is one section: carry the closing only
        return blocks[:end], closing
    return blocks[:start], blocks[start:]


def _content_end(blocks: Sequence[Block]) -> int:
    """The index of the first closing paragraph (after the last table, heading or names); in a
    notice of paragraphs only, the index of the last paragraph."""
    end = len(blocks)
    while end > 0 and isinstance(blocks[end - 1], str):
        end -= 1
    return end if end > 0 else max(len(blocks) - 1, 0)


def _story(n: Notice, pages: dict[str, int], keep_last: bool) -> list[Any]:
    """The flowables of a notice. With ``keep_last`` the end of the body (the closing
    paragraphs and the section or table rows before them) moves with the signature, so the
    signature and a closing sentence never stand alone on a page."""
    styles = _styles(n.red)
    size, lines = _title_lines(n.title, _AVAIL)
    title_style = ParagraphStyle(
        "title_fit", parent=styles["title"], fontSize=size, leading=size * 1.5
    )
    story: list[Any] = [Paragraph("<br/>".join(escape(line) for line in lines), title_style)]
    if n.doc_number:
        story.append(_p(n.doc_number, styles["number"]))
    if n.red:
        story.append(
            HRFlowable(width="100%", thickness=1.6, color=RED, spaceBefore=2, spaceAfter=8)
        )
    else:
        story.append(Spacer(1, 6))
    if n.salutation:
        story.append(_p(n.salutation, styles["salutation"]))
    blocks: list[Block] = [*n.body]
    if n.table is not None:
        blocks.append(n.table)
    blocks.extend(n.closing)
    carried: list[Block] = []
    if keep_last and blocks:
        blocks, carried = _split_tail(blocks)
    # A table split in two keeps the same column widths on both pages.
    widths: dict[int, list[float]] = {}
    if carried and isinstance(carried[0], Table) and blocks and isinstance(blocks[-1], Table):
        whole = Table(
            header=carried[0].header,
            rows=[*blocks[-1].rows, *carried[0].rows],
            widths=carried[0].widths,
            align=carried[0].align,
        )
        widths[id(blocks[-1])] = widths[id(carried[0])] = _column_widths(whole, _AVAIL)
    # "body" marks the page where the body's content ends (before the closing paragraphs): a
    # signature on a later page stands with nothing but closing sentences.
    mark_at = len(blocks) if keep_last else _content_end(blocks)
    for i, b in enumerate(blocks):
        if i == mark_at:
            story.append(_Mark(pages, "body"))
        story += _flowable(b, styles, widths.get(id(b)))
    if mark_at >= len(blocks):
        story.append(_Mark(pages, "body"))
    tail: list[Any] = [_Mark(pages, "signature")]
    for b in carried:
        tail += _flowable(b, styles, widths.get(id(b)))
    if n.basis:
        tail.append(_p("依据：" + "；".join(n.basis), styles["basis"]))
    tail += [Spacer(1, 22), _p(n.issuer, styles["sign"]), _p(cn_date(n.date), styles["sign"])]
    story.append(KeepTogether(tail))
    return story


def notice(n: Notice, *, missing: Missing = "raise", out: BinaryIO | None = None) -> bytes:
    """公告: any public notice on A4, as PDF bytes (also written to ``out`` when given)."""
    with rendering():
        guard = Guard(missing)
        checked = _checked(n, guard)
        guard.finish()
        font = register_font()

        def build(total: int | None, keep_last: bool) -> tuple[bytes, int, dict[str, int]]:
            pages = 0
            marks: dict[str, int] = {}

            def on_page(c: Any, doc: Any) -> None:
                nonlocal pages
                pages = doc.page
                if total is not None:
                    c.saveState()
                    c.setFont(font, 9.5)
                    c.drawCentredString(A4_W / 2, 12 * MM, f"第 {doc.page} 页 共 {total} 页")
                    c.restoreState()

            buf = io.BytesIO()
            doc = SimpleDocTemplate(
                buf,
                pagesize=(A4_W, A4_H),
                leftMargin=_MARGIN_X,
                rightMargin=_MARGIN_X,
                topMargin=_MARGIN_TOP,
                bottomMargin=_MARGIN_BOTTOM,
                title=checked.title,
                creator="huanjie",
                author="",
                invariant=1,
                lang="zh-CN",
            )
            story = _story(checked, marks, keep_last)
            doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
            return buf.getvalue(), pages, marks

        # Pass 1 counts the pages and finds a signature with only closing sentences on its page;
        # pass 2 (again if the end of the body had to move) prints "第 N 页 共 M 页".
        _, count, marks = build(None, keep_last=False)
        keep_last = marks.get("signature", 0) > marks.get("body", 0)
        if keep_last:
            _, count, _ = build(None, keep_last=True)
        data, _, _ = build(count, keep_last=keep_last)
        if out is not None:
            out.write(data)
        return data


# --------------------------------------------------------------------------------------
# The election's notices
# --------------------------------------------------------------------------------------


def _numbered(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    return [[str(i), *row] for i, row in enumerate(rows, start=1)]


def _drop_empty_columns(header: list[str], rows: list[list[str]], keep: int) -> Table:
    """Leave out optional columns (index >= keep) that are empty in every row."""
    cols = [i for i in range(len(header)) if i < keep or any(r[i] for r in rows)]
    return Table(header=[header[i] for i in cols], rows=[[r[i] for i in cols] for r in rows])


def _emit(n: Notice, missing: Missing, out: BinaryIO | None) -> bytes:
    return notice(n, missing=missing, out=out)


@dataclass(frozen=True, kw_only=True)
class ProxyPair:
    """A principal (委托人) and the proxy (受托人) authorised to vote for them."""

    principal: str
    proxy: str
    relation: str  # 受托人系委托人的… e.g. 儿子
    principal_group: str = ""  # 村民小组
    note: str = ""


def proxy_voting_notice(
    *,
    election: str,
    issuer: str,
    date: date,
    pairs: Sequence[ProxyPair],
    title: str | None = None,
    intro: str | None = None,
    closing: Sequence[str] = ("对以上名单有异议的，请向村民选举委员会反映。",),
    basis: Sequence[str] = (f"{ORGANIC_LAW}第十五条第四款",),
    doc_number: str = "",
    red: bool = False,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """委托投票公告: the principals and their proxies (组织法 第十五条第四款)."""
    header = ["序号", "委托人", "村民小组", "受托人", "与委托人关系", "备注"]
    rows = _numbered([[p.principal, p.principal_group, p.proxy, p.relation, p.note] for p in pairs])
    return _emit(
        Notice(
            title=title or f"{election}委托投票公告",
            issuer=issuer,
            date=date,
            doc_number=doc_number,
            body=[
                intro
                or f"根据{ORGANIC_LAW}第十五条第四款的规定，选举期间外出不能参加投票的选民，"
                f"可以书面委托本村有选举权的近亲属代为投票。经村民选举委员会审核，现将{election}"
                f"委托人和受托人名单公布如下（委托人共{len(pairs)}人）："
            ],
            table=_drop_empty_columns(header, rows, keep=5),
            closing=closing,
            basis=basis,
            red=red,
        ),
        missing,
        out,
    )


@dataclass(frozen=True, kw_only=True)
class ObjectionDecision:
    """One objection (申诉) and the committee's decision on it."""

    applicant: str  # 申诉人
    matter: str  # 申诉事项
    decision: str  # 处理决定
    reason: str = ""  # 理由 / 依据
    received: date | None = None  # 收到申诉日期


def objection_decisions_notice(
    *,
    election: str,
    issuer: str,
    date: date,
    decisions: Sequence[ObjectionDecision],
    title: str | None = None,
    intro: str | None = None,
    closing: Sequence[str] = (),
    basis: Sequence[str] = (f"{ORGANIC_LAW}第十四条第二款",),
    doc_number: str = "",
    red: bool = False,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """申诉处理决定公告: the committee's decisions on objections to the voter list."""
    header = ["序号", "申诉人", "申诉事项", "处理决定", "理由", "收到申诉日期"]
    rows = _numbered(
        [
            [d.applicant, d.matter, d.decision, d.reason, cn_date(d.received) if d.received else ""]
            for d in decisions
        ]
    )
    return _emit(
        Notice(
            title=title or f"{election}申诉处理决定公告",
            issuer=issuer,
            date=date,
            doc_number=doc_number,
            body=[
                intro
                or f"根据{ORGANIC_LAW}第十四条第二款的规定，村民选举委员会对收到的"
                f"{cn_number(len(decisions)) if len(decisions) < 100 else len(decisions)}件申诉"
                "作出了处理决定，现将处理结果公布如下："
            ],
            table=_drop_empty_columns(header, rows, keep=4),
            closing=closing,
            basis=basis,
            red=red,
        ),
        missing,
        out,
    )


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A candidate as listed in a notice; details are optional and shown in a table if any."""

    name: str
    sex: str = ""
    age: int | None = None
    note: str = ""  # e.g. 现任村委会委员, 文化程度


@dataclass(frozen=True, kw_only=True)
class PostCandidates:
    """The candidates for one post (主任, 副主任, 委员, 妇女委员), in the order to print."""

    post: str
    candidates: Sequence[Candidate]
    seats: int | None = None  # 应选名额


def candidate_list_notice(
    *,
    stage: Literal["preliminary", "final"],
    election: str,
    issuer: str,
    date: date,
    posts: Sequence[PostCandidates],
    order_note: str = "按姓氏笔画排序",
    title: str | None = None,
    intro: str | None = None,
    closing: Sequence[str] = (),
    basis: Sequence[str] = (f"{ORGANIC_LAW}第十五条第一款",),
    doc_number: str = "",
    red: bool = False,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """初步候选人名单公告 (``stage="preliminary"``) or 正式候选人名单公告 (``"final"``).

    One section per post, names in the order given (the core sorts them), each section noting
    ``order_note``.
    """
    if stage not in ("preliminary", "final"):
        raise ValueError("stage must be 'preliminary' or 'final'")
    label = "初步候选人" if stage == "preliminary" else "正式候选人"
    how = "经登记参加选举的村民直接提名，" if stage == "preliminary" else ""
    body: list[Block] = [
        intro or f"根据{ORGANIC_LAW}第十五条的规定，{how}现将{election}{label}名单公布如下："
    ]
    for i, post in enumerate(posts, start=1):
        seats = f"应选{post.seats}名，" if post.seats is not None else ""
        body.append(
            Heading(
                f"{cn_number(i)}、{post.post}{label}（{seats}{label}{len(post.candidates)}名，{order_note}）"
            )
        )
        detailed = any(c.sex or c.age is not None or c.note for c in post.candidates)
        if detailed:
            rows = _numbered(
                [
                    [c.name, c.sex, "" if c.age is None else str(c.age), c.note]
                    for c in post.candidates
                ]
            )
            body.append(_drop_empty_columns(["序号", "姓名", "性别", "年龄", "备注"], rows, keep=2))
        else:
            body.append(Names([c.name for c in post.candidates]))
    return _emit(
        Notice(
            title=title or f"{election}{label}名单公告",
            issuer=issuer,
            date=date,
            doc_number=doc_number,
            body=body,
            closing=closing,
            basis=basis,
            red=red,
        ),
        missing,
        out,
    )


@dataclass(frozen=True, kw_only=True)
class CommitteeMember:
    """A member of the villagers' election committee (村民选举委员会)."""

    name: str
    role: str  # 主任 / 副主任 / 委员
    sex: str = ""
    note: str = ""


def election_committee_notice(
    *,
    title: str,
    issuer: str,
    date: date,
    members: Sequence[CommitteeMember],
    chosen_by: str = "村民代表会议",  # 村民会议 / 村民代表会议 / 各村民小组会议 (第十二条)
    chosen_on: date | None = None,
    intro: str | None = None,
    closing: Sequence[str] = (),
    basis: Sequence[str] = (f"{ORGANIC_LAW}第十二条",),
    doc_number: str = "",
    red: bool = False,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """村民选举委员会成员公告: who was chosen, by which meeting (组织法 第十二条)."""
    when = f"于{cn_date(chosen_on)}" if chosen_on else ""
    header = ["序号", "职务", "姓名", "性别", "备注"]
    rows = _numbered([[m.role, m.name, m.sex, m.note] for m in members])
    return _emit(
        Notice(
            title=title,
            issuer=issuer,
            date=date,
            doc_number=doc_number,
            body=[
                intro
                or f"根据{ORGANIC_LAW}第十二条的规定，经{chosen_by}{when}推选，"
                f"村民选举委员会由以下{len(members)}名成员组成，现予公布："
            ],
            table=_drop_empty_columns(header, rows, keep=3),
            closing=closing,
            basis=basis,
            red=red,
        ),
        missing,
        out,
    )


@dataclass(frozen=True, kw_only=True)
class EvaluationResult:
    """The democratic evaluation (民主评议/测评) of one committee member."""

    name: str
    post: str
    counts: Sequence[int]  # votes per label, in the order of ``labels``
    conclusion: str = ""  # 测评结果, as decided by the caller


def evaluation_results_notice(
    *,
    title: str,
    issuer: str,
    date: date,
    results: Sequence[EvaluationResult],
    labels: Sequence[str] = ("称职", "基本称职", "不称职"),
    meeting: str = "村民代表会议",
    held_on: date | None = None,
    participants: int | None = None,
    intro: str | None = None,
    closing: Sequence[str] = (),
    basis: Sequence[str] = (f"{ORGANIC_LAW}第三十三条",),
    doc_number: str = "",
    red: bool = False,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """民主测评结果公告: votes per rating for each member (组织法 第三十三条)."""
    for r in results:
        if len(r.counts) != len(labels):
            raise ValueError(f"{r.name}: {len(r.counts)} counts for {len(labels)} labels")
    when = f"于{cn_date(held_on)}" if held_on else ""
    who = f"（参加测评{participants}人）" if participants is not None else ""
    header = ["序号", "姓名", "职务", *labels, "测评结果"]
    rows = _numbered([[r.name, r.post, *map(str, r.counts), r.conclusion] for r in results])
    table = _drop_empty_columns(header, rows, keep=3 + len(labels))
    right: list[Align] = ["right"] * len(labels)
    aligned: list[Align] = ["center", "left", "left", *right]
    aligned += ["left"] * (len(table.header) - len(aligned))
    return _emit(
        Notice(
            title=title,
            issuer=issuer,
            date=date,
            doc_number=doc_number,
            body=[
                intro
                or f"根据{ORGANIC_LAW}第三十三条的规定，本村{when}召开{meeting}{who}，"
                "对村民委员会成员履行职责情况进行了民主评议，现将测评结果公布如下："
            ],
            table=Table(header=table.header, rows=table.rows, align=aligned),
            closing=closing,
            basis=basis,
            red=red,
        ),
        missing,
        out,
    )


@dataclass(frozen=True, kw_only=True)
class AuditItem:
    """One line of an audit's result table."""

    item: str  # 审计事项
    amount: str = ""  # 金额（元）, formatted by the caller
    note: str = ""  # 说明


def audit_results_notice(
    *,
    title: str,
    issuer: str,
    date: date,
    subject: str,  # 青山村第十一届村民委员会成员
    auditor: str,  # 某某镇人民政府
    findings: Sequence[str] = (),
    items: Sequence[AuditItem] = (),
    kind: str = "任期和离任经济责任审计",
    intro: str | None = None,
    closing: Sequence[str] = (),
    basis: Sequence[str] = (f"{ORGANIC_LAW}第三十五条",),
    doc_number: str = "",
    red: bool = False,
    missing: Missing = "raise",
    out: BinaryIO | None = None,
) -> bytes:
    """财务审计结果公告 (组织法 第三十五条: 离任审计结果应当在换届选举前公布)."""
    body: list[Block] = [
        intro
        or f"根据{ORGANIC_LAW}第三十五条的规定，{auditor}组织对{subject}进行了{kind}，"
        "现将审计结果公布如下：",
        *findings,
    ]
    table = None
    if items:
        rows = _numbered([[i.item, i.amount, i.note] for i in items])
        t = _drop_empty_columns(["序号", "审计事项", "金额（元）", "说明"], rows, keep=2)
        aligns: list[Align] = [
            "right" if h == "金额（元）" else "center" if h == "序号" else "left" for h in t.header
        ]
        table = Table(header=t.header, rows=t.rows, align=aligns)
    return _emit(
        Notice(
            title=title,
            issuer=issuer,
            date=date,
            doc_number=doc_number,
            body=body,
            table=table,
            closing=closing,
            basis=basis,
            red=red,
        ),
        missing,
        out,
    )
