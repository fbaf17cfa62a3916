"""Tables as files: CSV and XLSX downloads, and CSV text for files packed with others.

Every table Jaga writes for a person to open goes through here, so that no value typed by someone
else (a public form, an import, a partner) reaches a spreadsheet program as a formula (CSV or
formula injection): in CSV a value that starts like a formula gets a leading apostrophe, as OWASP
advises; in XLSX every text is written as a text cell, which no spreadsheet program evaluates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from jaga.core.files import MAX_UNZIPPED_BYTES, unpacked_size, unpacks_too_far

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


MAX_FILE_BYTES = 50 * 1024 * 1024


MAX_CELL_CHARS = 10_000  # no field of Jaga takes more; a longer cell is refused, not cut


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes) -> Iterator[list[str]]:
    """Rows of cells from CSV (UTF-8, comma or semicolon) or XLSX bytes; the header is the first row.

    Refused with a message, before anything is imported: a file over the size limits or that
    unpacks far beyond its size, a header that names a column twice, a cell longer than any field,
    and a formula whose value the file does not carry (it would import as an empty cell).
    """
    rows = _rows(data)
    header = next(rows, None)
    if header is None:
        return
    names = [name.strip().lower() for name in header]
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        raise ImportFileError(_("The header names a column twice: %(names)s.") % {"names": ", ".join(twice)[:200]})
    yield header
    for number, row in enumerate(rows, start=2):
        for index, cell in enumerate(row):
            if len(cell) > MAX_CELL_CHARS:
                column = names[index] if index < len(names) and names[index] else str(index + 1)
                raise ImportFileError(
                    _("Row %(row)s, column %(column)s: the cell is longer than %(max)s characters.")
                    % {"row": number, "column": column[:60], "max": f"{MAX_CELL_CHARS:,}"}
                )
        yield row


def _rows(data: bytes) -> Iterator[list[str]]:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 50 MB. Split it into smaller files."))
    if data.startswith(b"PK\x03\x04"):
        yield from _read_xlsx(data)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (broken at byte %(at)s). Save it as 'CSV UTF-8' or as XLSX.")
            % {"at": exc.start}
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV or XLSX spreadsheet."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is broken: %(reason)s.") % {"reason": str(exc)}) from exc


def _read_xlsx(data: bytes) -> Iterator[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = unpacked_size(archive)
        if unpacked > MAX_UNZIPPED_BYTES:
            raise ImportFileError(_("The spreadsheet unpacks to more than 300 MB. Split it into smaller files."))
        if unpacks_too_far(unpacked, len(data)):
            raise ImportFileError(
                _(
                    "The spreadsheet unpacks to far more than its size, as files built to break programs do. "
                    "Save it again or send it as CSV."
                )
            )
        sheets = (archive.read(info) for info in archive.infolist() if info.filename.startswith("xl/worksheets/"))
        formulas = any(b"<f>" in xml or b"<f " in xml for xml in sheets)
        from openpyxl import load_workbook  # uses defusedxml, which is installed, against XML attacks

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        if not formulas:
            for row in sheet.iter_rows(values_only=True):
                yield [_cell(value) for value in row]
        else:
            # A formula that was never calculated (a file written by a program, not a person) has no
            # value to import: refuse it rather than import an empty cell.
            written = load_workbook(io.BytesIO(data), read_only=True, data_only=False).worksheets[0]
            for number, (values, cells) in enumerate(
                zip(sheet.iter_rows(values_only=True), written.iter_rows(values_only=True), strict=False), start=1
            ):
                for index, (value, source) in enumerate(zip(values, cells, strict=False)):
                    if value is None and isinstance(source, str) and source.startswith("="):
                        raise ImportFileError(
                            _(
                                "Row %(row)s, column %(column)s holds a formula without a value. Open the file "
                                "in a spreadsheet program, save it, and upload it again."
                            )
                            % {"row": number, "column": index + 1}
                        )
                yield [_cell(value) for value in values]
        workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types for one cause: not a readable workbook
        raise ImportFileError(
            _("The XLSX file cannot be read. Open it in a spreadsheet program and save it again.")
        ) from exc
