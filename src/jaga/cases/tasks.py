"""Background tasks of the case registry, run by `jaga db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: str) -> None:
    from jaga.cases.imports import import_job_run

    import_job_run(job_id)
