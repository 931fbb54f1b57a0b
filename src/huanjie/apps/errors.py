"""The one error type services raise for bad input: views show it beside the field it names,
the API returns it as 400 with the same message and field."""

from __future__ import annotations


class ServiceError(ValueError):
    """Input a service refuses. ``message`` is Chinese and names what is wrong; ``field`` is the
    form field or JSON key concerned ("" when it concerns the whole request)."""

    def __init__(self, message: str, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
