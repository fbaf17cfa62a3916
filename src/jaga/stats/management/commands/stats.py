from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Statistics. refresh: rebuild the aggregates the dashboards read. datapackage --out DIR: the open-data "
        "package. dhis2 --year Y: monthly province values as DHIS2 dataValueSets JSON. simfoni --year Y: the "
        "counts in SIMFONI-PPA's categories (CSV). Files hold only disclosure-controlled figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh", "datapackage", "dhis2", "simfoni"])
        parser.add_argument("--out", help="datapackage: a directory; dhis2, simfoni: a file (default: standard output)")
        parser.add_argument("--year", type=int, help="dhis2, simfoni: the year (default: the latest with figures)")

    def handle(self, *args: Any, **options: Any) -> None:
        from jaga.stats import exports
        from jaga.stats.aggregates import latest_refresh, stats_refresh, years_available

        action = options["action"]
        if action == "refresh":
            run = stats_refresh()
            self.stdout.write(
                f"{run.cases} cases counted, {run.excluded} excluded (restricted or no consent to statistics)"
            )
            return
        if latest_refresh() is None:
            raise CommandError("No figures yet: run `jaga stats refresh` first.")
        years = years_available()
        year = options["year"] or (years[0] if years else None)
        if year not in years:
            raise CommandError(
                f"--year: no figures for {year}; there are figures for {', '.join(map(str, years)) or 'no year'}."
            )
        if action == "datapackage":
            if not options["out"]:
                raise CommandError("--out DIR is required: the package is several files.")
            for path in exports.datapackage_write(Path(options["out"])):
                self.stdout.write(str(path))
            return
        text = (
            json.dumps(exports.dhis2_data_value_set(year), indent=2) if action == "dhis2" else exports.simfoni_csv(year)
        )
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(options["out"])
        else:
            sys.stdout.write(text)
