"""选民证 and 委托投票证: content, cards per page, QR codes, guarding, the printed pages."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from huanjie.printing import (
    MissingCharactersError,
    UnmaskedIdError,
    VoterCard,
    forms,
    proxy_certificates,
    voter_cards,
)
from huanjie.printing._fonts import text_width
from huanjie.printing._layout import MM
from tests.printing import samples
from tests.printing.conftest import Raster, pdf_pages, pdf_text


@pytest.fixture(scope="module")
def cards_pdf() -> bytes:
    return voter_cards(samples.card_batch(20))


def test_eight_voter_cards_to_a_page(cards_pdf: bytes) -> None:
    pages = pdf_pages(cards_pdf)
    assert len(pages) == 3  # 20 cards
    assert pages[0].count("选民证") == 8
    assert pages[2].count("选民证") == 4


def test_each_card_names_voter_group_serial_day_hours_place_and_committee(
    cards_pdf: bytes,
) -> None:
    batch = samples.card_batch(20)
    text = pdf_text(cards_pdf).replace("\n", "")
    for card in batch.cards:
        assert card.name in text.replace("· ", "·")
        assert card.serial in text
    first = pdf_pages(cards_pdf)[0]
    for expected in (
        "青山村第十二届村民委员会选举",
        "第一村民小组",
        "2027年3月20日（星期六）",
        "上午7:30至12:00",
        "青山村文化礼堂（中心会场）",
        "第三投票站（村老年活动中心）",  # card 4 votes elsewhere
        "青山村村民选举委员会",
        "凭本证领取选票",
    ):
        assert expected in first


def test_every_card_has_a_qr_code(cards_pdf: bytes) -> None:
    # Each QR code is one filled path of module runs ("re" operators) in its own q … Q block;
    # the page streams are compressed, so count the drawing calls instead: 20 cards, 20 codes.
    streams = []
    for part in cards_pdf.split(b"stream\n")[1:]:
        raw = part.split(b"endstream")[0].rstrip(b"\r\n")
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            continue
    codes = sum(s.count(b" re\nf") + s.count(b" ref") for s in streams)
    assert codes == 20


def test_a_fixed_qr_mask_is_faster_and_a_bad_one_refused() -> None:
    batch = samples.card_batch(3)
    assert voter_cards(batch, qr_mask=0) != voter_cards(batch)
    with pytest.raises(ValueError, match="qr_mask"):
        voter_cards(batch, qr_mask=8)


def test_cards_refuse_full_ids_and_missing_glyphs() -> None:
    batch = samples.card_batch(3)
    leaked = dataclasses.replace(batch.cards[0], name="张三 330523198501011234")
    with pytest.raises(UnmaskedIdError):
        voter_cards(dataclasses.replace(batch, cards=[leaked]))
    rare = VoterCard(name="刘䶮", group="第一村民小组", serial="QS-2027-000009", qr_payload="x")
    with pytest.raises(MissingCharactersError):
        voter_cards(dataclasses.replace(batch, cards=[rare]))
    assert "刘〓" in pdf_text(voter_cards(dataclasses.replace(batch, cards=[rare]), missing="mark"))


def test_the_qr_payload_is_opaque_machine_data() -> None:
    """A random HMAC may contain long digit runs: it must not be taken for an ID number."""
    batch = samples.card_batch(1)
    card = dataclasses.replace(batch.cards[0], qr_payload="QS-2027-000001.330523198501011234ab")
    voter_cards(dataclasses.replace(batch, cards=[card]))


def test_printed_card_pages_are_not_blank(
    cards_pdf: bytes, rasterise: Callable[[bytes, str], list[Raster]]
) -> None:
    pages = rasterise(cards_pdf, "voter_cards")
    assert len(pages) == 3
    for page in pages:
        assert 0.03 < page.dark_share < 0.5


@pytest.fixture(scope="module")
def proxy_pdf() -> bytes:
    return proxy_certificates(samples.proxy_batch())


def test_proxy_certificates_four_to_a_page_with_everything_the_polling_station_checks(
    proxy_pdf: bytes,
) -> None:
    pages = pdf_pages(proxy_pdf)
    assert len(pages) == 2  # five certificates
    assert pages[0].count("委托投票证") == 4
    text = pdf_text(proxy_pdf).replace("\n", "").replace("· ", "·")
    for cert in samples.proxy_batch().certificates:
        assert cert.principal in text
        assert cert.proxy in text
        assert f"受托人系委托人的{cert.relation}" in text
        assert "代为投票选举" + "、".join(cert.posts) in text
        assert cert.serial in text
        assert cert.principal_card in text
    for expected in (
        "委托人（签名或手印）",
        "受托人（签名）",
        "2027年3月15日",
        "《中华人民共和国村民委员会组织法》第十五条第四款",
        "按委托人的意愿代为投票",
    ):
        assert expected in text


def test_printed_proxy_pages_are_not_blank(
    proxy_pdf: bytes, rasterise: Callable[[bytes, str], list[Raster]]
) -> None:
    for page in rasterise(proxy_pdf, "proxy_certificates"):
        assert 0.01 < page.dark_share < 0.5


def _extents(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float, float]]:
    """Record the horizontal extent of every line of text the card builders draw."""
    drawn: list[tuple[str, float, float]] = []
    original = forms.draw_text

    def record(c: Any, x: float, y: float, text: str, size: float, **kw: Any) -> None:
        width = text_width(text, size) + kw.get("space", 0.0) * max(len(text) - 1, 0)
        left = {"left": x, "center": x - width / 2, "right": x - width}[kw.get("align", "left")]
        drawn.append((text, left, left + width))
        original(c, x, y, text, size, **kw)

    monkeypatch.setattr(forms, "draw_text", record)
    return drawn


LONG = "青山镇青山村第十二届村民委员会暨第八届村务监督委员会换届选举（补充选举）"


def test_no_text_runs_off_a_voter_card(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _extents(monkeypatch)
    batch = samples.card_batch(2)
    long_card = dataclasses.replace(
        batch.cards[0],
        name="阿卜杜热合曼·买买提明·艾合买提江·吐尔逊",
        group="青山村第十二村民小组（原下塘自然村合并）",
        serial="330599101201-QS-2027-000123",
    )
    voter_cards(
        dataclasses.replace(
            batch,
            election=LONG,
            committee="青山镇青山村第十二届村民委员会换届选举村民选举委员会",
            hours="上午7:30至12:00，下午13:30至17:00（流动票箱另行通知）",
            cards=[long_card],
        )
    )
    value_x = forms._CARD_PAD + forms._CARD_LABEL_W
    for text, left, right in drawn:
        assert left >= 0, text
        assert right <= forms._CARD_W, text
        if abs(left - value_x) < 0.01:  # a value beside its label must stop short of the QR code
            assert right <= forms._CARD_QR_X, text
    for text in (long_card.name, long_card.group, long_card.serial):
        assert any(t == text for t, _, _ in drawn), text


def test_no_text_runs_off_a_proxy_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _extents(monkeypatch)
    batch = samples.proxy_batch()
    proxy_certificates(
        dataclasses.replace(
            batch,
            election=LONG,
            committee="青山镇青山村第十二届村民委员会换届选举村民选举委员会",
            basis="《中华人民共和国村民委员会组织法》第十五条第四款、《浙江省村民委员会选举办法》第二十六条",
        )
    )
    margin = 3 * MM
    for text, left, right in drawn:
        column = int((left + right) / 2 // forms._PROXY_W)
        assert left >= column * forms._PROXY_W + margin, text
        assert right <= (column + 1) * forms._PROXY_W - margin, text
