"""Background tasks of the annual report, run by `jaga worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def render_report(report_id: str) -> None:
    from jaga.reports.services import files_make

    files_make(report_id)
