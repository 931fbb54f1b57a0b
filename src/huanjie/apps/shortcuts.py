"""Small pieces every app's views share."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django import forms
from django.http import HttpResponse

from huanjie.apps.errors import ServiceError
from huanjie.printing import MissingCharactersError, UnmaskedIdError


def form_error(form: forms.Form, err: ServiceError) -> None:
    """Show a service's refusal beside the field it names (or above the form)."""
    form.add_error(err.field if err.field in form.fields else None, err.message)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser; the file name may be Chinese (RFC 6266 filename*)."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def printed(build: Callable[[], bytes]) -> bytes:
    """Run a printing builder; its refusals (a character the font lacks, a full ID number)
    become a ``ServiceError`` the page shows instead of a blank or unlawful document."""
    try:
        return build()
    except MissingCharactersError as err:
        raise ServiceError(str(err), "", "missing_characters") from err
    except UnmaskedIdError as err:  # never expected: documents print names, not IDs
        raise ServiceError("文书中不得出现完整身份证号", "", "unmasked_id") from err
