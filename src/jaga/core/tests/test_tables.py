"""Tables written for people to open never carry a live formula, whatever was typed into them."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from jaga.core.tables import csv_download, csv_text, xlsx_download

# What a spreadsheet program would run: each way a formula can start (OWASP, "CSV injection").
HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_files_make_a_formula_plain_text(value: str) -> None:
    for text in (csv_download(["name"], [[value]]).decode("utf-8-sig"), csv_text(["name"], [[value]])):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == 2 and rows[1][0].replace("\n", "\r") == "'" + value.replace("\n", "\r")


@pytest.mark.parametrize("value", HOSTILE)
def test_xlsx_files_keep_the_text_as_a_text_cell(value: str) -> None:
    workbook = load_workbook(io.BytesIO(xlsx_download(["name", value], [[value, 7]], sheet="t")))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "n"]
    assert cells[2].value.strip() == value.strip()  # XML keeps a carriage return as a line feed


def test_ordinary_values_are_written_as_they_are() -> None:
    text = csv_text(["a", "b", "c"], [["Budi", -3, "anak-anak"]])
    assert text.splitlines()[1] == "Budi,-3,anak-anak"
