"""Background jobs of 选后工作 (run by ``huanjie manage db_worker``)."""

from __future__ import annotations

from django_tasks import task

from huanjie.apps.aftermath import archive


@task()
def build_archive(package_id: int) -> str:
    """Build one queued archive package (选举档案)."""
    return archive.build(package_id=package_id).state
