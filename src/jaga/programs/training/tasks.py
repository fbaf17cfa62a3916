"""Background tasks of programme tracking, run by `jaga worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def run_participant_import(job_id: str) -> None:
    from jaga.programs.training.import_jobs import participant_import_run

    participant_import_run(job_id)
