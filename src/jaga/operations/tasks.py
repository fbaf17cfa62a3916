"""Background tasks of operations, run by `jaga worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def run_backup(run_id: str) -> None:
    from jaga.operations.services import backup_run

    backup_run(run_id)
