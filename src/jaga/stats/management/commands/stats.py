from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Statistics: `jaga stats refresh` rebuilds the aggregates the dashboards read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args: Any, **options: Any) -> None:
        from jaga.stats.aggregates import stats_refresh

        run = stats_refresh()
        self.stdout.write(
            f"{run.cases} cases counted, {run.excluded} excluded (restricted or no consent to statistics)"
        )
