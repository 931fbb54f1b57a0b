"""Documentation that is generated from the code must match it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_statutes_table_matches_the_profiles() -> None:
    spec = importlib.util.spec_from_file_location(
        "statutes_table", ROOT / "scripts" / "statutes_table.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (ROOT / "docs" / "statutes.md").read_text(encoding="utf-8")
    start, end = text.index(module.BEGIN), text.index(module.END) + len(module.END)
    assert text[start:end] == module.table(), (
        "docs/statutes.md is out of date: run scripts/statutes_table.py and paste its output"
    )
