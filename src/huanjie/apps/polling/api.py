"""JSON API of 投票: the same services and permission checks as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["polling"])
