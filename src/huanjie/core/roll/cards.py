"""Voter cards (选民证 / 参选证): a serial number per voter and a QR payload that can be checked.

The 村民选举委员会 registers voters and issues voter cards (民政部《村民委员会选举规程》, duties
of the committee [S]; several provinces issue 选民证 with the posted list, e.g. "张榜公布，并发给
选民证" [S]). A card carries a serial ``<village>-<term>-<nnnnnn>`` and a QR code holding the
serial with an HMAC-SHA256 tag under the installation's secret key, so a card shown at the
polling station can be checked against the roll and a forged serial is recognised.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

from huanjie.core.citations import Article

__all__ = ["CARD_ARTICLE", "PREFIX", "payload", "serial", "verify"]

CARD_ARTICLE: Final = Article("村民委员会选举规程", "村民选举委员会职责（发放参选证）", "S")
PREFIX: Final = "HJVC1"
_TAG_CHARS: Final = 16
_SERIAL: Final = re.compile(r"[0-9A-Za-z]{1,20}-\d{1,3}-\d{6}")


def serial(village: str, term: int, number: int) -> str:
    """``<village>-<term>-<number>``: the village's code (or id), the term, six digits."""
    code = re.sub(r"[^0-9A-Za-z]", "", village)
    if not code:
        raise ValueError("village code must contain letters or digits")
    if not 1 <= number <= 999_999:
        raise ValueError(f"card number must be 1…999999, got {number}")
    if not 1 <= term <= 999:
        raise ValueError(f"term must be 1…999, got {term}")
    return f"{code[:20]}-{term:02d}-{number:06d}"


def _tag(serial_no: str, key: bytes) -> str:
    digest = hmac.new(key, f"{PREFIX}|{serial_no}".encode(), hashlib.sha256).hexdigest()
    return digest[:_TAG_CHARS].upper()


def payload(serial_no: str, key: bytes) -> str:
    """The QR text of a card: ``HJVC1|<serial>|<tag>``."""
    return f"{PREFIX}|{serial_no}|{_tag(serial_no, key)}"


def verify(text: str, key: bytes) -> str | None:
    """The serial of a genuine card's QR text, or None (malformed or tag does not match)."""
    parts = text.strip().split("|")
    if len(parts) != 3 or parts[0] != PREFIX or not _SERIAL.fullmatch(parts[1]):
        return None
    if not hmac.compare_digest(parts[2].upper(), _tag(parts[1], key)):
        return None
    return parts[1]
