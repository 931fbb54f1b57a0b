"""Write 青山村's sample household register as a workbook, the way a village clerk keeps it
(a title row, then the header, dates as dates and ID numbers as text).

``python -m tests.e2e.make_register`` regenerates ``src/huanjie/examples/qingshan-register.xlsx``
from :func:`huanjie.examples.register.qingshan`; a test checks the bundled file still
says the same.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import xlsxwriter

from huanjie.examples.register import HEADER, QINGSHAN_FILE, QINGSHAN_TITLE, Villager, qingshan

TARGET = Path(__file__).resolve().parents[2] / "src" / "huanjie" / "examples" / QINGSHAN_FILE
WIDTHS = (6, 14, 9, 9, 5, 12, 21, 30, 9, 16, 13, 28)


def register_xlsx(rows: Sequence[Villager], title: str) -> bytes:
    out = io.BytesIO()
    # A fixed creation date keeps the file byte-for-byte the same when regenerated.
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": title, "created": date(2026, 11, 1)})
    bold = book.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#EEEEEE"})
    heading = book.add_format({"bold": True, "font_size": 14})
    cell = book.add_format({"border": 1})
    day = book.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("户籍人口")
    sheet.write_string(0, 0, title, heading)
    for c, (name, width) in enumerate(zip(HEADER, WIDTHS, strict=True)):
        sheet.write_string(1, c, name, bold)
        sheet.set_column(c, c, width)
    sheet.freeze_panes(2, 0)
    for r, v in enumerate(rows, start=2):
        for c, value in enumerate(v.cells(r - 1)):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int):
                sheet.write_number(r, c, value, cell)
            else:
                sheet.write_string(r, c, str(value), cell)
    book.close()
    return out.getvalue()


def main() -> None:
    data = register_xlsx(qingshan(), QINGSHAN_TITLE)
    TARGET.write_bytes(data)
    print(f"{TARGET}: {len(data)} bytes")


if __name__ == "__main__":
    main()
