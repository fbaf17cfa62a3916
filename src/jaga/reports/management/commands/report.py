"""``jaga report annual --year 2025 [--organisation NAME|ID | --province 31] --lang id --out DIR``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q


class Command(BaseCommand):
    help = (
        "annual: write a year's report into DIR: report.pdf, report.html, and its tables as a Frictionless data "
        "package (datapackage.json, data/*.csv). The published edition's frozen figures and texts when there is "
        "one; otherwise the live figures with the texts of the report in progress, marked as a draft."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["annual"])
        parser.add_argument("--year", type=int, required=True)
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--organisation", help="the organisation's name or id: its own report")
        where.add_argument("--province", help="the province's two-digit code, e.g. 31 for DKI Jakarta")
        parser.add_argument("--lang", choices=["id", "en"], default="id")
        parser.add_argument("--out", required=True, help="the folder to write into (made if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        from jaga.accounts.models import Organisation
        from jaga.regions.models import Region
        from jaga.reports import render, services
        from jaga.reports.models import AnnualReport

        year, lang = options["year"], options["lang"]
        scope = AnnualReport.Scope.NATIONAL
        province = organisation = None
        if options["province"]:
            province = Region.objects.filter(code=options["province"], level=Region.Level.PROVINCE).first()
            if province is None:
                raise CommandError(f"--province {options['province']}: no province has this code (e.g. 31, 51).")
            scope = AnnualReport.Scope.PROVINCE
        elif options["organisation"]:
            name = options["organisation"]
            query = Q(name__iexact=name)
            if len(name) == 36:
                query |= Q(pk=name)
            organisation = Organisation.objects.filter(query).first()
            if organisation is None:
                raise CommandError(f"--organisation {name!r}: no organisation has this name or id.")
            scope = AnnualReport.Scope.ORGANISATION
        found = AnnualReport.objects.filter(year=year, scope=scope, province=province, organisation=organisation)
        report = (
            found.filter(state=AnnualReport.State.PUBLISHED).first()
            or found.exclude(state=AnnualReport.State.SUPERSEDED).first()
        )
        if report is None:  # figures only, no texts: a report nobody has started
            report = AnnualReport(year=year, scope=scope, province=province, organisation=organisation)
        content = services.content_of(report, lang)
        page = render.html(
            content,
            narrative=report.narrative,
            lang=lang,
            state=report.state,
            extra=services.edition_extra(report, lang),
        )
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.html").write_text(page, encoding="utf-8")
        (out / "report.pdf").write_bytes(render.pdf(page))
        with zipfile.ZipFile(io.BytesIO(render.datapackage(content))) as package:
            package.extractall(out)
        state = "no report started: figures only, a draft" if report._state.adding else report.get_state_display()
        self.stdout.write(
            f"{out}: report.pdf, report.html, datapackage.json ({year}, {report.scope_name}, {lang}; {state})"
        )
