"""Shared drawing helpers: Chinese dates and numbers, line breaking, text, QR codes."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Literal

import segno
from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]

from huanjie.printing._fonts import register_font, text_width

MM: float = mm
A4_W, A4_H = 210 * MM, 297 * MM
BLACK = (0.0, 0.0, 0.0)
RED = (0.78, 0.0, 0.0)  # 公文红, printable by an ordinary colour printer
GREY = (0.45, 0.45, 0.45)

# reportlab keeps per-document state inside the shared font object: one build at a time.
RENDER_LOCK = threading.RLock()

_WEEKDAYS = "一二三四五六日"
_DIGITS = "零一二三四五六七八九"


def cn_date(d: date) -> str:
    """``2027年3月1日`` (Arabic numerals, as GB/T 9704-2012 prescribes for the date line)."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_weekday(d: date) -> str:
    """``星期六``."""
    return "星期" + _WEEKDAYS[d.weekday()]


def cn_number(n: int) -> str:
    """Chinese numerals for 0–99 (五, 十, 二十, 三十五), used in statutory periods."""
    if not 0 <= n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[units] if units else "")


# Line breaking (GB/T 15834 and common practice): closing punctuation never starts a line,
# opening punctuation never ends one; runs of Latin letters and digits (serials, masked IDs)
# stay together unless they are longer than the line.
_CLOSING = frozenset("，。、；：？！）》」』”’〕】…—·%,.;:?!)]}")
_OPENING = frozenset("（《「『“‘〔【([{")
_TOKEN = re.compile(r"[0-9A-Za-z*＊_./:@#+\-]+|.", re.DOTALL)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pending = ""
    for tok in _TOKEN.findall(text):
        if tok in _CLOSING and out and not pending:
            out[-1] += tok
        elif tok in _OPENING:
            pending += tok
        else:
            out.append(pending + tok)
            pending = ""
    if pending:
        out.append(pending)
    return out


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points at ``size``."""
    lines: list[str] = []
    for para in text.split("\n"):
        if text_width(para, size) <= width:
            lines.append(para)
            continue
        line, line_w = "", 0.0
        for tok in _tokens(para):
            w = text_width(tok, size)
            if line and line_w + w > width:
                lines.append(line.rstrip())
                line, line_w = "", 0.0
                if tok.isspace():
                    continue
            if w > width:  # a single token longer than the line: break it by character
                for ch in tok:
                    cw = text_width(ch, size)
                    if line and line_w + cw > width:
                        lines.append(line)
                        line, line_w = "", 0.0
                    line += ch
                    line_w += cw
                continue
            line += tok
            line_w += w
        lines.append(line.rstrip())
    return lines


def fit(text: str, size: float, width: float, smallest: float) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``text`` fits one line."""
    w = text_width(text, size)
    if w <= width:
        return size
    return max(smallest, size * width / w * 0.999)


def fit_lines(
    text: str, size: float, width: float, smallest: float, max_lines: int = 99
) -> tuple[float, list[str]]:
    """Shrink to fit one line down to ``smallest``, then wrap (shrinking to stay in ``max_lines``)."""
    s = fit(text, size, width, smallest)
    if text_width(text, s) <= width and "\n" not in text:
        return s, [text]
    if "·" in text and "\n" not in text:  # a transliterated name breaks after its middle dot
        parts = text.split("·")
        lines = [part + "·" for part in parts[:-1]] + [parts[-1]]
        if len(lines) <= max_lines and all(text_width(line, s) <= width for line in lines):
            return s, lines
    lines = wrap(text, s, width)
    while len(lines) > max_lines and s > smallest * 0.75:
        s *= 0.92
        lines = wrap(text, s, width)
    return s, lines


def clause_lines(text: str, size: float, width: float, smallest: float) -> tuple[float, list[str]]:
    """One line if ``text`` fits down to ``smallest``; else lines broken after its commas (a
    clause is never split unless it is wider than the line), at ``size``."""
    s = fit(text, size, width, smallest)
    if text_width(text, s) <= width:
        return s, [text]
    clauses = re.findall(r"[^，、；]+[，、；]?", text)
    lines: list[str] = []
    for clause in clauses:
        if lines and text_width(lines[-1] + clause, size) <= width:
            lines[-1] += clause
        elif text_width(clause, size) <= width:
            lines.append(clause)
        else:
            lines.extend(wrap(clause, size, width))
    return size, lines


def fit_always(text: str, size: float, width: float, smallest: float) -> float:
    """Like :func:`fit`, but smaller than ``smallest`` rather than wider than ``width``: for a
    field that has one line and must never run over its box."""
    s = fit(text, size, width, smallest)
    w = text_width(text, s)
    return s if w <= width else s * width / w * 0.999


def draw_text(
    c: Any,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    align: Literal["left", "center", "right"] = "left",
    bold: bool = False,
    space: float = 0.0,
    color: tuple[float, float, float] = BLACK,
) -> None:
    """Draw one line with its baseline at ``y``; ``bold`` strokes the outline (the font has one weight)."""
    width = text_width(text, size) + space * max(len(text) - 1, 0)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    if not bold and not space:  # the common case, kept cheap: thousands per document
        c.setFillColorRGB(*color)
        c.setFont(register_font(), size)
        c.drawString(x, y, text)
        return
    c.saveState()  # the render mode, char spacing and colours must not leak to later text
    t = c.beginText(x, y)
    t.setFont(register_font(), size)
    t.setFillColorRGB(*color)
    if space:
        t.setCharSpace(space)
    if bold:
        c.setStrokeColorRGB(*color)
        c.setLineWidth(size * 0.035)
        t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


_DARK_RUN = re.compile(rb"[\x01-\xff]+")


def draw_qr(
    c: Any, payload: str, x: float, y: float, size: float, *, mask: int | None = None
) -> None:
    """Draw a QR code (error correction M) filling the square ``size`` at lower-left ``x, y``.

    The square includes a four-module quiet zone, which is left blank. Dark modules of each row
    are merged into runs and filled as one path, so there are no seams between modules.
    """
    qr = segno.make(payload, error="m", micro=False, mask=mask, boost_error=False)
    matrix = qr.matrix
    n = len(matrix)
    module = size / (n + 8)
    ops: list[str] = []
    for r, row in enumerate(matrix):
        yy = n - 1 - r
        for run in _DARK_RUN.finditer(row):
            ops.append(f"{run.start()} {yy} {run.end() - run.start()} 1 re")
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    c.transform(module, 0, 0, module, x + 4 * module, y + 4 * module)
    c.addLiteral("\n".join(ops) + "\nf")
    c.restoreState()


def cut_lines(c: Any, xs: list[float], ys: list[float]) -> None:
    """Dashed light-grey cutting lines across the whole page at the given positions."""
    c.saveState()
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.4)
    c.setDash(3, 3)
    for x in xs:
        c.line(x, 0, x, A4_H)
    for y in ys:
        c.line(0, y, A4_W, y)
    c.restoreState()


@contextmanager
def rendering() -> Iterator[None]:
    """Hold the render lock, register the font, and write binary (not ASCII85) streams.

    reportlab ASCII85-encodes compressed streams by default (a global setting), which makes
    files a quarter bigger and, without its optional C accelerator, costs a fifth of the time
    of a big document. The setting is restored afterwards.
    """
    with RENDER_LOCK:
        register_font()
        before = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = before
