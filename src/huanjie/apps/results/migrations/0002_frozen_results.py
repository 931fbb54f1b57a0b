"""Refuse UPDATE of a stored result in the database itself: a result is frozen once decided (a
recount is a new row that supersedes it)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER results_roundresult_frozen BEFORE UPDATE ON results_roundresult
       BEGIN SELECT RAISE(ABORT, 'a decided round result is frozen'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION results_roundresult_frozen() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'a decided round result is frozen'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER results_roundresult_frozen BEFORE UPDATE ON results_roundresult
       FOR EACH ROW EXECUTE FUNCTION results_roundresult_frozen()""",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
