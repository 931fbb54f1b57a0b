"""Background jobs of voter registration (run by ``huanjie manage db_worker``)."""

from __future__ import annotations

from django_tasks import task

from huanjie.apps.roll import services


@task()
def run_import(batch_id: int) -> str:
    """Import one queued batch of register files; its progress is in the batch's folder."""
    batch = services.import_run(batch_id=batch_id)
    return batch.state


@task()
def print_cards(job_id: int) -> str:
    """Make the voter-card PDF of one print job."""
    return services.cards_print_run(job_id=job_id).state
