"""选票: text, serials, write-in spaces, QR codes that decode back, the geometry on the rendered
page (corner marks, mark boxes, QR square where ``ballot_geometry`` says), guarding, layout.

Rendered pages are kept for people to look at under ``$HUANJIE_TEST_OUTPUT/ballots/`` (else in
pytest's temporary directory).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.printing import MissingCharactersError, UnmaskedIdError
from huanjie.printing import ballot_geometry as geo
from huanjie.printing.ballots import (
    BallotDesign,
    BallotPost,
    BallotRun,
    ballot_payload,
    ballot_serial,
    ballots,
    parse_ballot_payload,
)
from tests.printing.conftest import Raster, _read_pgm, _write_png, pdf_pages

QINGSHAN = BallotDesign(
    title="青山村第十二届村民委员会选举选票",
    subtitle="第1轮　正式选举　2027年3月20日（星期六）",
    committee="青山村村民选举委员会",
    election="12",
    round_number=1,
    serial_prefix="0012-1-",
    order_note="按姓名笔画排序",
    posts=[
        BallotPost(key="chair", name="主任", seats=1, candidates=["王建国", "李秀英"]),
        BallotPost(key="vice_chair", name="副主任", seats=1, candidates=["张伟", "欧阳昇"]),
        BallotPost(
            key="women_member",
            name="妇女委员",
            seats=1,
            candidates=["禤喆", "阿不都热依木·吾斯曼"],
            women_only=True,
        ),
        BallotPost(key="member", name="委员", seats=2, candidates=["刘强", "陈磊", "赵军"]),
    ],
    instructions=[
        "一、本选票选举主任1名、副主任1名、妇女委员1名、委员2名。每一职务所选人数等于或者少于"
        "应选名额的有效；多于应选名额的，该职务的选票无效。",
        "二、赞成的，在候选人姓名下方的空格内划“○”；不赞成的，划“×”；弃权的，不划任何符号。",
        "三、另选他人的，在“另选他人”栏内写上另选人的姓名，并在其下方的空格内划“○”；"
        "只写姓名不划“○”的，不计票。",
        "四、同一人不得在两个以上职务中同时划“○”，否则整张选票无效。",
        "五、妇女委员只能选妇女。",
        "六、请用黑色或者蓝色的钢笔、签字笔填写，符号要清楚，不得涂改。",
    ],
)
PARTY = dataclasses.replace(
    QINGSHAN,
    title="中共青山村支部委员会委员选举选票",
    committee="中共青山村支部委员会",
    election="30",
    serial_prefix="0030-1-",
    order_note="按姓氏笔画排序",
    style="party",
    posts=[
        BallotPost(
            key="member",
            name="支部委员",
            seats=5,
            candidates=["王建国", "刘强", "李秀英", "张伟", "陈磊", "欧阳昇"],
        )
    ],
    instructions=[
        "一、对候选人，赞成的在“赞成”栏内划“○”，反对的在“反对”栏内划“○”，弃权的在“弃权”栏内划“○”。"
    ],
)


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    env = os.environ.get("HUANJIE_TEST_OUTPUT")
    if not env:
        return tmp_path
    path = Path(env) / "ballots"
    path.mkdir(parents=True, exist_ok=True)
    return path


Render = Callable[[bytes, str, int], list[Raster]]


@pytest.fixture
def render(outdir: Path, tmp_path: Path) -> Render:
    """Rasterise every page in grey at ``dpi`` with poppler; keep each as ``<name>-<n>.png``."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")

    def run(pdf: bytes, name: str, dpi: int) -> list[Raster]:
        work = tmp_path / f"r-{name}-{dpi}"
        work.mkdir()
        (work / "doc.pdf").write_bytes(pdf)
        subprocess.run(
            [exe, "-r", str(dpi), "-gray", str(work / "doc.pdf"), str(work / "page")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        files = sorted(work.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        rasters = [_read_pgm(f.read_bytes()) for f in files]
        for i, r in enumerate(rasters, start=1):
            _write_png(outdir / f"{name}-{i}.png", r)
        return rasters

    return run


def flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "").replace("\u3000", "")


@pytest.fixture(scope="module")
def three() -> bytes:
    return ballots(BallotRun(design=QINGSHAN, first=41, last=43))


# --- Text -------------------------------------------------------------------------------------


def test_one_page_per_ballot_with_its_serial(three: bytes) -> None:
    pages = pdf_pages(three)
    assert len(pages) == 3
    serials = (41, 42, 43)
    for page, serial in zip(pages, serials, strict=True):
        assert f"编号：{ballot_serial(QINGSHAN, serial)}" in page
        assert all(
            ballot_serial(QINGSHAN, other) not in page for other in serials if other != serial
        )


def test_title_names_posts_instructions_and_committee(three: bytes) -> None:
    text = flat(pdf_pages(three)[0])
    for expected in (
        QINGSHAN.title,
        "第1轮",
        "2027年3月20日（星期六）",
        "填票说明",
        "（候选人按姓名笔画排序）",
        "青山村村民选举委员会",
        "盖章处",
        "（限女性）",
    ):
        assert flat(expected) in text, expected
    for post in QINGSHAN.posts:
        assert f"{post.name}" in text
        assert f"应选{post.seats}名" in text
        for name in post.candidates:
            assert flat(name) in text.replace("·", "·"), name
    for para in QINGSHAN.instructions:
        assert flat(para) in text, para


def test_candidates_keep_the_order_given(three: bytes) -> None:
    text = flat(pdf_pages(three)[0])
    names = [n for p in QINGSHAN.posts for n in p.candidates if "·" not in n]
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions)


def test_write_in_spaces_as_many_as_seats(three: bytes) -> None:
    text = flat(pdf_pages(three)[0])
    # the instructions mention “另选他人” twice; every other occurrence is one blank space
    in_instructions = sum(p.count("另选他人") for p in QINGSHAN.instructions)
    assert text.count("另选他人") - in_instructions == sum(p.seats for p in QINGSHAN.posts)


def test_per_post_sheets_one_post_each_grouped_by_post() -> None:
    design = dataclasses.replace(
        QINGSHAN, form="per_post", instructions=["一、每张选票选一个职务。"]
    )
    pages = pdf_pages(ballots(BallotRun(design=design, first=1, last=2)))
    assert len(pages) == 2 * len(QINGSHAN.posts)
    for k, post in enumerate(QINGSHAN.posts):
        for j, serial in enumerate((1, 2)):
            page = flat(pages[2 * k + j])
            assert f"青山村第十二届村民委员会选举{post.name}选票" in page
            assert f"编号：0012-1-{serial:06d}" in page
            assert page.count("另选他人") == post.seats
            others = [n for p in QINGSHAN.posts if p is not post for n in p.candidates]
            assert not any(flat(n) in page for n in others)


def test_per_post_sheets_print_their_own_instructions() -> None:
    design = dataclasses.replace(
        QINGSHAN,
        form="per_post",
        posts=[
            dataclasses.replace(p, instructions=[f"一、本选票选举{p.name}{p.seats}名。"])
            for p in QINGSHAN.posts
        ],
    )
    pages = pdf_pages(ballots(BallotRun(design=design)))
    for page, post in zip(pages, QINGSHAN.posts, strict=True):
        assert f"一、本选票选举{post.name}{post.seats}名。" in flat(page)
        assert flat(QINGSHAN.instructions[0]) not in flat(page)


def test_no_line_of_one_character_in_the_instructions() -> None:
    from huanjie.printing.ballots import _hanging

    para = "三、另选他人的，在“另选他人”栏内写上另选人的姓名，并在其下方的空格内划“○”；只写姓名不划“○”的，不计票。"
    for size in (8.0, 8.5, 9.0, 9.5):
        for width in range(300, 520, 7):
            lines = _hanging(para, size, float(width))
            assert "".join(line for line, _ in lines) == para
            if len(lines) > 1:
                assert len(lines[-1][0]) > 2 or lines[-1][0][0] in "“（", (size, width, lines)


def test_no_write_in_spaces_when_told() -> None:
    design = dataclasses.replace(
        QINGSHAN,
        posts=[dataclasses.replace(p, write_ins=0) for p in QINGSHAN.posts],
        instructions=["一、不得另选。"],
    )
    text = flat(pdf_pages(ballots(BallotRun(design=design)))[0])
    assert "另选他人" not in text


def test_party_ballot_marks_for_against_abstain() -> None:
    page = flat(pdf_pages(ballots(BallotRun(design=PARTY)))[0])
    for head in ("姓名", "赞成", "反对", "弃权", "支部委员", "应选5名"):
        assert head in page
    in_instructions = PARTY.instructions[0].count("另选他人")
    assert page.count("另选他人") - in_instructions == 5
    sections = geo.layout([(6, 5)], "party")
    assert all(len(c.marks) == 3 for c in sections[0].cells)


def test_sample_is_marked_and_carries_serial_zero() -> None:
    pdf = ballots(BallotRun(design=QINGSHAN, sample=True))
    page = flat(pdf_pages(pdf)[0])
    assert "样票" in page
    assert "不得作为选票使用" in page
    assert "0012-1-" not in page


def test_same_input_same_bytes() -> None:
    run = BallotRun(design=QINGSHAN, first=1, last=2)
    assert ballots(run) == ballots(run)


# --- Guarding and refusals --------------------------------------------------------------------


def test_missing_glyph_refused_or_marked() -> None:
    rare = dataclasses.replace(
        QINGSHAN,
        posts=[dataclasses.replace(QINGSHAN.posts[0], candidates=["刘䶮", "王建国"])],
        instructions=["一、选主任。"],
    )
    with pytest.raises(MissingCharactersError) as err:
        ballots(BallotRun(design=rare))
    assert "䶮" in err.value.missing
    assert "主任候选人" in err.value.missing["䶮"][0]
    marked = flat(pdf_pages(ballots(BallotRun(design=rare), missing="mark"))[0])
    assert "刘〓" in marked


def test_full_id_number_refused() -> None:
    leaky = dataclasses.replace(QINGSHAN, subtitle="第1轮 330523199001011234")
    with pytest.raises(UnmaskedIdError):
        ballots(BallotRun(design=leaky))


def test_too_many_for_one_page_names_the_post() -> None:
    crowded = dataclasses.replace(
        QINGSHAN,
        posts=[
            *QINGSHAN.posts,
            BallotPost(
                key="extra", name="委员甲", seats=6, candidates=[f"候选人{i}" for i in range(13)]
            ),
        ],
    )
    with pytest.raises(geo.LayoutError, match="第5个职务"):
        ballots(BallotRun(design=crowded))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"election": "青山"}, "election"),
        ({"round_number": 0}, "round_number"),
        ({"posts": []}, "at least one post"),
    ],
)
def test_bad_design_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ballots(BallotRun(design=dataclasses.replace(QINGSHAN, **change)))  # type: ignore[arg-type]


def test_bad_serial_range_and_mask_refused() -> None:
    with pytest.raises(ValueError, match="serials"):
        ballots(BallotRun(design=QINGSHAN, first=5, last=4))
    with pytest.raises(ValueError, match="qr_mask"):
        ballots(BallotRun(design=QINGSHAN), qr_mask=9)


# --- QR payload -------------------------------------------------------------------------------


@given(
    election=st.from_regex(r"[A-Za-z0-9_-]{1,24}", fullmatch=True),
    number=st.integers(1, 99),
    keys=st.lists(st.from_regex(r"[a-z0-9_]{1,24}", fullmatch=True), min_size=1, max_size=5),
    serial=st.integers(0, 999_999),
)
def test_payload_round_trip(election: str, number: int, keys: list[str], serial: int) -> None:
    design = dataclasses.replace(QINGSHAN, election=election, round_number=number)
    code = parse_ballot_payload(ballot_payload(design, serial, keys))
    assert (code.election, code.round_number, code.posts, code.serial) == (
        election,
        number,
        tuple(keys),
        serial,
    )
    assert code.sample == (serial == 0)


@pytest.mark.parametrize(
    "text",
    ["", "HJB1|12|1|chair", "XX|12|1|chair|000001", "HJB1|12|x|chair|000001", "HJB1|1 2|1|chair|1"],
)
def test_not_a_ballot_code(text: str) -> None:
    with pytest.raises(ValueError, match="ballot code"):
        parse_ballot_payload(text)


def _decode(r: Raster) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    image = Image.frombytes("L", (r.width, r.height), r.pixels)
    return [b.text for b in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("mask", [None, 0])
def test_qr_code_decodes_to_election_round_posts_and_serial(
    render: Render, mask: int | None
) -> None:
    pdf = ballots(BallotRun(design=QINGSHAN, first=7, last=8), qr_mask=mask)
    pages = render(pdf, f"qr-mask-{mask}", 100)
    keys = tuple(p.key for p in QINGSHAN.posts)
    for raster, serial in zip(pages, (7, 8), strict=True):
        texts = _decode(raster)
        assert len(texts) == 1
        code = parse_ballot_payload(texts[0])
        assert (code.election, code.round_number, code.posts, code.serial) == (
            "12",
            1,
            keys,
            serial,
        )


def test_per_post_qr_names_its_post(render: Render) -> None:
    design = dataclasses.replace(
        QINGSHAN, form="per_post", instructions=["一、每张选票选一个职务。"]
    )
    pages = render(ballots(BallotRun(design=design, first=3, last=3)), "per-post", 100)
    assert [parse_ballot_payload(_decode(r)[0]).posts for r in pages] == [
        (p.key,) for p in QINGSHAN.posts
    ]


# --- Geometry on the rendered page ------------------------------------------------------------

DPI = 100


def _share_dark(r: Raster, box: tuple[int, int, int, int]) -> float:
    left, top, right, bottom = box
    dark = total = 0
    for y in range(top, bottom):
        row = r.pixels[y * r.width + left : y * r.width + right]
        dark += sum(1 for v in row if v < 128)
        total += len(row)
    return dark / total


def _shrink(box: tuple[int, int, int, int], d: int) -> tuple[int, int, int, int]:
    return box[0] + d, box[1] + d, box[2] - d, box[3] - d


def _grow(box: tuple[int, int, int, int], d: int) -> tuple[int, int, int, int]:
    return box[0] - d, box[1] - d, box[2] + d, box[3] + d


def _ring(r: Raster, box: tuple[int, int, int, int], d: int) -> float:
    """Dark share of a band ``d`` pixels wide around ``box`` (starting 2 px outside it)."""
    outer = _grow(box, 2 + d)
    left, top, right, bottom = outer
    strips = [
        (left, top, right, top + d),
        (left, bottom - d, right, bottom),
        (left, top + d, left + d, bottom - d),
        (right - d, top + d, right, bottom - d),
    ]
    return sum(_share_dark(r, s) for s in strips) / len(strips)


@pytest.fixture(scope="module")
def page_raster(tmp_path_factory: pytest.TempPathFactory) -> Raster:
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    work = tmp_path_factory.mktemp("geometry")
    (work / "doc.pdf").write_bytes(ballots(BallotRun(design=QINGSHAN, first=1, last=1)))
    subprocess.run(
        [exe, "-r", str(DPI), "-gray", str(work / "doc.pdf"), str(work / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    raster = _read_pgm(next(work.glob("page-*.pgm")).read_bytes())
    env = os.environ.get("HUANJIE_TEST_OUTPUT")
    if env:
        (Path(env) / "ballots").mkdir(parents=True, exist_ok=True)
        _write_png(Path(env) / "ballots" / "geometry-qingshan.png", raster)
    return raster


def test_page_is_a4(page_raster: Raster) -> None:
    assert abs(page_raster.width - geo.PAGE_W / 72 * DPI) <= 1
    assert abs(page_raster.height - geo.PAGE_H / 72 * DPI) <= 1


def test_corner_marks_are_solid_where_the_geometry_says(page_raster: Raster) -> None:
    for mark in geo.CORNER_MARKS:
        box = mark.pixels(DPI)
        assert _share_dark(page_raster, _shrink(box, 2)) > 0.97, mark
        assert _ring(page_raster, box, 6) < 0.02, mark  # white around: a scanner finds the edges


def test_qr_code_fills_its_square_with_a_quiet_zone(page_raster: Raster) -> None:
    import segno

    keys = [p.key for p in QINGSHAN.posts]
    modules = segno.make(ballot_payload(QINGSHAN, 1, keys), error="m", micro=False).symbol_size(
        border=4
    )[0]  # version 4 for four posts: 33 modules and the quiet zone of 4 on each side
    box = geo.QR.pixels(DPI)
    module = (box[2] - box[0]) / modules
    quiet = int(module * 4) - 2
    inner = _shrink(box, int(module * 4) + 1)
    assert 0.3 < _share_dark(page_raster, inner) < 0.7  # a code, not a blank or a blot
    assert _share_dark(page_raster, (box[0], box[1], box[2], box[1] + quiet)) < 0.01
    assert _share_dark(page_raster, (box[0], box[1], box[0] + quiet, box[3])) < 0.01


def test_mark_boxes_are_empty_inside_and_framed(page_raster: Raster) -> None:
    sections = geo.layout([(len(p.candidates), p.seats) for p in QINGSHAN.posts], "approve")
    assert len(sections) == 4
    for section in sections:
        for cell in section.cells:
            (mark,) = cell.marks
            box = mark.pixels(DPI)
            assert _share_dark(page_raster, _shrink(box, 3)) < 0.005  # nothing printed inside
            left, top, right, bottom = box
            for edge in (
                (left - 1, top + 3, left + 2, bottom - 3),
                (right - 2, top + 3, right + 1, bottom - 3),
                (left + 3, bottom - 2, right - 3, bottom + 1),
            ):
                assert _share_dark(page_raster, edge) > 0.3, (section.post, cell.index, edge)


def test_names_are_printed_in_their_cells_only(page_raster: Raster) -> None:
    sections = geo.layout([(len(p.candidates), p.seats) for p in QINGSHAN.posts], "approve")
    for section in sections:
        for cell in section.cells:
            inside = _share_dark(page_raster, _shrink(cell.name.pixels(DPI), 3))
            if cell.write_in:
                assert inside < 0.05  # only the small grey label 另选他人
            else:
                assert inside > 0.02  # the candidate's name


def test_nothing_printed_between_body_and_seal(page_raster: Raster) -> None:
    """The space left below the sections stays blank (a scanner finds no stray marks)."""
    last = geo.layout([(len(p.candidates), p.seats) for p in QINGSHAN.posts], "approve")[-1]
    top = round((geo.PAGE_H - last.rect.y) / 72 * DPI) + 4
    bottom = round((geo.PAGE_H - geo.SEAL.top) / 72 * DPI) - 4
    left = round(geo.MARGIN / 72 * DPI)
    right = round((geo.PAGE_W - geo.MARGIN) / 72 * DPI)
    assert _share_dark(page_raster, (left, top, right, bottom)) < 0.001


def test_layout_is_fixed_by_structure_alone() -> None:
    a = geo.layout([(2, 1), (3, 2)], "approve")
    b = geo.layout([(2, 1), (3, 2)], "approve")
    assert a == b
    first = a[0].cells
    assert [c.write_in for c in first] == [False, False, True]
    assert first[1].name.x - first[0].name.x == pytest.approx(geo.CELL_W)
    # a post with more cells than a row holds continues on the next row
    wide = geo.layout([(geo.COLUMNS + 1, 0)], "approve")[0].cells
    assert wide[geo.COLUMNS].name.x == pytest.approx(wide[0].name.x)
    assert wide[geo.COLUMNS].name.top == pytest.approx(wide[0].name.top - geo.ROW_H)
    for section in a:
        for cell in section.cells:
            for m in cell.marks:
                assert m.y >= geo.BODY_BOTTOM
                assert m.top <= geo.BODY_TOP
                assert m.x >= geo.MARGIN
                assert m.right <= geo.PAGE_W - geo.MARGIN + 0.01
