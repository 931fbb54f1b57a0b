"""Names: official ordering by strokes (按姓氏笔画排序) and script normalisation.

See :mod:`huanjie.core.names.ordering` and docs/names.md.
"""

from huanjie.core.names.ordering import (
    SEPARATORS,
    CharInfo,
    CharKey,
    CharTie,
    Convention,
    NameKey,
    SortAudit,
    SortKey,
    audit,
    explain,
    normalize,
    sort_key,
    stroke_sort,
)

__all__ = [
    "SEPARATORS",
    "CharInfo",
    "CharKey",
    "CharTie",
    "Convention",
    "NameKey",
    "SortAudit",
    "SortKey",
    "audit",
    "explain",
    "normalize",
    "sort_key",
    "stroke_sort",
]
