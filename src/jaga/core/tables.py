"""Tables as files: CSV and XLSX downloads, and CSV text for files packed with others."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with Unix line ends and no byte-order mark: for files inside packages and archives."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_download(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """CSV for a person to open; the byte-order mark lets Excel read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def xlsx_download(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
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
