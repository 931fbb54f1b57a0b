"""Official ordering of names by strokes: 按姓氏笔画排序 / 按姓名笔画排序.

Characters are compared one by one from the first character of the name
(rules.md §7, GF 3003-1999 as summarised in docs/names.md):

1. fewer total strokes first;
2. same count: the stroke-type sequence, stroke by stroke, 横1 < 竖2 < 撇3 < 点4
   < 折5 (提 counts as 横, 竖钩 as 竖, 捺 as 点, other hooks and turns as 折);
3. same count and sequence: structure, 左右形 before 上下形 before 整体形 (独体,
   包围); then main shape before attached shape (横 before 提, 竖 before 竖钩, 点
   before 捺, 折笔 in GF 2001 order); then the code point as a deterministic
   last resort.  :func:`audit` reports every place where the order of two names
   depends on one of these tie-breaks, for manual confirmation;
4. same character: the next character.  Under the 姓氏笔画 convention
   (``convention="surname"``, the default; the Party congress lists), a
   two-character name is read as surname + blank + given name, so single given
   names come before double ones of the same surname (高富 before 高大富, 王毅
   before 王小洪).  Under the 姓名笔画 convention (``convention="fullname"``; the
   NPC deputies lists) there is no blank: 王刚 sorts between 王立彤 and 王连灵,
   and a name that is a prefix of another comes first;
5. compound surnames are not summed: 欧阳 is compared 欧 then 阳.

Whitespace (``"王  刚"``) and the separators of transliterated names
(``阿不都热依木·吾斯曼``: ``·``, ``•``, ``.``, ``・`` and their full-width forms)
are ignored.  Traditional characters are read as their simplified form
(張 sorts as 张); the original strings are returned unchanged.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from huanjie.core.names._table import StrokeTable, table

Convention = Literal["surname", "fullname"]
"""``"surname"``: 按姓氏笔画 (two-character names take a blank after the surname);
``"fullname"``: 按姓名笔画 (plain character-by-character comparison)."""

Source = Literal["data", "override", "count-only", "unknown"]
TieLevel = Literal["structure", "subshape", "codepoint"]

CharKey = tuple[int, str, int, str, int]
"""(total strokes, stroke sequence 1-5, structure 1-3, sub-shape code, code point)."""

SortKey = tuple[CharKey | tuple[()], ...]
"""One :data:`CharKey` per character; ``()`` is the 姓氏笔画 blank."""

#: Separators inside transliterated names (after NFKC, which already folds
#: full-width ``．`` to ``.``, ``･`` to ``・`` and Greek ``·`` to ``·``).
SEPARATORS = "\u00b7\u2022\u2027\u2219\u22c5\u2e31\u30fb\ua78f\u16eb\u2024.\u3002"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

_UNKNOWN_STROKES = 1_000_000  # unknown characters sort after every known one
_COUNT_ONLY_SEQ = "9"  # after every real sequence of the same stroke count
_NO_STRUCTURE = 9  # structure unknown: after 1 左右形, 2 上下形, 3 整体形
_BLANK = "\x01"  # the 姓氏笔画 blank in rank strings; ranks start at 2
_FLAGGED: frozenset[str] = frozenset({"count-only", "unknown"})
_DROP: dict[int, None] = {ord(ch): None for ch in SEPARATORS + _ZERO_WIDTH + _WHITESPACE}


@dataclass(frozen=True, slots=True)
class CharInfo:
    """How one character of a name is keyed."""

    char: str
    """The character as written (after Unicode NFKC normalisation)."""
    simplified: str
    """The character used for the key (simplified form, unless overridden)."""
    strokes: int | None
    sequence: str | None
    """Stroke types, one digit per stroke: 1 横 2 竖 3 撇 4 点 5 折."""
    structure: int | None
    """1 左右形, 2 上下形, 3 整体形 (独体, 包围), or None if unknown."""
    source: Source
    """``data``: bundled table; ``override``: caller's mapping; ``count-only``:
    stroke count without sequence (flagged); ``unknown``: no data (flagged)."""
    subshape: str | None = None
    """Sub-shape code per stroke (tie-break 3), from the bundled table."""


@dataclass(frozen=True, slots=True)
class NameKey:
    """The explanation of one name's sort key."""

    name: str
    normalized: str
    """Whitespace and separators removed, traditional characters simplified."""
    chars: tuple[CharInfo, ...]
    flagged: list[str]
    """Characters that need manual confirmation (no stroke sequence, or no data)."""
    blank_after_surname: bool
    """True when the 姓氏笔画 blank is inserted (two-character name)."""
    key: SortKey


@dataclass(frozen=True, slots=True)
class CharTie:
    """Two characters ordered only by a tie-break below the stroke sequence."""

    first: str
    second: str
    level: TieLevel
    """``structure``: decided by the structure rule (左右形, 上下形, 整体形);
    ``subshape``: by 先主后附/折笔 order (approximate data); ``codepoint``: by
    the code point only, no rule applied: check by hand."""


@dataclass(frozen=True, slots=True)
class SortAudit:
    """What an official should confirm by hand before publishing an order."""

    order: list[str]
    flagged: dict[str, Source]
    """Characters without a stroke sequence (``count-only``) or without data."""
    ties: list[CharTie]
    """Neighbouring names whose order depends on a character tie-break."""
    duplicates: list[list[str]]
    """Groups of names with identical keys not separated by ``name_ranks``
    (they keep their input order)."""


# --------------------------------------------------------------------------- #
# Normalisation


@functools.cache
def _base_translation() -> dict[int, str | None]:
    trans: dict[int, str | None] = {ord(t): s for t, s in table().t2s.items()}
    trans.update(_DROP)
    return trans


def _translation(overrides: Mapping[str, str] | None) -> dict[int, str | None]:
    base = _base_translation()
    if not overrides:
        return base
    trans = dict(base)
    for ch in overrides:  # an overridden traditional character is keyed as written
        if trans.get(ord(ch)) is not None:
            del trans[ord(ch)]
    return trans


def _clean(name: str) -> str:
    """NFKC, without whitespace or separators (traditional characters kept)."""
    return unicodedata.normalize("NFKC", name).translate(_DROP)


def normalize(name: str, *, overrides: Mapping[str, str] | None = None) -> str:
    """The string the key is computed from: NFKC, whitespace and separators
    removed, traditional characters replaced by their simplified form."""
    ov = _check_overrides(overrides)
    return unicodedata.normalize("NFKC", name).translate(_translation(ov))


def _check_overrides(overrides: Mapping[str, str] | None) -> dict[str, str] | None:
    if not overrides:
        return None
    out: dict[str, str] = {}
    for ch, seq in overrides.items():
        key = unicodedata.normalize("NFKC", ch)
        if len(key) != 1:
            raise ValueError(f"override key must be one character, got {ch!r}")
        if not seq or any(d not in "12345" for d in seq):
            raise ValueError(
                f"override for {ch!r} must be stroke types 1-5 (横竖撇点折), got {seq!r}"
            )
        out[key] = seq
    return out


def _check_convention(convention: str) -> None:
    if convention not in ("surname", "fullname"):
        raise ValueError(f"convention must be 'surname' or 'fullname', got {convention!r}")


# --------------------------------------------------------------------------- #
# Character keys


def _info(ch: str, tbl: StrokeTable, overrides: Mapping[str, str] | None) -> CharInfo:
    simp = ch if overrides and ch in overrides else tbl.t2s.get(ch, ch)
    rec = tbl.sequences.get(simp)
    if overrides and simp in overrides:
        seq = overrides[simp]
        struct = None if rec is None or rec[2] == _NO_STRUCTURE else rec[2]
        return CharInfo(ch, simp, len(seq), seq, struct, "override")
    if rec is not None:
        struct = None if rec[2] == _NO_STRUCTURE else rec[2]
        return CharInfo(ch, simp, rec[0], rec[1], struct, "data", rec[3])
    n = tbl.counts.get(simp)
    if n is not None:
        return CharInfo(ch, simp, n, None, None, "count-only")
    return CharInfo(ch, simp, None, None, None, "unknown")


def _key_of(info: CharInfo) -> CharKey:
    cp = ord(info.simplified)
    struct = _NO_STRUCTURE if info.structure is None else info.structure
    if info.source == "unknown" or info.strokes is None:
        return (_UNKNOWN_STROKES, "", struct, "", cp)
    if info.sequence is None:
        return (info.strokes, _COUNT_ONLY_SEQ, struct, "", cp)
    return (info.strokes, info.sequence, struct, info.subshape or "", cp)


_KEY_CACHE: dict[str, CharKey] = {}


def _char_key(ch: str, overrides: Mapping[str, str] | None = None) -> CharKey:
    """Key of a character of a normalised name (already simplified)."""
    if overrides and ch in overrides:
        return _key_of(_info(ch, table(), overrides))
    key = _KEY_CACHE.get(ch)
    if key is None:
        key = _KEY_CACHE[ch] = _key_of(_info(ch, table(), None))
    return key


# --------------------------------------------------------------------------- #
# Public API


def sort_key(
    name: str,
    *,
    overrides: Mapping[str, str] | None = None,
    convention: Convention = "surname",
) -> SortKey:
    """A comparable key: ``sorted(names, key=sort_key)`` gives the official order
    (ties between names with equal keys keep their input order)."""
    _check_convention(convention)
    ov = _check_overrides(overrides)
    norm = unicodedata.normalize("NFKC", name).translate(_translation(ov))
    keys: list[CharKey | tuple[()]] = [_char_key(ch, ov) for ch in norm]
    if convention == "surname" and len(keys) == 2:
        keys.insert(1, ())
    return tuple(keys)


def explain(
    name: str,
    *,
    overrides: Mapping[str, str] | None = None,
    convention: Convention = "surname",
) -> NameKey:
    """Explain how a name is keyed, character by character."""
    _check_convention(convention)
    ov = _check_overrides(overrides)
    tbl = table()
    infos = tuple(_info(ch, tbl, ov) for ch in _clean(name))
    flagged: list[str] = []
    for info in infos:
        if info.source in _FLAGGED and info.char not in flagged:
            flagged.append(info.char)
    blank = convention == "surname" and len(infos) == 2
    keys: list[CharKey | tuple[()]] = [_key_of(info) for info in infos]
    if blank:
        keys.insert(1, ())
    return NameKey(
        name=name,
        normalized="".join(info.simplified for info in infos),
        chars=infos,
        flagged=flagged,
        blank_after_surname=blank,
        key=tuple(keys),
    )


def _rank_keys(
    names: list[str], overrides: dict[str, str] | None, convention: Convention
) -> tuple[list[str], list[str], dict[str, str]]:
    """Normalised names and, for each, a string whose code points are the ranks
    of its characters in stroke order: comparing these strings compares the
    names (fast: the sort then runs on plain ``str`` comparisons).  The third
    result maps each rank symbol back to its character."""
    trans = _translation(overrides)
    normed = [unicodedata.normalize("NFKC", s).translate(trans) for s in names]
    ckeys = {ch: _char_key(ch, overrides) for ch in set("".join(normed))}
    ranks: dict[int, str] = {}
    for i, ch in enumerate(sorted(ckeys, key=ckeys.__getitem__), start=2):
        ranks[ord(ch)] = chr(i if i < 0xD800 else i + 0x800)  # skip surrogates
    keys = [s.translate(ranks) for s in normed]
    if convention == "surname":
        keys = [k if len(k) != 2 else k[0] + _BLANK + k[1] for k in keys]
    return normed, keys, {r: chr(c) for c, r in ranks.items()}


def _secondary(
    names: list[str], normed: list[str], name_ranks: Mapping[str, int] | None
) -> list[tuple[int, int]] | None:
    """Explicit ranks for names with identical keys: ranked names first."""
    if not name_ranks:
        return None
    out: list[tuple[int, int]] = []
    for orig, norm in zip(names, normed, strict=True):
        rank = name_ranks.get(orig)
        if rank is None:
            rank = name_ranks.get(norm)
        out.append((1, 0) if rank is None else (0, rank))
    return out


def _order(keys: list[str], second: list[tuple[int, int]] | None) -> list[int]:
    if second is None:
        return sorted(range(len(keys)), key=keys.__getitem__)
    return sorted(range(len(keys)), key=lambda i: (keys[i], second[i]))


def stroke_sort(
    names: Iterable[str],
    *,
    overrides: Mapping[str, str] | None = None,
    name_ranks: Mapping[str, int] | None = None,
    convention: Convention = "surname",
) -> list[str]:
    """Sort names in official stroke order; returns the original strings.

    ``overrides`` maps a character to its stroke-type sequence (``"12512"``),
    correcting or supplying the bundled data.  ``name_ranks`` maps a name (as
    passed, or normalised) to an explicit rank that orders names whose keys are
    identical (same name, or traditional and simplified spellings); names with
    a rank come first, in rank order, then the others in input order.  The sort
    is stable.
    """
    _check_convention(convention)
    items = list(names)
    if not items:
        return []
    ov = _check_overrides(overrides)
    normed, keys, _ = _rank_keys(items, ov, convention)
    return [items[i] for i in _order(keys, _secondary(items, normed, name_ranks))]


def audit(
    names: Iterable[str],
    *,
    overrides: Mapping[str, str] | None = None,
    name_ranks: Mapping[str, int] | None = None,
    convention: Convention = "surname",
) -> SortAudit:
    """Sort like :func:`stroke_sort` and report what needs manual confirmation."""
    _check_convention(convention)
    items = list(names)
    ov = _check_overrides(overrides)
    normed, keys, unrank = _rank_keys(items, ov, convention)
    second = _secondary(items, normed, name_ranks)
    order = _order(keys, second)
    tbl = table()

    flagged: dict[str, Source] = {}
    for sym in sorted(unrank):
        info = _info(unrank[sym], tbl, ov)
        if info.source in _FLAGGED:
            flagged[info.char] = info.source

    ties: list[CharTie] = []
    seen: set[tuple[str, str]] = set()
    duplicates: list[list[str]] = []
    group: list[str] = []
    for prev, cur in itertools.pairwise(order):
        a, b = keys[prev], keys[cur]
        if a == b and (second is None or second[prev] == second[cur]):
            group = group or [items[prev]]
            group.append(items[cur])
            continue
        if group:
            duplicates.append(group)
            group = []
        i = next((j for j, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
        if i is None or _BLANK in (a[i], b[i]):
            continue
        ca, cb = unrank[a[i]], unrank[b[i]]
        ka, kb = _char_key(ca, ov), _char_key(cb, ov)
        if ka[:2] == kb[:2] and ka[0] != _UNKNOWN_STROKES and (ca, cb) not in seen:
            seen.add((ca, cb))
            level: TieLevel = (
                "structure" if ka[2] != kb[2] else "subshape" if ka[3] != kb[3] else "codepoint"
            )
            ties.append(CharTie(ca, cb, level))
    if group:
        duplicates.append(group)
    return SortAudit(
        order=[items[i] for i in order], flagged=flagged, ties=ties, duplicates=duplicates
    )
