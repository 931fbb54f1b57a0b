"""Background jobs of voter registration (run by ``huanjie manage db_worker``)."""

from __future__ import annotations

from django_tasks import task

from huanjie.apps.roll import services


@task()
def run_import(batch_id: int) -> str:
    """Import one queued batch of register files; the batch row reports progress."""
    batch = services.import_run(batch_id=batch_id)
    return batch.state
