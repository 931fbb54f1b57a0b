"""Print the generated part of docs/statutes.md: every profile parameter with its articles.

Run: .venv/bin/python scripts/statutes_table.py > /tmp/t.md, then paste between the markers
(tests/test_docs.py fails when docs/statutes.md and the profiles disagree).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from huanjie.core.rules import bundled_data, bundled_ids, load_profile

BEGIN = "<!-- BEGIN GENERATED: scripts/statutes_table.py -->"
END = "<!-- END GENERATED -->"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("|", "\\|")


def table() -> str:
    lines = [BEGIN, ""]
    for pid in bundled_ids():
        profile = load_profile(pid)
        own = bundled_data(pid).get("params", {})
        resolved = profile.to_json()["params"]
        parent = (
            f" (extends `{profile.lineage[1]}`; only its own parameters shown)"
            if len(profile.lineage) > 1
            else ""
        )
        lines += [
            f"### `{pid}` — {profile.title}{parent}",
            "",
            "| parameter | value | article | status |",
            "|---|---|---|---|",
        ]
        for name in own:
            p = profile.params[name]
            status = "/".join(sorted({c.status for c in p.citations}))
            lines.append(
                f"| `{name}` | `{_short(resolved[name]['value'])}` | {p.article} | {status} |"
            )
        for d in profile.deadlines:
            if any(x.get("id") == d["id"] for x in bundled_data(pid).get("deadlines", [])):
                c = d["citation"]
                lines.append(
                    f"| deadline `{d['id']}` | {d['days']} days from {d['from']} "
                    f"({d['kind']}) | {c['law']} {c['ref']} | {c.get('status', 'V')} |"
                )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
