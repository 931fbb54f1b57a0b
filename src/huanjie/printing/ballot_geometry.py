"""Where everything on a ballot (选票) is: the one place that fixes the geometry.

The ballot builder (:mod:`huanjie.printing.ballots`) draws only at the positions given here,
and a later scanner reads marks at the same positions, so nothing here may depend on the
names printed or on the font. It depends only on the *structure* of the ballot: for each post,
how many candidates and how many write-in spaces (另选他人), and the ballot style. The same
structure always gives the same rectangles (``layout``), which the scanner recomputes from the
round the QR code names.

Units are PDF points (1/72 inch), origin at the lower-left corner of the page, as in the
PDF. :meth:`Rect.pixels` turns a rectangle into raster coordinates (origin top-left) at a
given resolution. Everything is described in ``docs/ballots.md``.

Page (every ballot, whatever its posts): A4 portrait, one ballot per sheet.

- Four corner marks (solid black squares, 6 mm, 8 mm in from each edge) frame the page for
  a scanner: their centres give the page's position, scale and skew. The QR code sits at the
  top right, so a page fed upside down is recognised by where the code is found.
- Top: serial number (left), title and subtitle (centre), QR code (right); then the box with
  the instructions (填票说明).
- Body: one section per post, top to bottom, in ballot order.
  *approve* style (villagers' and residents' committees, people's congresses): a label
  column with the post, then cells of ``CELL_W``; each cell has the name above and the mark
  box below (赞成的在姓名下方的空格内划“○”), candidates first, then the write-in cells;
  ``COLUMNS`` cells to a row, further rows below.
  *party* style (党组织): a header row (姓名 赞成 反对 弃权), then one row per candidate and
  per write-in space, with three mark boxes.
- Bottom: the round seal area (盖章处, where the chosen security seal is stamped) and the
  issuing committee, right; nothing is printed on the left so that folds do not cross marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MM = 72 / 25.4  # one millimetre in points

Style = Literal["approve", "party"]

# --- Page ---------------------------------------------------------------------------------

PAGE_W = 210 * MM  # A4 portrait
PAGE_H = 297 * MM
MARGIN = 15 * MM  # left and right edge of all content
CONTENT_W = PAGE_W - 2 * MARGIN  # 180 mm


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in points, lower-left corner ``x, y``."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def pixels(self, dpi: float) -> tuple[int, int, int, int]:
        """``(left, top, right, bottom)`` in a raster of the page at ``dpi`` (origin top-left)."""
        k = dpi / 72
        return (
            round(self.x * k),
            round((PAGE_H - self.top) * k),
            round(self.right * k),
            round((PAGE_H - self.y) * k),
        )

    def inset(self, d: float) -> Rect:
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)


# Corner marks: solid squares; most printers cannot print the outer 4–5 mm.
CORNER_SIZE = 6 * MM
CORNER_INSET = 8 * MM  # from each edge of the sheet to the outer edge of the mark
CORNER_MARKS: tuple[Rect, ...] = (
    Rect(CORNER_INSET, PAGE_H - CORNER_INSET - CORNER_SIZE, CORNER_SIZE, CORNER_SIZE),  # top left
    Rect(
        PAGE_W - CORNER_INSET - CORNER_SIZE,
        PAGE_H - CORNER_INSET - CORNER_SIZE,
        CORNER_SIZE,
        CORNER_SIZE,
    ),  # top right
    Rect(CORNER_INSET, CORNER_INSET, CORNER_SIZE, CORNER_SIZE),  # bottom left
    Rect(PAGE_W - CORNER_INSET - CORNER_SIZE, CORNER_INSET, CORNER_SIZE, CORNER_SIZE),
)

# --- Header -------------------------------------------------------------------------------

QR_SIZE = 25 * MM  # the square includes the code's four-module quiet zone
QR = Rect(PAGE_W - MARGIN - QR_SIZE + 2 * MM, PAGE_H - 16 * MM - QR_SIZE, QR_SIZE, QR_SIZE)
SERIAL_X = MARGIN  # left end of the serial number (编号)
SERIAL_Y = PAGE_H - 20 * MM  # its baseline, above the title's line
SERIAL_SIZE = 11.0
SERIAL_W = 45 * MM  # the serial never runs wider than this
TITLE_Y = PAGE_H - 29 * MM  # baseline of the title, centred on the page
TITLE_SIZE = 19.0
TITLE_MIN = 13.0
TITLE_W = PAGE_W - 2 * (MARGIN + QR_SIZE) - 8 * MM  # clear of the QR code on both sides
SUBTITLE_Y = PAGE_H - 37 * MM
SUBTITLE_SIZE = 11.0

# The instructions (填票说明): a framed box of fixed height; the text shrinks to fit it.
INSTRUCTIONS = Rect(MARGIN, PAGE_H - 88 * MM, CONTENT_W, 44 * MM)
INSTRUCTIONS_PAD = 2.5 * MM
INSTRUCTIONS_SIZE = 9.5
INSTRUCTIONS_MIN = 7.5
INSTRUCTIONS_LEADING = 1.36  # line height as a multiple of the size

# --- Body ---------------------------------------------------------------------------------

BODY_TOP = INSTRUCTIONS.y - 7 * MM
ORDER_NOTE_Y = BODY_TOP + 2 * MM  # baseline of 候选人按姓氏笔画排序, right-aligned
BODY_BOTTOM = 70 * MM  # 4 mm above the seal area (SEAL.top)
SECTION_GAP = 4 * MM
LABEL_W = 26 * MM  # the post column on the left of every section

# approve style: cells of name over mark box
COLUMNS = 6
CELL_W = (CONTENT_W - LABEL_W) / COLUMNS  # 25.7 mm
NAME_H = 10 * MM
MARK_H = 13 * MM
ROW_H = NAME_H + MARK_H

# party style: 姓名 | 赞成 | 反对 | 弃权
PARTY_CHOICES = ("赞成", "反对", "弃权")
PARTY_NAME_W = 64 * MM
PARTY_MARK_W = (CONTENT_W - LABEL_W - PARTY_NAME_W) / len(PARTY_CHOICES)  # 30 mm
PARTY_HEAD_H = 7 * MM
PARTY_ROW_H = 10 * MM

# --- Footer -------------------------------------------------------------------------------

SEAL = Rect(PAGE_W - MARGIN - 44 * MM, 22 * MM, 44 * MM, 44 * MM)  # a 42 mm round seal fits
COMMITTEE_RIGHT = PAGE_W - MARGIN  # the issuing body, right-aligned under the seal area
COMMITTEE_Y = 17 * MM  # its baseline
COMMITTEE_SIZE = 11.0
COMMITTEE_W = 80 * MM


class LayoutError(ValueError):
    """The posts do not fit on one ballot page. The message names the post that overflows."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One candidate or one write-in space of a section.

    ``marks`` are the boxes where a voter marks: one (approve style) or three (party style:
    赞成, 反对, 弃权, in that order).
    """

    index: int  # position in the section: candidates first (0 …), then write-ins
    write_in: bool
    name: Rect
    marks: tuple[Rect, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """The part of the ballot for one post."""

    post: int  # position of the post on this ballot
    rect: Rect  # the whole section (label column included)
    label: Rect  # the post column
    header: Rect | None  # party style: the row with 姓名 赞成 反对 弃权
    cells: tuple[Cell, ...]


def rows_needed(cells: int, style: Style) -> int:
    """Rows of cells one section takes."""
    if style == "party":
        return cells
    return max(1, -(-cells // COLUMNS))


def section_height(cells: int, style: Style) -> float:
    if style == "party":
        return PARTY_HEAD_H + max(cells, 1) * PARTY_ROW_H
    return rows_needed(cells, style) * ROW_H


def layout(posts: Sequence[tuple[int, int]], style: Style) -> tuple[Section, ...]:
    """Sections for ``posts``, each ``(candidates, write_ins)``, top to bottom.

    Raises :class:`LayoutError` when they do not fit between ``BODY_TOP`` and ``BODY_BOTTOM``.
    """
    if style not in ("approve", "party"):
        raise ValueError(f"style must be 'approve' or 'party', not {style!r}")
    sections: list[Section] = []
    top = BODY_TOP
    for p, (candidates, write_ins) in enumerate(posts):
        if candidates < 0 or write_ins < 0:
            raise ValueError("counts of candidates and write-ins cannot be negative")
        n = candidates + write_ins
        h = section_height(n, style)
        if top - h < BODY_BOTTOM - 0.01:
            raise LayoutError(
                f"第{p + 1}个职务（{candidates}名候选人、{write_ins}个另选他人栏）排不下："
                f"一张选票的正文高 {(BODY_TOP - BODY_BOTTOM) / MM:.0f} 毫米"
            )
        width = CONTENT_W if style == "party" else LABEL_W + min(max(n, 1), COLUMNS) * CELL_W
        rect = Rect(MARGIN, top - h, width, h)  # the frame: the post column and the cells used
        label = Rect(MARGIN, top - h, LABEL_W, h)
        cells: list[Cell] = []
        header: Rect | None = None
        x0 = MARGIN + LABEL_W
        if style == "approve":
            for i in range(n):
                row, col = divmod(i, COLUMNS)
                x = x0 + col * CELL_W
                y_top = top - row * ROW_H
                cells.append(
                    Cell(
                        index=i,
                        write_in=i >= candidates,
                        name=Rect(x, y_top - NAME_H, CELL_W, NAME_H),
                        marks=(Rect(x, y_top - ROW_H, CELL_W, MARK_H),),
                    )
                )
        else:
            header = Rect(x0, top - PARTY_HEAD_H, CONTENT_W - LABEL_W, PARTY_HEAD_H)
            for i in range(n):
                y = top - PARTY_HEAD_H - (i + 1) * PARTY_ROW_H
                marks = tuple(
                    Rect(x0 + PARTY_NAME_W + k * PARTY_MARK_W, y, PARTY_MARK_W, PARTY_ROW_H)
                    for k in range(len(PARTY_CHOICES))
                )
                cells.append(
                    Cell(
                        index=i,
                        write_in=i >= candidates,
                        name=Rect(x0, y, PARTY_NAME_W, PARTY_ROW_H),
                        marks=marks,
                    )
                )
        sections.append(Section(post=p, rect=rect, label=label, header=header, cells=tuple(cells)))
        top -= h + SECTION_GAP
    return tuple(sections)


def fits(posts: Sequence[tuple[int, int]], style: Style) -> bool:
    """Whether ``posts`` fit on one ballot page."""
    try:
        layout(posts, style)
    except LayoutError:
        return False
    return True
