from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jaga.regions.services import regions_load
from jaga.regions.sources import SOURCE, read_regions


class Command(BaseCommand):
    help = "Load Indonesia's provinces and regencies/cities (Kemendagri codes) from the bundled source."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="create or update the regions from the bundled data")
        sub.add_parser("source", help="print where the region data comes from")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        for key, value in SOURCE.items():
            self.stdout.write(f"{key}: {value}")
        if action == "load":
            result = regions_load(records=read_regions())
            self.stdout.write(
                self.style.SUCCESS(
                    f"regions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
                )
            )
