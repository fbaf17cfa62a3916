"""Published statistics as files: the open-data package, DHIS2 data values, SIMFONI-PPA categories.

Everything here is read from the suppressed grids (aggregates.grids): the files say no more than
the public dashboard. A hidden count is written as "<5" or "x" in CSV (declared as missing values
in the package's schema) and left out of DHIS2 data values.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jaga.core.tables import csv_text
from jaga.stats.aggregates import _values, grids, latest_refresh, years_available
from jaga.stats.dimensions import DASHBOARD_DIMENSIONS, DIMENSIONS, SIMFONI_DIMENSIONS
from jaga.stats.disclosure import TOTAL, Table

NATIONAL = "ID"  # the province column's value for figures of all of Indonesia


def _missing() -> list[str]:
    return [f"<{settings.JAGA_STATS_THRESHOLD}", "x"]


def _names(dim: str) -> dict[str, str]:
    return {str(code): str(name) for code, name in DIMENSIONS[dim].choices()}


def _dimension_rows(dims: list[str]) -> list[list[Any]]:
    """year, province (or ID), dimension, value, label, cases: national and per province."""
    rows: list[list[Any]] = []
    for year in sorted(years_available()):
        found = grids(year=year)
        for dim in dims:
            table: Table = found.tables[dim]
            values = _values(dim)
            labels = dict(DIMENSIONS[dim].choices()) if dim != "month" else {}
            for i, province in [(TOTAL, NATIONAL), *enumerate(found.provinces)]:
                for j, value in enumerate(values):
                    cell = (i, j)
                    if value == "" and table.values.get(cell, 0) == 0:
                        continue
                    label = str(labels.get(value, value)) if value else "not recorded"
                    rows.append([year, province, dim, value or "not_recorded", label, table.label(cell)])
    return rows


def _province_rows() -> list[list[Any]]:
    names = _names("province")
    rows: list[list[Any]] = []
    for year in sorted(years_available()):
        found = grids(year=year)
        rows.append([year, NATIONAL, "Indonesia", found.totals.label((TOTAL, 0))])
        for i, code in enumerate(found.provinces):
            rows.append([year, code, names.get(code, code), found.totals.label((i, 0))])
    return rows


def datapackage_files() -> dict[str, str]:
    """The open-data package: file name -> text (datapackage.json and its CSVs)."""
    refresh = latest_refresh()
    linked = bool(refresh and refresh.linked)
    counted = (
        "Children (records of one child at several organisations, found by linkage, count once per cell)"
        if linked
        else "Cases registered (files, not yet children)"
    )
    cases_field = {
        "name": "cases",
        "type": "integer",
        "description": f"{counted}; hidden counts are missing values",
        "constraints": {"minimum": 0},
    }
    province_field = {
        "name": "province",
        "type": "string",
        "description": "Kemendagri province code, or ID for all of Indonesia",
    }
    package = {
        "name": "jaga-eska-statistics",
        "title": "Jaga: cases of commercial sexual exploitation of children in Indonesia",
        "description": (
            "Disclosure-controlled counts from the Jaga registry: counts below "
            f"{settings.JAGA_STATS_THRESHOLD} read <{settings.JAGA_STATS_THRESHOLD}, and x hides a count that "
            "would reveal one. "
            + (
                "Counts are of children: linkage without names finds the records several organisations hold "
                "of one child, who then counts once in each year of registration and province of exploitation."
                if linked
                else "Counts are of cases registered by organisations, by year of registration and province of "
                "exploitation."
            )
        ),
        "created": (refresh.finished_at if refresh and refresh.finished_at else timezone.now()).isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            {
                "name": "cases-by-province",
                "path": "cases_by_province.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": "year", "type": "integer"},
                        province_field,
                        {"name": "province_name", "type": "string"},
                        cases_field,
                    ],
                    "missingValues": _missing(),
                    "primaryKey": ["year", "province"],
                },
            },
            {
                "name": "cases-by-dimension",
                "path": "cases_by_dimension.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": "year", "type": "integer"},
                        province_field,
                        {
                            "name": "dimension",
                            "type": "string",
                            "constraints": {"enum": [*DASHBOARD_DIMENSIONS, "month"]},
                        },
                        {"name": "value", "type": "string"},
                        {"name": "label", "type": "string"},
                        cases_field,
                    ],
                    "missingValues": _missing(),
                    "primaryKey": ["year", "province", "dimension", "value"],
                },
            },
        ],
    }
    return {
        "datapackage.json": json.dumps(package, indent=2, ensure_ascii=False),
        "cases_by_province.csv": csv_text(["year", "province", "province_name", "cases"], _province_rows()),
        "cases_by_dimension.csv": csv_text(
            ["year", "province", "dimension", "value", "label", "cases"],
            _dimension_rows([*DASHBOARD_DIMENSIONS, "month"]),
        ),
    }


def datapackage_write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in datapackage_files().items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def datapackage_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in datapackage_files().items():
            archive.writestr(f"jaga-eska-statistics/{name}", text)
    return buffer.getvalue()


# --- DHIS2 -------------------------------------------------------------------------------------------

DHIS2_DATA_ELEMENT = "JAGA_ESKA_CASES"  # code of the data element "ESKA cases registered (Jaga)"


def dhis2_data_value_set(year: int) -> dict[str, Any]:
    """Monthly cases per province as a DHIS2 ``dataValueSets`` payload (codes as identifiers:
    import with ``idScheme=CODE``). Org units are Kemendagri province codes; hidden counts are
    left out, with a comment naming how many."""
    found = grids(year=year)
    table = found.tables["month"]
    values = []
    hidden = 0
    for i, province in enumerate(found.provinces):
        for j, month in enumerate(_values("month")):
            cell = (i, j)
            number = table.published(cell)
            if number is None:
                hidden += 1
                continue
            if number:
                values.append(
                    {
                        "dataElement": DHIS2_DATA_ELEMENT,
                        "period": f"{year}{int(month):02d}",
                        "orgUnit": province,
                        "value": str(number),
                    }
                )
    return {
        "dataSet": "JAGA_ESKA_MONTHLY",
        "completeDate": timezone.localdate().isoformat(),
        "comment": f"Jaga {year}: {len(values)} values; {hidden} province-months hidden by disclosure control.",
        "dataValues": values,
    }


# --- SIMFONI-PPA ----------------------------------------------------------------------------------------


def simfoni_rows(year: int) -> list[list[Any]]:
    """year, province, SIMFONI category, SIMFONI value, cases, for every province and all of Indonesia."""
    found = grids(year=year)
    names = _names("province")
    rows: list[list[Any]] = []
    for dim in SIMFONI_DIMENSIONS:
        table = found.tables[dim]
        for i, province in [(TOTAL, NATIONAL), *enumerate(found.provinces)]:
            for j, value in enumerate(_values(dim)):
                if value == "" and table.values.get((i, j), 0) == 0:
                    continue
                rows.append(
                    [
                        year,
                        province,
                        names.get(province, "Indonesia"),
                        dim.removeprefix("simfoni_"),
                        value or "tidak_tercatat",
                        table.label((i, j)),
                    ]
                )
    return rows


def simfoni_csv(year: int) -> str:
    return csv_text(["tahun", "provinsi", "nama_provinsi", "kategori", "nilai", "kasus"], simfoni_rows(year))
