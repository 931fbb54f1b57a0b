"""The one font every form is printed in, bundled so every install prints the same.

WenQuanYi Micro Hei (文泉驿微米黑, ``fonts/wqy-microhei.ttc``, Apache-2.0; see
``fonts/LICENSE-WenQuanYiMicroHei.txt``). It has TrueType outlines, which reportlab needs to
embed a subset in each PDF (CFF/OTF fonts such as Noto CJK are refused, and
``UnicodeCIDFont`` does not embed at all). It covers Latin, digits, CJK punctuation and all
20,902 characters of the basic CJK block (U+4E00–U+9FA5), not CJK Extension A or B: a name
with such a character (䶮, 𠮷) is reported by :func:`missing_characters` and refused by the
builders (see ``_guard.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = "wqy-microhei.ttc"
FONT_LICENCE_FILE = "LICENSE-WenQuanYiMicroHei.txt"

# Characters that are layout, not ink: never looked up in the font.
_LAYOUT = frozenset("\n\r\t")


def font_path() -> Path:
    """The bundled font file."""
    return Path(__file__).resolve().parent / "fonts" / FONT_FILE


@functools.cache
def register_font() -> str:
    """Register the bundled font with reportlab once per process; return its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME


@functools.cache
def _coverage() -> frozenset[int]:
    font = pdfmetrics.getFont(register_font())
    return frozenset(font.face.charToGlyph)


def covers(char: str) -> bool:
    """Whether the bundled font has a glyph for ``char`` (one character)."""
    return char in _LAYOUT or ord(char) in _coverage()


def missing_characters(texts: Iterable[str]) -> dict[str, list[str]]:
    """Characters the font cannot print, each with the texts it occurs in (in input order).

    Callers can use this to check a roll before printing, e.g. to ask the officer to confirm
    a rare character in a name. Empty when everything prints.
    """
    cover = _coverage()
    found: dict[str, list[str]] = {}
    for text in texts:
        for char in set(text):
            if char not in _LAYOUT and ord(char) not in cover:
                found.setdefault(char, []).append(text)
    return dict(sorted(found.items(), key=lambda item: ord(item[0])))


@functools.cache
def _unit_widths() -> dict[str, float]:
    return {}


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` (per-character widths, cached)."""
    cache = _unit_widths()
    total = 0.0
    for char in text:
        w = cache.get(char)
        if w is None:
            w = pdfmetrics.stringWidth(char, register_font(), 1000) / 1000
            cache[char] = w
        total += w
    return total * size
