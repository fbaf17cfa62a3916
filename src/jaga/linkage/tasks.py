"""Background tasks of linkage, run by `jaga db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def run_linkage(run_id: str) -> None:
    from jaga.linkage.services import run_execute

    run_execute(run_id)
