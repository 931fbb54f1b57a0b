"""No template shows its own source: Django prints a ``{# #}`` comment that spans lines as
text (the public counting screen once showed one at the top)."""

from __future__ import annotations

from pathlib import Path

import huanjie

TEMPLATES = Path(huanjie.__file__).parent


def test_no_template_has_a_comment_django_would_print() -> None:
    leaked = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in TEMPLATES.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert leaked == []
