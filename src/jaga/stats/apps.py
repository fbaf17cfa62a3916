from typing import Any

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "jaga.stats"
    label = "stats"
    verbose_name = "Statistics"

    def ready(self) -> None:
        """Whatever the dashboards count changes: refresh them in the background after the commit."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from jaga.cases import models as cases
        from jaga.stats.tasks import refresh_soon

        def changed(**_kwargs: Any) -> None:
            # robust: the change is stored; a queue that fails to take the refresh is logged, never
            # turned into an error answer for a write that succeeded (the scheduled refresh catches up).
            transaction.on_commit(refresh_soon, robust=True)

        for model in (
            cases.Case,
            cases.CaseForm,
            cases.Child,
            cases.Consent,
            cases.ServiceRecord,
            cases.Referral,
            cases.LegalProcess,
            cases.Perpetrator,
        ):
            post_save.connect(changed, sender=model, dispatch_uid=f"stats-refresh-{model.__name__}-save")
            post_delete.connect(changed, sender=model, dispatch_uid=f"stats-refresh-{model.__name__}-delete")
        from jaga.core import events

        # Named events (core/events.py) from the services that cause them.
        events.cases_imported.connect(changed, dispatch_uid="stats-refresh-cases-imported")
        events.linkage_run_finished.connect(changed, dispatch_uid="stats-refresh-linkage-run")
