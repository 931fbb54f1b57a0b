"""The ballots of a round as PDF (``huanjie.printing.ballots``) and a picture of the design.

The design preview (样票) carries serial 0 and a mark across the page; the print file is a
range of serials of the round's print run, at most ``CHUNK`` serials per file so that a file
is made in seconds and a printer jam costs one file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from huanjie.apps.ballots import design
from huanjie.apps.ballots.models import PrintRun
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling.models import Round
from huanjie.printing import MissingCharactersError, UnmaskedIdError
from huanjie.printing import ballots as printing
from huanjie.printing.ballot_geometry import LayoutError

CHUNK = 500  # serials per print file


def _build(run: printing.BallotRun) -> bytes:
    try:
        return printing.ballots(run)
    except MissingCharactersError as err:
        raise ServiceError(str(err), "", "missing_characters") from err
    except UnmaskedIdError as err:  # never expected: only names are printed
        raise ServiceError("选票上不得出现完整身份证号", "", "unmasked_id") from err
    except LayoutError as err:
        raise ServiceError(f"选票排不下：{err}", "", "layout") from err


def sample_pdf(r: Round) -> bytes:
    """One 样票 of every sheet of the round's ballot."""
    return _build(printing.BallotRun(design=design.design(r), sample=True))


def chunks(run: PrintRun) -> list[tuple[int, int]]:
    """The serial ranges of the print files: 1–500, 501–1000 …"""
    return [(a, min(a + CHUNK - 1, run.quantity)) for a in range(1, run.quantity + 1, CHUNK)]


def ballots_pdf(run: PrintRun, first: int, last: int) -> bytes:
    """Serials ``first`` to ``last`` of the print run (at most ``CHUNK``)."""
    if not 1 <= first <= last <= run.quantity:
        raise ServiceError(
            f"编号范围须在 1 至 {run.quantity} 之间，且起始不大于结束", "first", "out_of_range"
        )
    if last - first + 1 > CHUNK:
        raise ServiceError(f"一次最多打印 {CHUNK} 个编号", "last", "too_many")
    return _build(printing.BallotRun(design=design.design(run.round), first=first, last=last))


def preview_png(r: Round, dpi: int = 60) -> bytes | None:
    """The first page of the 样票 as PNG, or None where poppler's ``pdftoppm`` is missing."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    pdf = sample_pdf(r)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sample.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [
                exe,
                "-r",
                str(dpi),
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(src),
                str(Path(tmp) / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return (Path(tmp) / "page.png").read_bytes()
