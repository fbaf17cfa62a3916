from typing import Any

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "jaga.stats"
    label = "stats"
    verbose_name = "Statistics"

    def ready(self) -> None:
        """Whatever the dashboards count changes: refresh them in the background after the commit.

        The changes are named events (core/events.py) sent by the services that cause them: a case
        changed (every timeline entry, cases/timeline.py), cases imported, a linkage run finished."""
        from django.db import transaction

        from jaga.core import events
        from jaga.stats.tasks import refresh_soon

        def changed(**_kwargs: Any) -> None:
            # robust: the change is stored; a queue that fails to take the refresh is logged, never
            # turned into an error answer for a write that succeeded (the scheduled refresh catches up).
            transaction.on_commit(refresh_soon, robust=True)

        events.case_changed.connect(changed, dispatch_uid="stats-refresh-case-changed")
        events.cases_imported.connect(changed, dispatch_uid="stats-refresh-cases-imported")
        events.linkage_run_finished.connect(changed, dispatch_uid="stats-refresh-linkage-run")
