"""The ballot of a round: its frozen posts and candidates, the form and style the profile asks
for, and the instructions worded from the profile with their articles."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from huanjie.apps.ballots import design, documents
from huanjie.apps.campaigns.models import Election
from huanjie.apps.polling.models import Round
from huanjie.core.rules import load_profile
from huanjie.printing.ballots import sheet_layout, sheets

pytestmark = pytest.mark.django_db


def _profile(election: Election, profile_id: str) -> None:
    election.profile_id = profile_id
    election.save(update_fields=["profile_id"])


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "".join(p.extract_text() for p in pages).replace("\n", "").replace(" ", "")


def test_posts_and_candidates_as_frozen_in_the_round(regular: Round) -> None:
    posts = design.posts_on_ballot(regular)
    assert [(p.key, p.name, p.seats) for p in posts] == [
        (p["kind"], p["name"], p["seats"]) for p in regular.posts
    ]
    for p in posts:
        frozen = [c.get("label") or c["name"] for c in regular.candidates if c["post"] == p.name]
        assert p.candidates == frozen
        assert p.write_ins == p.seats  # 另选他人: as many spaces as seats
    assert [p.women_only for p in posts] == [p["women_only"] for p in regular.posts]
    assert any(p.women_only for p in posts)  # Zhejiang lists the 妇女委员 post separately


def test_zhejiang_one_sheet_with_every_post(regular: Round) -> None:
    d = design.design(regular)
    assert d.form == "single"
    assert d.style == "approve"
    assert design.sheets_of(regular) == [""]
    assert d.title == f"{regular.election.title}选票"
    assert d.order_note == "按姓名笔画排序"  # 浙江: name_order fullname
    assert d.election == str(regular.election_id)
    assert d.serial_prefix == f"{regular.election_id:04d}-1-"
    assert len(sheets(d)) == 1
    sheet_layout(d, sheets(d)[0])  # fits one page


def test_zhejiang_instructions_follow_its_rules(regular: Round) -> None:
    profile = load_profile("village/zhejiang")
    items = design.instructions(regular)
    texts = [i.text for i in items]
    assert texts[0].startswith("一、本选票选举主任1名、副主任1名、妇女委员1名、委员2名。")
    assert items[0].basis == profile.article("overmark")
    assert any("赞成的，在候选人姓名下方的空格内划“○”" in t for t in texts)
    write_in = next(i for i in items if "、另选他人的" in i.text)
    assert profile.article("write_ins_allowed") in write_in.basis
    two = next(i for i in items if "同一人" in i.text)
    assert "整张选票无效" in two.text  # 浙江 第二十七条: same person on two posts voids the ballot
    assert two.basis == profile.article("same_person_two_posts")
    women = next(i for i in items if "只能选妇女" in i.text)
    assert women.basis == profile.article("women_rule")
    assert [t[:2] for t in texts] == [f"{n}、" for n in "一二三四五六七"[: len(texts)]]


def test_henan_one_sheet_per_post(regular: Round) -> None:
    _profile(regular.election, "village/henan")
    r = Round.objects.get(pk=regular.pk)
    d = design.design(r)
    assert d.form == "per_post"
    assert design.sheets_of(r) == [p["kind"] for p in r.posts]
    assert [design.sheet_label(r, s) for s in design.sheets_of(r)] == [
        f"{p['name']}选票" for p in r.posts
    ]
    per_sheet = design.sheet_instructions(r)
    assert [key for key, _label, _items in per_sheet] == design.sheets_of(r)
    for (key, _label, items), post in zip(per_sheet, r.posts, strict=True):
        texts = [i.text for i in items]
        assert texts[0].startswith(f"一、本选票选举{post['name']}{post['seats']}名（主任、副主任、")
        assert "分别使用选票，一次同时投票" in texts[0]
        assert not any("同一人" in t for t in texts)  # separate sheets: no such rule to print
        assert any("只能选妇女" in t for t in texts) == post["women_only"], key
    assert [list(p.instructions) for p in d.posts] == [
        [i.text for i in items] for _k, _l, items in per_sheet
    ]
    assert d.order_note == "按姓氏笔画排序"


def test_party_branch_marks_for_against_abstain(regular: Round) -> None:
    _profile(regular.election, "party/branch")
    r = Round.objects.get(pk=regular.pk)
    assert design.design(r).style == "party"
    texts = [i.text for i in design.instructions(r)]
    assert any("“赞成”栏内划“○”" in t and "“反对”栏内划“○”" in t for t in texts)
    assert any("其“赞成”栏内划“○”" in t for t in texts)


def test_no_write_in_spaces_where_the_profile_allows_none(
    regular: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = load_profile("village/zhejiang")

    class NoWriteIns:
        election_type = real.election_type

        def value(self, name: str) -> Any:
            return False if name == "write_ins_allowed" else real.value(name)

        def article(self, name: str) -> str:
            return real.article(name)

    monkeypatch.setattr(design, "load_profile", lambda _id: NoWriteIns())
    assert all(p.write_ins == 0 for p in design.posts_on_ballot(regular))
    assert not any("另选他人" in i.text for i in design.instructions(regular))


def test_sample_pdf_carries_the_design(regular: Round) -> None:
    text = text_of(documents.sample_pdf(regular))
    assert "样票" in text
    for c in regular.candidates:
        assert c["name"] in text
    for i in design.instructions(regular):
        assert i.text.replace(" ", "") in text


@pytest.mark.parametrize("profile_id", ["village/zhejiang", "village/henan"])
def test_rendered_for_review(regular: Round, profile_id: str, tmp_path: Any) -> None:
    """Every sheet of the round's 样票 rasterised: not blank; kept under
    ``$HUANJIE_TEST_OUTPUT/ballots/`` for people to look at."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    from tests.printing.conftest import _read_pgm, _write_png

    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    _profile(regular.election, profile_id)
    r = Round.objects.get(pk=regular.pk)
    (tmp_path / "doc.pdf").write_bytes(documents.sample_pdf(r))
    subprocess.run(
        [exe, "-r", "80", "-gray", str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) == len(design.sheets_of(r))
    env = os.environ.get("HUANJIE_TEST_OUTPUT")
    out = Path(env) / "ballots" if env else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(pages, start=1):
        raster = _read_pgm(f.read_bytes())
        assert 0.02 < raster.dark_share < 0.3
        _write_png(out / f"sample-{profile_id.replace('/', '-')}-{i}.png", raster)
