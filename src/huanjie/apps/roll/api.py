"""JSON API of this part (being written)."""

from ninja import Router

router = Router(tags=["roll"])
