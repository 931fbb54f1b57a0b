"""What a public document may carry: every glyph printable, and no full ID number.

Each builder passes every string it will print through one :class:`Guard` *before* drawing
anything, then calls :meth:`Guard.finish`. Nothing is written when a check fails.

- **Full ID numbers.** Any run of 17 digits and a check character (or 15 digits, the first
  generation of ID cards) is refused with :class:`UnmaskedIdError`, wherever it appears
  (a name, a note, a table cell). Digits separated by spaces or hyphens are joined first.
  The ID column of the voter list must in addition *look* masked (:func:`check_masked_id`).
- **Missing glyphs.** A character the bundled font cannot draw would print as an empty box.
  With ``missing="raise"`` (the default) the builder raises :class:`MissingCharactersError`,
  listing every such character and where it occurs. With ``missing="mark"`` each one is
  printed as the geta mark 〓 (U+3013), the printers' sign for "character to be written in
  by hand", so the officer can complete it with a pen; callers that choose this should first
  show the list from :func:`huanjie.printing.missing_characters`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from huanjie.printing._fonts import _LAYOUT, _coverage

Missing = Literal["raise", "mark"]
MARK = "〓"

_JOINERS = re.compile(r"(?<=\d)[ \u3000\-‐－](?=\d)")
_FULL_ID = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
_MASK_CHARS = frozenset("*＊")
_ID_CHARS = frozenset("0123456789Xx*＊")
_MIN_MASKED = 6
_MAX_VISIBLE = 10


class UnmaskedIdError(ValueError):
    """A public document would carry a full (or insufficiently masked) ID number."""


class MissingCharactersError(ValueError):
    """The bundled font cannot print some characters.

    ``missing`` maps each character to where it occurs: ``第6名选民（刘䶮）“刘䶮”``.
    """

    def __init__(self, missing: Mapping[str, Sequence[str]]) -> None:
        self.missing: dict[str, list[str]] = {c: list(t) for c, t in missing.items()}
        listed = "；".join(
            f"“{c}”（U+{ord(c):04X}，见：{'、'.join(t[:3])}{'等' if len(t) > 3 else ''}）"
            for c, t in self.missing.items()
        )
        super().__init__(f"字库中没有以下字符，不能打印（不会以空白代替）：{listed}")


def find_full_ids(text: str) -> list[str]:
    """Every full 18-digit (or 15-digit) ID-like number in ``text``."""
    return _FULL_ID.findall(_JOINERS.sub("", text))


def _redact(text: str) -> str:
    """``text`` with every ID-like run masked, for error messages (they end up in logs)."""
    joined = _JOINERS.sub("", text)
    return _FULL_ID.sub(
        lambda m: m.group()[:6] + "*" * (len(m.group()) - 10) + m.group()[-4:], joined
    )


def check_masked_id(value: str, where: str = "") -> str:
    """Refuse an ID that is not visibly masked; return it unchanged.

    Accepted: empty, or 15 to 18 characters of digits, ``X`` and ``*``, with at least six
    ``*`` and at most ten visible characters (``330523********1234``).
    """
    if not value:
        return value
    compact = value.replace(" ", "")
    masked = sum(1 for c in compact if c in _MASK_CHARS)
    if (
        not 15 <= len(compact) <= 18
        or not set(compact) <= _ID_CHARS
        or masked < _MIN_MASKED
        or len(compact) - masked > _MAX_VISIBLE
    ):
        raise UnmaskedIdError(
            f"公开文书中的身份证号码必须已作遮蔽处理（如 330523********1234）：{where}{_redact_any(compact)}"
        )
    return value


def _redact_any(value: str) -> str:
    """A refused ID value shown with its middle hidden, whatever its shape."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


class Guard:
    """Checks the strings of one document and replaces missing glyphs when asked to."""

    def __init__(self, missing: Missing = "raise") -> None:
        if missing not in ("raise", "mark"):
            raise ValueError(f"missing must be 'raise' or 'mark', not {missing!r}")
        self._mode = missing
        self._cover = _coverage()
        self._missing: dict[str, list[str]] = {}
        self._ids: list[str] = []

    def __call__(self, text: str, where: str = "") -> str:
        """Check one string; return what to print (with 〓 for missing glyphs in mark mode)."""
        if any(c.isdigit() for c in text) and find_full_ids(text):
            self._ids.append(f"{where}{_redact(text)}")
        cover = self._cover
        bad = [c for c in text if ord(c) not in cover and c not in _LAYOUT]
        if not bad:
            return text
        entry = f"{where}“{text}”" if where else text
        for c in dict.fromkeys(bad):
            self._missing.setdefault(c, []).append(entry)
        if self._mode == "mark":
            return "".join(MARK if c in bad else c for c in text)
        return text

    def finish(self) -> None:
        """Raise for what was found: full IDs first, then missing glyphs (raise mode)."""
        if self._ids:
            shown = "；".join(self._ids[:5]) + ("……" if len(self._ids) > 5 else "")
            raise UnmaskedIdError(
                f"公开文书不得出现完整的身份证号码（共 {len(self._ids)} 处）：{shown}"
            )
        if self._missing and self._mode == "raise":
            raise MissingCharactersError(
                dict(sorted(self._missing.items(), key=lambda item: ord(item[0])))
            )

    @property
    def marked(self) -> dict[str, list[str]]:
        """Characters replaced by 〓 (mark mode), with their texts."""
        return dict(self._missing) if self._mode == "mark" else {}
