"""Reading and checking encoded files, and the DuckDB connection they are loaded into."""

from __future__ import annotations

import base64
import binascii
import csv
from collections.abc import Iterable
from pathlib import Path

import duckdb

from jaga.linkage.encoding import BLOOM_COLUMNS, COLUMNS, COUNTS, HASHES, WORDS, id_problem
from jaga.linkage.matching.common import FILTER_BYTES, HASH, InputError


def check_encoded_file(path: Path, *, label: str, fingerprint: str | None = None) -> tuple[int, str]:
    """Checks an encoded CSV row by row; returns (records, key check). Raises InputError."""
    problems: list[str] = []
    try:
        stream = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError([f"{label}: cannot read it ({exc.strerror})."]) from exc
    with stream:
        reader = csv.reader(stream)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError([f"{label}: not a CSV file in UTF-8 ({exc})."]) from exc
        if not header:
            raise InputError([f"{label}: the file is empty."])
        header = [h.strip() for h in header]
        if "id" not in header:
            problems.append(f"{label}: there is no id column.")
        unknown = [h for h in header if h not in COLUMNS]
        if unknown:
            problems.append(
                f"{label}: unknown columns {', '.join(unknown[:10])}: this is not a file from `jaga linkage encode`, "
                "or it holds plain identifiers, which must never be sent for matching."
            )
        missing = [c for c in COLUMNS if c not in header]
        if missing and not unknown and "id" in header:
            problems.append(
                f"{label}: columns {', '.join(missing[:10])} are missing: encode the file again with this version."
            )
        if problems:
            raise InputError(problems)
        index = {name: header.index(name) for name in COLUMNS}
        seen: dict[str, int] = {}
        records = 0
        try:
            for number, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                records += 1
                if len(row) != len(header):
                    problems.append(f"{label} row {number}: {len(row)} values for {len(header)} columns.")
                    continue
                if problem := id_problem(row[index["id"]].strip(), number, seen):
                    problems.append(f"{label} row {number}: {problem}.")
                key_check = row[index["fp"]]
                if fingerprint is None:
                    fingerprint = key_check
                if key_check != fingerprint:
                    problems.append(
                        f"{label} row {number}: made with a different key or settings (key check {key_check[:8]}..., "
                        f"expected {fingerprint[:8]}...). Encode every file with the same secret and version."
                    )
                for column, size in FILTER_BYTES.items():
                    value = row[index[column]]
                    if value and not _filter_ok(value, size):
                        problems.append(f"{label} row {number}, column {column}: not a filter of this version.")
                for column in HASHES:
                    value = row[index[column]]
                    if value and not HASH.fullmatch(value):
                        problems.append(f"{label} row {number}, column {column}: not a keyed hash.")
                for column in COUNTS:
                    value = row[index[column]]
                    if value and not (value.isdigit() and 0 < int(value) <= FILTER_BYTES[f"{column[:-2]}_bf"] * 4):
                        problems.append(f"{label} row {number}, column {column}: not a count of this version.")
                if not all(HASH.fullmatch(word) for word in row[index[WORDS]].split()):
                    problems.append(f"{label} row {number}, column {WORDS}: not keyed hashes.")
                if len(problems) > 1000:
                    break
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(f"{label}: unreadable after row {records + 1} ({exc}).")
    if not records and not problems:
        problems.append(f"{label}: the file has a header but no records.")
    if problems:
        raise InputError(problems)
    return records, fingerprint or ""


def _filter_ok(value: str, size: int) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == size
    except (binascii.Error, ValueError):
        return False


# In DuckDB every keyed hash (32 hex digits) and every filter's identity is held as a 64-bit hash of
# it: joins and equality tests on integers are several times faster than on strings. That any two of
# a million different values share one is a chance of about 3 in 100 million (ADR 0012). The scoring
# joins on each record's number (``rid``, its ``rowid`` as a column: ``training.number_records``).
_SELECT = ", ".join(
    [
        "id AS unique_id",
        *[f"CASE WHEN coalesce({c}, '') <> '' THEN from_base64({c})::BIT END AS {c}" for c in BLOOM_COLUMNS],
        *[f"CASE WHEN coalesce({c}, '') <> '' THEN hash({c}) END AS {c}" for c in HASHES],
        f"CASE WHEN coalesce({WORDS}, '') <> '' THEN list_transform(string_split({WORDS}, ' '), lambda w: hash(w)) "
        f"END AS {WORDS}",
        *[f"CASE WHEN coalesce({c}, '') <> '' THEN {c}::INTEGER END AS {c}" for c in COUNTS],
        *[
            f"CASE WHEN coalesce({c}, '') <> '' THEN hash({c}) END AS {c[:-3]}_h"
            for c in ("name_bf", "alias_bf", "first_bf", "last_bf", "address_bf")
        ],
    ]
)


def connect(memory_limit: str = "4GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to a temporary directory beyond ``memory_limit``."""
    import tempfile

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'").fetchall()
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/jaga-linkage-duckdb'").fetchall()
    con.execute("SET preserve_insertion_order = false").fetchall()
    return con


def load_csv(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """A checked encoded CSV (``check_encoded_file``) into a DuckDB table in the form the comparisons
    read. Its columns are named from its header, in their order: nothing is guessed."""
    with path.open(newline="", encoding="utf-8-sig") as stream:
        header = [name.strip() for name in next(csv.reader(stream))]
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in header) + "}"
    source = f"read_csv(?, header = true, auto_detect = false, columns = {columns}, delim = ',', quote = '\"')"
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {_SELECT} FROM {source}", [str(path)]).fetchall()


def load_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[dict[str, str]]) -> None:
    """Encoded records (dicts with the encoder's columns) into a DuckDB table."""
    import pyarrow as pa

    columns: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for row in rows:
        for column in COLUMNS:
            columns[column].append(row.get(column) or "")
    relation = pa.table(columns)  # noqa: F841 (read by SQL)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {_SELECT} FROM relation").fetchall()
