"""Finding people registered twice (不重): the same ID number, or likely the same person.

村民委员会组织法 第十三条第三款 [V]: whoever has registered in the village of their household
registration or of their residence may not take part in another village's election — nobody
votes in two places. Two match keys:

* the ID number (after :func:`huanjie.core.roll.idcard.check` normalisation): the same
  person for certain;
* the name, normalised, with the birth date: *likely* the same person (a number mistyped
  in one register), to be confirmed by a person. Names are normalised with
  :func:`huanjie.core.names.normalize` — NFKC, no whitespace or the separators of
  transliterated names (``·``), traditional characters read as simplified (張偉 = 张伟).

The functions take plain rows and return groups, in a canonical order (each group's
members sorted, groups sorted), so the answer does not depend on the input order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, NamedTuple

from huanjie.core.names import normalize

__all__ = [
    "DuplicateGroup",
    "Person",
    "find_duplicates",
    "group_by",
    "name_key",
    "name_keys",
    "pairs",
]

Kind = Literal["id", "name_birth"]


class Person(NamedTuple):
    """One registration to compare: ``ref`` identifies the row (e.g. ``(election, row)``).

    A named tuple, not a dataclass: a township's rolls make hundreds of thousands."""

    ref: Hashable
    id_number: str
    name_key: str
    birth_date: date


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Registrations sharing a key: ``kind`` ``"id"`` (certain) or ``"name_birth"`` (likely)."""

    kind: Kind
    key: str
    refs: tuple[Hashable, ...]


_NAME_CACHE: Final[dict[str, str]] = {}
# CJK unified ideographs that normalisation leaves as they are (most simplified characters).
# A name made only of these is its own key: such characters never compose with their
# neighbours under NFKC, so checking them one by one is enough.
_STABLE: Final[set[str]] = set()


def name_key(name: str) -> str:
    """The match key of a name: normalised, simplified, without spaces or ``·``."""
    if _STABLE.issuperset(name):
        return name
    key = _NAME_CACHE.get(name)
    if key is None:
        key = normalize(name)
        if key == name:
            for ch in name:
                if "\u4e00" <= ch <= "\u9fff" and normalize(ch) == ch:
                    _STABLE.add(ch)
        if len(_NAME_CACHE) < 1_000_000:
            _NAME_CACHE[name] = key
    return key


def name_keys(names: Iterable[str]) -> list[str]:
    """:func:`name_key` of many names (each distinct name normalised once)."""
    return [name_key(n) for n in names]


def _sort_token(ref: Hashable) -> tuple[str, str]:
    return (type(ref).__name__, repr(ref))


def group_by(pairs: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Refs sharing a key, for every key held by two or more refs, canonically ordered."""
    buckets: defaultdict[Hashable, list[Hashable]] = defaultdict(list)
    for ref, key in pairs:
        buckets[key].append(ref)
    groups = [sorted(refs, key=_sort_token) for refs in buckets.values() if len(refs) > 1]
    groups.sort(key=lambda g: [_sort_token(r) for r in g])
    return groups


Row = Person | tuple[Hashable, str, str, date]


def find_duplicates(people: Iterable[Row]) -> list[DuplicateGroup]:
    """Every group of registrations with the same ID number, then every group with the same
    normalised name and birth date holding at least two different ID numbers (a group with
    one number is already an ID group).

    ``people`` are :class:`Person` values or plain ``(ref, id_number, name_key,
    birth_date)`` tuples (a township's rolls make hundreds of thousands).
    """
    first_id: dict[str, Row] = {}
    many_id: dict[str, list[Row]] = {}
    first_name: dict[tuple[str, date], Row] = {}
    many_name: dict[tuple[str, date], list[Row]] = {}
    for p in people:
        number = p[1]
        seen = first_id.setdefault(number, p)
        if seen is not p:
            many_id.setdefault(number, [seen]).append(p)
        key = (p[2], p[3])
        seen = first_name.setdefault(key, p)
        if seen is not p:
            many_name.setdefault(key, [seen]).append(p)
    out: list[DuplicateGroup] = []
    for number, members in many_id.items():
        refs = tuple(sorted((m[0] for m in members), key=_sort_token))
        out.append(DuplicateGroup("id", number, refs))
    for (name, birth), members in many_name.items():
        if len({m[1] for m in members}) < 2:
            continue  # one ID: already reported as an ID group
        refs = tuple(sorted((m[0] for m in members), key=_sort_token))
        out.append(DuplicateGroup("name_birth", f"{name}|{birth.isoformat()}", refs))
    out.sort(key=lambda g: (g.kind, g.key, [_sort_token(r) for r in g.refs]))
    return out


def pairs(
    group: DuplicateGroup, among: frozenset[Hashable] | set[Hashable]
) -> list[tuple[Hashable, Hashable]]:
    """The pairs of a group that involve at least one ref of ``among`` (e.g. the rows just
    imported), each pair once, in the group's order; pairs of two refs outside ``among``
    were found before."""
    refs = group.refs
    return [(a, b) for i, a in enumerate(refs) for b in refs[i + 1 :] if a in among or b in among]
