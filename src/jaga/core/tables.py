"""Tables as files: CSV and XLSX downloads, and CSV text for files packed with others.

Every table Jaga writes for a person to open goes through here, so that no value typed by someone
else (a public form, an import, a partner) reaches a spreadsheet program as a formula (CSV or
formula injection): in CSV a value that starts like a formula gets a leading apostrophe, as OWASP
advises; in XLSX every text is written as a text cell, which no spreadsheet program evaluates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with a text that would start a formula made plain text for CSV."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _unix_breaks(value: Any) -> Any:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _safe_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [safe_cell(value) for value in row]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with Unix line ends and no byte-order mark: for files inside packages and archives."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    # Python 3.11's writer quotes a field with a line feed but not one with a lone carriage return,
    # which would then break the row: carriage returns become line feeds.
    writer.writerows([_unix_breaks(value) for value in row] for row in _safe_rows(rows))
    return buffer.getvalue()


def csv_download(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """CSV for a person to open; the byte-order mark lets Excel read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows(_safe_rows(rows))
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def xlsx_download(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])

    def cells(values: Sequence[Any]) -> list[Any]:
        made = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
                made.append(cell)
            else:
                made.append(value)
        return made

    worksheet.append(cells(header))
    for row in rows:
        worksheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, filename: str, *, sheet: str, bom: bool = True
) -> Any:
    """A table downloaded as ``fmt`` ("csv" or "xlsx") under ``filename``."""
    from django.http import HttpResponse

    if fmt == "csv":
        response = HttpResponse(csv_download(header, rows, bom=bom), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            xlsx_download(header, rows, sheet=sheet),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
