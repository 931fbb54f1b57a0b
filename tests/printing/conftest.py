"""Helpers for the printing tests: text extraction, rasterising, and where images are kept.

Rendered pages are kept as PNG files for people to look at: under ``$HUANJIE_TEST_OUTPUT/printing``
when that variable is set, else in pytest's temporary directory.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    env = os.environ.get("HUANJIE_TEST_OUTPUT")
    if not env:
        return tmp_path
    path = Path(env) / "printing"
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=16)
def pdf_pages(pdf: bytes) -> tuple[str, ...]:
    """The text of each page (cached: several tests read the same document)."""
    return tuple(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_pages(pdf))


_DARK = bytes(1 if v < 128 else 0 for v in range(256))


@dataclass(frozen=True)
class Raster:
    width: int
    height: int
    pixels: bytes  # 8-bit grey, row by row

    @property
    def dark_share(self) -> float:
        """Share of pixels darker than mid-grey."""
        return self.pixels.translate(_DARK).count(1) / len(self.pixels)


def _read_pgm(data: bytes) -> Raster:
    """A binary PGM (P5) as written by ``pdftoppm -gray``."""
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert magic == b"P5"
    assert maxval == 255
    pixels = data[pos + 1 : pos + 1 + width * height]
    assert len(pixels) == width * height
    return Raster(width, height, pixels)


def _write_png(path: Path, r: Raster) -> None:
    """A minimal 8-bit greyscale PNG (no dependencies)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + r.pixels[y * r.width : (y + 1) * r.width] for y in range(r.height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", r.width, r.height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)


@pytest.fixture
def rasterise(outdir: Path, tmp_path: Path) -> Callable[[bytes, str], list[Raster]]:
    """Render every page at 60 dpi with poppler's pdftoppm; keep each as ``<name>-<n>.png``."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")

    def run(pdf: bytes, name: str) -> list[Raster]:
        work = tmp_path / f"raster-{name}"
        work.mkdir()
        (work / "doc.pdf").write_bytes(pdf)
        subprocess.run(
            [exe, "-r", "60", "-gray", str(work / "doc.pdf"), str(work / "page")],
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
