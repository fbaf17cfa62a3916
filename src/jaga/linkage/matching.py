"""Probabilistic matching on keyed encodings: Splink (DuckDB) scores pairs, Jaga clusters them.

Splink compares the encodings only: Dice similarity of the Bloom filters (DuckDB's BIT type, AND
and bit_count), equality of keyed hashes. It blocks on keyed keys, estimates u by random sampling
and m by expectation maximisation on the data itself, and gives each pair a match probability.
Clustering is Jaga's: edges are merged strongest first, and a merge is refused when the two groups
hold evidence of two different children (two NIKs, two sexes, two birth dates that are not a
typo of each other, clearly different names, or a reviewer's "different children"), so that one
weak link cannot chain two children together. See docs/adr/0012-linkage-matching.md.
"""

from __future__ import annotations

import base64
import binascii
import csv
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from jaga.linkage.encoding import BLOOM_COLUMNS, COLUMNS, COUNTS, FILTERS, HASHES, WORDS, dice, id_problem

Progress = Callable[[str, float], None]
MAX_LISTED = 20
MAX_CLUSTER = 12  # no child is recorded by more organisations than this; a bigger group is a chain
# Dice thresholds of the names' bigrams (computed from the balanced filters and their counts, ADR
# 0011) below "exact" (the same filter): one typo in a ten-letter name leaves about 0.8, in a short
# name 0.5 to 0.6; unrelated names sit below 0.3.
NAME_LEVELS = (0.85, 0.70)
PART_LEVELS = (0.80, 0.60)
ADDRESS_LEVELS = (0.80,)
ALIAS_LEVEL = 0.90
NAME_CONFLICT = 0.50  # two names this far apart are two children, whatever else agrees
GIVEN_CONFLICT = 0.40  # the same for given names alone
SAME_WORDS = 0.80  # whole names this close have the same words (a typo or two), perhaps in another order
WITHIN = 0.85  # this share of the shorter name's bigram bits in the longer: one name within the other
WITHIN_BITS = 70  # ... if the shorter sets at least this many bits (about four bigrams)
FILTER_BYTES = {f"{field}_bf": 2 * FILTERS[field][0] // 8 + 1 for field in FILTERS}
FILTER_BYTES["alias_bf"] = FILTER_BYTES["name_bf"]
HASH = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Thresholds:
    """Pairs at or above ``match`` are the same child; between ``review`` and ``match`` a person decides.
    None: chosen from the trained model for these records (``choose_thresholds``)."""

    match: float | None = None
    review: float | None = None

    def __post_init__(self) -> None:
        match = self.match if self.match is not None else 0.99
        review = self.review if self.review is not None else min(SCORING_FLOOR, match)
        if not 0 < review <= match < 1:
            raise ValueError("thresholds must satisfy 0 < review <= match < 1")

    @property
    def chosen(self) -> bool:
        return self.match is None or self.review is None


# The share of matching pairs is estimated from at most this many blocked pairs, fully scored.
SHARE_PAIRS = 500_000
# With thresholds chosen from the model, pairs below this are never scored to the end nor shown.
SCORING_FLOOR = 0.3
MATCH_RANGE = (0.5, 0.99)  # a chosen match threshold stays in this range
EXPECTED_PRECISION = 0.99
REVIEW_MAX = 1000  # a chosen review band holds at most this many pairs (the strongest below the match threshold)


@dataclass(slots=True)
class Pair:
    """A scored pair. ``levels`` holds each comparison's level number (compact: a million pairs fit);
    ``agreement`` turns them into labels for the evidence a reviewer sees."""

    a: str
    b: str
    probability: float
    levels: tuple[int, ...] = ()
    labels: dict[str, dict[int, str]] | None = None
    refused: str = ""  # why the chain checks refused it (see conflict), if they did

    @property
    def agreement(self) -> dict[str, str]:
        """comparison -> level label ("exact", "close", "missing", ...)."""
        if not self.labels:
            return {}
        return {name: self.labels[name].get(level, "") for name, level in zip(self.labels, self.levels, strict=True)}


@dataclass
class Result:
    records: int
    matched: list[Pair]  # the edges clustering accepted
    uncertain: list[Pair]  # between the thresholds, left apart: the strongest, up to the caller's limit
    refused: list[Pair]  # above the match threshold but refused by the chain checks (levels: see run)
    clusters: dict[str, str]  # record key -> cluster key (the smallest record key in it)
    thresholds: Thresholds
    scored_pairs: int = 0
    trained: bool = False  # weights learned from these records (else the starting weights)
    uncertain_count: int = 0  # all pairs between the thresholds left apart (``uncertain`` may be fewer)
    notes: list[str] = field(default_factory=list)  # what the model did with this input (left out, defaults)

    @property
    def cluster_count(self) -> int:
        return len(set(self.clusters.values()))


class InputError(ValueError):
    """Encoded input that cannot be matched; ``problems`` are messages a person can act on."""

    def __init__(self, problems: list[str]) -> None:
        listed = "\n".join(problems[:MAX_LISTED])
        more = f"\n... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{len(problems)} problems.\n{listed}{more}")
        self.problems = problems


# --- Reading and checking encoded files --------------------------------------------------------


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
# joins on DuckDB's ``rowid``.
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


# --- The model -----------------------------------------------------------------------------------


def _dice_at_least(threshold: float, column: str, other: str | None = None) -> str:
    """The Dice coefficient of the two filters' bigram bits >= threshold, cheaply: a balanced filter
    of L bits has L ones, and two filters whose bigrams set a and b bits have 2 |A and B| + L - a - b
    ones in common (``encoding.similarity``), so the test is one AND and one bit count:
    common >= L - (1 - threshold) (a + b)."""
    ones = FILTER_BYTES[column] * 4 - 4  # L: half the 2L bits, less the padding of the leading byte
    other = other or column
    counts = f"({_count(column)}_l + {_count(other)}_r)"
    return f"bit_count({column}_l & {other}_r) + {1 - threshold:.6f} * {counts} >= {ones}"


def _within(column: str, left: str = "_l", right: str = "_r") -> str:
    """The bigrams of the shorter name are nearly all in the longer one (containment >= WITHIN): a call
    name that is one of her names, a name with words left out or added. The shorter must set at least
    WITHIN_BITS bits (about four bigrams: a word of three letters), or any syllable would be "within".
    Columns are named with the suffixes ``left`` and ``right``; ``_within_int`` is the same in Python."""
    ones = FILTER_BYTES[column] * 4 - 4
    a, b = f"{_count(column)}{left}", f"{_count(column)}{right}"
    least = f"least({a}, {b})"
    return (
        f"bit_count({column}{left} & {column}{right}) + {a} + {b} - {2 * WITHIN:.6f} * {least} >= {ones} "
        f"AND {least} >= {WITHIN_BITS}"
    )


def _count(column: str) -> str:
    """The count column of a filter column (how many bits its bigrams set)."""
    return column.replace("_bf", "_n")


def _null(*columns: str) -> dict[str, Any]:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True}


def _level(sql: str, label: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label}


ELSE = {"sql_condition": "ELSE", "label_for_charts": "disagree"}


def _filter_comparison(column: str, levels: tuple[float, ...], name: str) -> dict[str, Any]:
    labels = ["close", "similar"]
    missing = _null(column)
    if name in PARTS:
        missing["sql_condition"] += f" OR {PART_SILENT}"
    return {
        "output_column_name": name,
        "comparison_levels": [
            missing,
            _exact(column),
            *[_level(_dice_at_least(t, column), labels[i]) for i, t in enumerate(levels)],
            ELSE,
        ],
    }


# Term frequencies (Splink's, computed the same way by Jaga: the share of records with a name among those
# with one): two records with the same rare name weigh more than two "Siti" or two "Putu". Applied to the
# exact level of the whole, given and family names. TF_MINIMUM bounds the weight of a name seen once.
TF_COLUMNS = {"name_h": "name_tf", "first_h": "first_tf", "last_h": "last_tf"}
TF_MINIMUM = 1e-5


def term_frequencies(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Each record's term frequency of its whole, given and family name (``TF_COLUMNS``), over all tables."""
    for column, tf in TF_COLUMNS.items():
        union = " UNION ALL ".join(f"SELECT {column} AS v FROM {t}" for t in tables)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE linkage_tf AS SELECT v, count(*)::DOUBLE / (SELECT count(v) FROM ({union})) "
            f"AS tf FROM ({union}) WHERE v IS NOT NULL GROUP BY v"
        ).fetchall()
        for table in tables:
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {tf} DOUBLE").fetchall()
            con.execute(f"UPDATE {table} SET {tf} = f.tf FROM linkage_tf f WHERE {table}.{column} = f.v").fetchall()
        con.execute("DROP TABLE linkage_tf").fetchall()


# The given and family names say nothing more when the whole names are the same: counted again, the
# same evidence would weigh three times (Fellegi-Sunter assumes comparisons independent).
PARTS = ("first_name", "family_name")
PART_SILENT = "name_h_l = name_h_r"


def _exact(column: str) -> dict[str, Any]:
    """The same filter, hence the same normalised text: compared by a 64-bit hash of the filter, so
    the many pairs that agree exactly (they share a blocking key) cost no bit operations. A name's
    exact level weighs by how common the name is (TF)."""
    hashed = f"{column[:-3]}_h"
    level = _level(f"{hashed}_l = {hashed}_r", "exact")
    if hashed in TF_COLUMNS:
        level.update(tf_adjustment_column=hashed, tf_adjustment_weight=1.0, tf_minimum_u_value=TF_MINIMUM)
    return level


def _hash_comparison(column: str) -> dict[str, Any]:
    exact = _level(f"{column}_l = {column}_r", "exact")
    return {"output_column_name": column, "comparison_levels": [_null(column), exact, ELSE]}


# Starting weights, (m, u) per level after the null level: what training learned on the synthetic
# evaluation sets. Training refines them from the data; below MIN_TRAINING records they are used
# as they are (EM on a few hundred records learns noise). u of an exact NIK is too rare to sample.
PRIORS = {
    "name": [(0.62, 0.00025), (0.01, 0.0003), (0.12, 0.0004), (0.06, 0.002), (0.08, 0.012), (0.11, 0.98525)],
    "first_name": [(0.57, 0.003), (0.09, 0.0033), (0.08, 0.09), (0.26, 0.9037)],
    "family_name": [(0.80, 0.0106), (0.09, 0.0019), (0.05, 0.028), (0.06, 0.9595)],
    "date_of_birth": [(0.70, 0.0002), (0.01, 0.0001), (0.05, 0.0035), (0.12, 0.0765), (0.04, 0.15), (0.08, 0.77)],
    "sex": [(0.98, 0.85), (0.02, 0.15)],
    "nik": [(0.90, 1e-7), (0.10, 0.9999999)],
    "phone": [(0.80, 0.0002), (0.20, 0.9998)],
    "address": [(0.50, 0.00002), (0.05, 0.058), (0.45, 0.94198)],
    "regency": [(0.90, 0.003), (0.10, 0.997)],
}
MIN_TRAINING = 500


# Two birth dates of which two parts of three agree: a digit mistyped in the day, the month or the year.
ONE_PART_DIFFERS = "(dob_md_l = dob_md_r OR dob_ym_l = dob_ym_r OR dob_yd_l = dob_yd_r)"


def _windows_shared(left: str, right: str) -> str:
    """Two birth years at most two apart (they share one of three windows: an estimated age, a year
    only), for columns named by ``left`` and ``right`` ("l.{}" and "r.{}", "{}_l" and "{}_r", ...)."""
    return "(" + " OR ".join(f"{left.format(f'dob_w{k}')} = {right.format(f'dob_w{k}')}" for k in range(3)) + ")"


YEARS_CLOSE = _windows_shared("{}_l", "{}_r")


def comparisons() -> list[dict[str, Any]]:
    name_levels = [
        _null("name_bf"),
        _exact("name_bf"),
        _level(
            f"(alias_bf_l IS NOT NULL AND {_dice_at_least(ALIAS_LEVEL, 'alias_bf', 'name_bf')}) OR "
            f"(alias_bf_r IS NOT NULL AND {_dice_at_least(ALIAS_LEVEL, 'name_bf', 'alias_bf')})",
            "nickname",
        ),
        _level(_dice_at_least(NAME_LEVELS[0], "name_bf"), "close"),
        _level(_within("name_bf"), "one within the other"),
        _level(_dice_at_least(NAME_LEVELS[1], "name_bf"), "similar"),
        ELSE,
    ]
    dob_levels = [
        _null("dob_y"),
        _level("dob_l = dob_r", "exact"),
        _level("dob_y_l = dob_y_r AND (dob_dm_l = dob_md_r OR dob_md_l = dob_dm_r)", "day and month swapped"),
        _level(f"{ONE_PART_DIFFERS}", "one part differs"),
        _level("dob_y_l = dob_y_r", "same year"),
        _level(f"(dob_l IS NULL OR dob_r IS NULL) AND {YEARS_CLOSE}", "years close, one estimated"),
        ELSE,
    ]
    found = [
        {"output_column_name": "name", "comparison_levels": name_levels},
        _filter_comparison("first_bf", PART_LEVELS, "first_name"),
        _filter_comparison("last_bf", PART_LEVELS, "family_name"),
        {"output_column_name": "date_of_birth", "comparison_levels": dob_levels},
        _hash_comparison("sex"),
        _hash_comparison("nik"),
        _hash_comparison("phone"),
        _filter_comparison("address_bf", ADDRESS_LEVELS, "address"),
        _hash_comparison("regency"),
    ]
    for comparison in found:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for level, (m, u) in zip(levels, PRIORS[comparison["output_column_name"]], strict=True):
            level["m_probability"], level["u_probability"] = m, u
    return found


# Keyed blocking: a pair is scored only if it shares one of these (cost grows with plausible pairs).
# Two rules are narrower than their first version (docs/benchmarks.md): the same given and family
# name anywhere in the country now also needs the same birth year or the same day and month, and the
# same family name in one regency also the same sex. The wide versions brought 19 of 25 million pairs
# at a million records, mostly siblings and namesakes; without them F1 rose (0.79 to 0.82 at 1M).
# The two widest rules (one name and a regency) also need birth dates that could be one child's: the
# same year or the same day and month, or one unknown. The others are siblings and namesakes, which
# the chain checks would never put together (two birth dates that are not a typo of each other):
# without them a million records bring 6.7 instead of 12.7 million pairs and the same clusters. Such a
# pair with the same NIK, phone or whole name still comes, by the rules on those, for a reviewer to see.
# The widest rules come first: a pair is scored by the first rule that finds it and each later rule
# tests the earlier ones, so the millions of pairs of the wide rules are tested the least.
BIRTH_COULD_MATCH = (
    "(l.dob_y = r.dob_y OR l.dob_md = r.dob_md OR l.dob_y IS NULL OR r.dob_y IS NULL OR ((l.dob IS NULL OR r.dob IS "
    f"NULL) AND {_windows_shared('l.{}', 'r.{}')}))"
)
BLOCKING = [
    f"l.last_h = r.last_h AND l.regency = r.regency AND l.sex = r.sex AND {BIRTH_COULD_MATCH}",
    f"l.first_h = r.first_h AND l.regency = r.regency AND {BIRTH_COULD_MATCH}",
    "l.b_first_dmy = r.b_first_dmy",
    "l.b_last_yob = r.b_last_yob AND l.dob = r.dob",
    "l.first_h = r.first_h AND l.last_h = r.last_h AND l.dob_y = r.dob_y",
    "l.name_h = r.name_h AND l.regency = r.regency",
    "l.b_phone = r.b_phone",
    "l.first_h = r.first_h AND l.last_h = r.last_h AND l.dob_md = r.dob_md",
    "l.b_nik = r.b_nik",
    # Without regency, NIK or phone (most exports outside the registry: FEBRL's shape) the rules above
    # leave a third of the true pairs unscored; a postcode with a name part or the birth date brings
    # them (FEBRL3: 4,581 to 5,340 pairs scored, recall 0.63 to 0.71). Records without postcodes add nothing.
    "l.postcode = r.postcode AND l.first_h = r.first_h",
    "l.postcode = r.postcode AND l.last_h = r.last_h",
    "l.postcode = r.postcode AND l.dob = r.dob",
]
# The widest rule, last: two records that share a word of their names or aliases (a call name that is
# one of the names, a shortened name, another order, a child who moved) and a window of birth years (at
# most two apart), or, when one has no birth year, a regency; sexes not different. The join is on a key
# per word and window (or word and regency): a key held by more than WORD_CAP records (a common name of
# one age: Siti, Putri, Rizky) brings no pair by itself, its pairs being mostly namesakes. With a cap of
# 500, 100,000 records of the second generator brought 14 million pairs and blocking took a minute; with
# 50, 0.7 million pairs, 2 s, and the same F1 (docs/benchmarks.md).
WORD_CAP = 50
WHOLE_CAP = 12  # the same for a whole name (see WHOLE_NAME_RULE)
SEXES_AGREE = "(l.sex IS NULL OR r.sex IS NULL OR l.sex = r.sex)"
WORD_RULE = (
    f"({_windows_shared('l.{}', 'r.{}')} OR ((l.dob_y IS NULL OR r.dob_y IS NULL) AND (l.regency = r.regency "
    f"OR l.postcode = r.postcode))) AND {SEXES_AGREE}"
)
# And two records with the same whole name wherever they are when one has no birth year (a child whose
# record has no birth date and no place, or who moved: 422 of the 1,458 true pairs that no rule brought
# at 10,000 records of the second generator were the same whole name), sexes not different; a whole
# name held by more than WHOLE_CAP records brings no pair by itself. With a cap of 50, and with the
# whole name and a window of birth years too, a million records of jaga synth (a small pool of names)
# brought 650,000 more pairs and 9 s more for 0.005 less F1; with 12 and one year missing, no time
# and no F1 is lost there, and FEBRL and the second generator keep most of what the rule found.
WHOLE_NAME_RULE = f"l.name_h = r.name_h AND (l.dob_y IS NULL OR r.dob_y IS NULL) AND {SEXES_AGREE}"
# The same rules as Splink reads them (its own predict, which tests compare with Jaga's, has no cap).
SPLINK_BLOCKING = [*BLOCKING, f"list_has_any(l.{WORDS}, r.{WORDS}) AND {WORD_RULE}", WHOLE_NAME_RULE]
DETERMINISTIC = ["l.nik = r.nik AND l.dob = r.dob", "l.name_h = r.name_h AND l.dob = r.dob AND l.regency = r.regency"]
TRAINING_BLOCKS = ["l.nik = r.nik", "l.dob = r.dob AND l.first_h = r.first_h", "l.phone = r.phone"]
# EM cannot learn how often the same child disagrees on a field from pairs blocked on that field: the
# given name and the birth date are learned only from the NIK or phone blocks. Without NIK and phone
# (FEBRL's shape, most exports) they kept their starting weights, which say that the same child nearly
# always has the same given name and birth date; these blocks, tried in turn until both are learned,
# train them where NIK and phone cannot.
# A place (postcode, else the exact address) narrows each block to the pairs of one place: a birth date
# or a name alone brought ten namesakes and siblings a record (a million pairs at 100,000 records of
# the second generator, 3 s of EM) and taught that the same child mostly has another birth date.
FALLBACK_BLOCKS = [
    "l.dob = r.dob AND l.postcode = r.postcode",
    "l.first_h = r.first_h AND l.last_h = r.last_h AND l.postcode = r.postcode",
    "l.dob = r.dob AND l.address_h = r.address_h",
    "l.first_h = r.first_h AND l.last_h = r.last_h AND l.address_h = r.address_h",
]
# The comparisons each training block cannot learn (it blocks on them).
BLOCKED_ON = {
    TRAINING_BLOCKS[1]: {"date_of_birth", "first_name"},
    **{rule: {"date_of_birth"} if rule.startswith("l.dob") else {"first_name"} for rule in FALLBACK_BLOCKS},
}


def score(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    thresholds: Thresholds,
    progress: Progress,
) -> Scored:
    """Trains the model on the data and returns every blocked pair at or above the review threshold.

    The blocking joins need no weights (``block``): they run on a second connection to the same
    database while Splink trains, whose work is half Python and leaves a core free."""
    from concurrent.futures import ThreadPoolExecutor

    from splink.internals.misc import prob_to_match_weight

    notes = prepare(con, tables)
    cursor = con.cursor()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            blocking = pool.submit(block, cursor, tables)
            linker, trained = train(con, tables, progress, notes)
            blocked = blocking.result()
    finally:
        cursor.close()
    progress("scoring pairs", 0.6)
    floor = thresholds.review if thresholds.review is not None else min(SCORING_FLOOR, thresholds.match or 1)
    blocked_count = con.execute(f"SELECT count(*) FROM {blocked}").fetchall()[0][0] if trained else 0
    if trained and blocked_count > SHARE_PAIRS:
        # The share of matching pairs from a random sample of SHARE_PAIRS blocked pairs, fully scored
        # (``estimate_share``); then every pair scored with it, those that cannot reach the floor dropped
        # early (``predict``).
        fraction = SHARE_PAIRS / blocked_count
        con.execute(
            f"CREATE OR REPLACE TABLE linkage_share_blocked AS SELECT * FROM {blocked} "
            f"WHERE hash(rid_l, rid_r) < {int(fraction * 2**64)}::UBIGINT"
        ).fetchall()
        sample = predict(con, tables, linker, 1e-12, "linkage_share_blocked", out="linkage_share_scored")
        prior = linker._settings_obj._probability_two_random_records_match
        share = estimate_share(con, sample, _pair_count(con, tables) * fraction, prior)
        con.execute(f"DROP TABLE {sample}").fetchall()
        if share is not None:
            linker._settings_obj._probability_two_random_records_match = share
        table = predict(con, tables, linker, floor, blocked)
    elif trained:
        # Every blocked pair scored, for the share of matching pairs (``estimate_share``); then each
        # probability with that share, and only the pairs at or above the floor kept.
        table = predict(con, tables, linker, 1e-12, blocked)
        prior = linker._settings_obj._probability_two_random_records_match
        share = estimate_share(con, table, _pair_count(con, tables), prior)
        if share is not None:
            linker._settings_obj._probability_two_random_records_match = share
            known = f"(match_weight + {_double(prob_to_match_weight(share))})"
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * REPLACE ({_probability(known)} "
                f"AS match_probability) FROM {table} WHERE {known} >= {_double(prob_to_match_weight(floor))}"
            ).fetchall()
    else:
        table = predict(con, tables, linker, floor, blocked)
    _everything(con, tables)
    scored = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    share = linker._settings_obj._probability_two_random_records_match
    if thresholds.chosen:
        thresholds = choose_thresholds(con, table, thresholds, share * _pair_count(con, tables), notes)
    progress("clustering", 0.85)
    return Scored(table, scored, trained, notes, thresholds, share)


def prepare(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Before training: the fields that can be used, the contacts too shared to compare, the names'
    frequencies. Returns the notes for the run's summary."""
    notes = usable_fields(con, tables)
    notes += shared_contacts(con, tables)
    term_frequencies(con, tables)
    return notes


def _pair_count(con: duckdb.DuckDBPyConnection, tables: list[str]) -> float:
    sizes = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables]
    return sizes[0] * (sizes[0] - 1) / 2 if len(tables) == 1 else sizes[0] * sizes[-1]


def choose_thresholds(
    con: duckdb.DuckDBPyConnection, scored: str, given: Thresholds, expected: float, notes: list[str]
) -> Thresholds:
    """The thresholds the caller left open, from the model. Each scored pair's probability is the
    model's chance that it is one child, so the k strongest pairs hold sum(p) same-child pairs of the
    ``expected`` the model counts in all (the share of matching pairs times the number of pairs): their
    expected precision is sum(p) / k. The match threshold is the lowest probability at which the pairs
    at or above it are expected to be at least EXPECTED_PRECISION the same child (within MATCH_RANGE):
    joining two children is the error that costs most, and the band below goes to a person. (The
    threshold of the best expected F1, 2 sum(p) / (k + expected), sits near p = 0.5, where a model
    that counts correlated evidence more than once is too sure: docs/benchmarks.md.) The review band is
    the REVIEW_MAX strongest pairs below it (none below SCORING_FLOOR). Both go into the run's notes with
    what the model expects of them."""
    match = given.match
    low, high = MATCH_RANGE
    if match is None:
        row = con.execute(
            f"SELECT p, k, s FROM (SELECT match_probability AS p, row_number() OVER w AS k, sum(match_probability) "
            f"OVER w AS s FROM {scored} WINDOW w AS (ORDER BY match_probability DESC ROWS UNBOUNDED PRECEDING)) "
            f"WHERE p >= {low!r} AND s / k >= {EXPECTED_PRECISION!r} ORDER BY p ASC LIMIT 1"
        ).fetchall()
        match = min(max(row[0][0], low), high) if row else high
        above = con.execute(
            f"SELECT count(*), coalesce(sum(match_probability), 0) FROM {scored} WHERE match_probability >= ?", [match]
        ).fetchall()[0]
        precision = above[1] / above[0] if above[0] else 1.0
        notes.append(
            f"match threshold {match:.3f}, chosen from the model: {above[0]:,} pairs at or above it, of which "
            f"the model expects {precision:.0%} to be the same child, and about {expected:,.0f} same-child pairs in all"
        )
    review = given.review
    if review is None:
        row = con.execute(
            f"SELECT min(match_probability), count(*), sum(match_probability) FROM (SELECT match_probability FROM "
            f"{scored} WHERE match_probability < ? ORDER BY match_probability DESC LIMIT {REVIEW_MAX})",
            [match],
        ).fetchall()[0]
        review = min(max(row[0] or match, SCORING_FLOOR), match)
        if row[1]:
            notes.append(
                f"review band {review:.3f} to {match:.3f}, chosen for a linkage officer: the {row[1]:,} strongest "
                f"pairs below the match threshold (at most {REVIEW_MAX:,}), about {row[2]:,.0f} of them the same child"
            )
    return Thresholds(match, review)


TRAINING_RECORDS = 200_000  # m is learned from a sample of this many records (per table)
U_PAIRS = 250_000  # u from this many random pairs


# The fields each comparison reads, by the name a person knows them by (the encoder's input columns).
FIELD_COLUMNS = {
    "name": ["name_bf"],
    "date of birth": ["dob_y"],
    "sex": ["sex"],
    "NIK": ["nik"],
    "phone": ["phone"],
    "address": ["address_bf"],
    "regency": ["regency"],
}


def usable_fields(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Notes on the fields that are empty in every record (left out: they weigh nothing); an input
    without a name anywhere cannot be matched and is refused with one clear error."""
    notes = []
    for label, columns in FIELD_COLUMNS.items():
        present = sum(
            con.execute(f"SELECT count({column}) FROM {table}").fetchall()[0][0]
            for table in tables
            for column in columns
        )
        if not present:
            if label == "name":
                raise InputError(["No record has a name: linkage needs at least the name (full_name) to compare."])
            notes.append(f"{label} is empty in every record: left out of the model")
    return notes


# A phone number or an address written in more records than this is a shelter's, an office's or a
# caller's, not one family's: agreeing on it says little, and its pairs would be everyone in the shelter.
SHARED = MAX_CLUSTER
# label -> (the column compared, the columns cleared with it)
CONTACTS = {
    "phone numbers": ("phone", ["phone", "b_phone"]),
    "addresses": ("address_h", ["address_bf", "address_h", "address_n"]),
}


def shared_contacts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Phone numbers and addresses of more than SHARED records count as missing (in every table), with
    a note saying how many."""
    notes = []
    for label, (key, cleared_columns) in CONTACTS.items():
        union = " UNION ALL ".join(f"SELECT {key} AS v FROM {t} WHERE {key} IS NOT NULL" for t in tables)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE linkage_shared AS SELECT v, count(*) AS n FROM ({union}) GROUP BY v "
            f"HAVING count(*) > {SHARED}"
        ).fetchall()
        values, records = con.execute("SELECT count(*), coalesce(sum(n), 0) FROM linkage_shared").fetchall()[0]
        if values:
            for table in tables:
                cleared = ", ".join(f"{c} = NULL" for c in cleared_columns)
                con.execute(f"UPDATE {table} SET {cleared} WHERE {key} IN (SELECT v FROM linkage_shared)").fetchall()
            notes.append(
                f"{values:,} {label} are each in more than {SHARED} records ({records:,} records in all: a shelter's, "
                f"an office's or a caller's): they were not compared"
            )
        con.execute("DROP TABLE linkage_shared").fetchall()
    return notes


def _has_pairs(con: duckdb.DuckDBPyConnection, tables: list[str], rule: str) -> bool:
    """Whether the training block ``rule`` brings any pair together (an export already de-duplicated by
    NIK has none for "the same NIK"; a file without phones none for "the same phone")."""
    left, right = tables[0], tables[-1]
    other = "l.unique_id < r.unique_id AND " if len(tables) == 1 else ""
    sql = f"SELECT 1 FROM {left} l JOIN {right} r ON {other}{rule} LIMIT 1"
    return bool(con.execute(sql).fetchall())


def train(
    con: duckdb.DuckDBPyConnection, tables: list[str], progress: Progress, notes: list[str] | None = None
) -> tuple[Any, bool]:
    """Splink's model with its weights estimated from the records (below MIN_TRAINING, the priors).

    Never fails on the data: a training block that finds no pairs is skipped, one whose estimates break
    (a probability of 0 or 1) is undone, and weights that are not usable fall back to the priors
    (``_weights``); each of these is said in ``notes``, which the run's summary shows.

    The share of pairs that match is counted on all the records (it depends on how many there are);
    u and m are learned on a sample of TRAINING_RECORDS (Splink would sample as much, slower, from
    the whole table) and the trained model is then put on the whole records for scoring."""
    from splink import DuckDBAPI, Linker, SettingsCreator
    from splink.internals.exceptions import EMTrainingException

    notes = notes if notes is not None else []

    def linker_of(names: list[str], settings: Any) -> Any:
        db_api = DuckDBAPI(connection=con)
        frames = [db_api.register(name, dataset_display_name=name) for name in names]
        return Linker(frames[0] if len(frames) == 1 else frames, settings, log_level=None)

    settings = SettingsCreator(
        link_type="dedupe_only" if len(tables) == 1 else "link_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=SPLINK_BLOCKING,
        # Only ids and probabilities: copying 2,000-bit filters into millions of scored pairs costs more
        # than the scoring; the levels of the few pairs Jaga reads are computed again (_fetch).
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )
    sizes = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables]
    records = sum(sizes)
    # Before training: about one record in ten is another record's duplicate.
    settings.probability_two_random_records_match = min(0.5, 0.2 / max(records, 1))
    linker = linker_of(tables, settings)
    trained = records >= MIN_TRAINING
    if not trained:
        notes.append(f"fewer than {MIN_TRAINING} records: the starting weights were used")
        return linker, trained
    progress("training: the share of pairs that match", 0.05)
    default_share = settings.probability_two_random_records_match
    try:
        _quiet(lambda: linker.training.estimate_probability_two_random_records_match(DETERMINISTIC, recall=0.6))
    except (ArithmeticError, ValueError) as exc:
        notes.append(f"the share of matching pairs could not be estimated ({type(exc).__name__}): a default kept")
    share = linker._settings_obj._probability_two_random_records_match
    if not 0 < share < 1:  # no pair agrees on the deterministic rules (no NIK, no birth date...)
        notes.append(
            f"no pair agrees on the deterministic rules: the share of matching pairs is the default {default_share:.2g}"
        )
        share = linker._settings_obj._probability_two_random_records_match = default_share
    samples = []
    for table, size in zip(tables, sizes, strict=True):
        if size <= TRAINING_RECORDS:
            samples.append(table)
            continue
        samples.append(f"{table}_training")
        below = int(TRAINING_RECORDS / size * 2**64)  # each record by a hash of its id: the same sample each run
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_training AS SELECT * FROM {table} "
            f"WHERE hash(unique_id) < {below}::UBIGINT"
        ).fetchall()
    learner = linker if samples == tables else linker_of(samples, linker.misc.save_model_to_json())
    progress("training: how often unrelated records agree", 0.15)
    before = learner.misc.save_model_to_json()
    try:
        _quiet(lambda: learner.training.estimate_u_using_random_sampling(max_pairs=min(U_PAIRS, records * 5), seed=1))
    except (ArithmeticError, ValueError) as exc:
        notes.append(f"u could not be estimated ({type(exc).__name__}): the starting values were kept")
        learner = linker_of(samples, before)
    untrained = {"date_of_birth", "first_name"}  # the comparisons that only some blocks can learn
    for n, rule in enumerate([*TRAINING_BLOCKS, *FALLBACK_BLOCKS]):
        if rule in FALLBACK_BLOCKS and not untrained:
            break
        progress("training: how often the same child agrees (EM)", 0.25 + 0.05 * n)
        if not _has_pairs(con, samples, rule):
            if rule in TRAINING_BLOCKS:
                notes.append(f"training block {rule!r} found no pairs: skipped")
            continue
        # A session that fails has already changed the model (Splink drops the comparison it fixes):
        # the model is put back as it was before it, and the other sessions and the priors stand.
        before, session = learner.misc.save_model_to_json(), learner.training
        try:
            # Without term frequencies: they refine the exact names' weights at scoring, not m or u.
            _quiet(
                lambda rule=rule, session=session: session.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            )
        except (EMTrainingException, ArithmeticError, ValueError) as exc:
            notes.append(f"training block {rule!r} failed ({type(exc).__name__}): its estimates were not used")
            learner = linker_of(samples, before)
            continue
        learned = {"date_of_birth", "first_name"} - BLOCKED_ON.get(rule, set())
        if rule in FALLBACK_BLOCKS:
            # A block whose pairs are mostly namesakes or siblings (the same names, the same birth date)
            # teaches that the same child disagrees more often than it agrees: refused, the priors stand.
            if absurd := _absurd(learner.misc.save_model_to_json(), learned):
                notes.append(
                    f"training block {rule!r} found more disagreement than agreement on {', '.join(absurd)} "
                    "among the pairs it took for the same child: its estimates were not used"
                )
                learner = linker_of(samples, before)
                continue
            notes.append(
                f"training block {rule!r} used: without NIK or phone, the given name and birth date learn from it"
            )
        untrained -= learned
    if learner is not linker:
        model = learner.misc.save_model_to_json()
        model["probability_two_random_records_match"] = share
        linker = linker_of(tables, model)
        for sample in samples:
            if sample not in tables:
                con.execute(f"DROP TABLE {sample}").fetchall()
    return linker, trained


def _absurd(model: dict[str, Any], names: set[str]) -> list[str]:
    """The comparisons among ``names`` whose trained m says the same child agrees exactly less often than
    it disagrees (the first level after the null one against the last)."""
    found = []
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        if comparison["output_column_name"] in names and levels[0].get("m_probability", 1) <= levels[-1].get(
            "m_probability", 0
        ):
            found.append(comparison["output_column_name"])
    return found


def estimate_share(con: duckdb.DuckDBPyConnection, scored: str, pairs: float, share: float) -> float | None:
    """The share of all ``pairs`` that are the same child, from the trained model and ``scored`` (every
    blocked pair with its match weight): the share that makes the expected number of matching pairs
    equal to the share times the number of pairs (the expectation-maximisation step for the share
    alone, repeated until it settles; pairs never blocked count as not matching). The deterministic
    rules' count, which Splink starts from, assumes that most matching pairs agree on NIK or on name,
    date and regency; where most records lack a NIK or a whole birth date it was five times too low
    (ADR 0012). None when there are no pairs."""
    found = None
    from splink.internals.misc import prob_to_match_weight

    for _step in range(50):
        odds = _double(prob_to_match_weight(share))
        total = con.execute(f"SELECT sum(1.0 / (1.0 + power(2.0, -(match_weight + {odds})))) FROM {scored}").fetchall()[
            0
        ][0]
        if not total or pairs <= 0:
            break
        found = min(max(total / pairs, 1e-12), 0.5)
        if abs(found - share) <= 1e-3 * share:
            break
        share = found
    return found


def predict_splink(linker: Any, review: float) -> str:
    """Splink's own prediction (the reference ``predict`` is tested against): every blocked pair at or
    above ``review``, in a table of ids and probabilities."""
    return _quiet(lambda: linker.inference.predict(threshold_match_probability=review)).physical_name


# Comparisons of Bloom filters: their weight needs the filters (2,000 bits a side), the rest does not.
FILTER_COMPARISONS = {"name": "name", "first_name": "first", "family_name": "last", "address": "address"}


def _weights(linker: Any) -> dict[str, list[tuple[str, float]]]:
    """comparison -> [(level condition, match weight)] as Splink trained them (null levels weigh 0)."""
    trained = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    weights = {}
    for comparison in comparisons():
        name = comparison["output_column_name"]
        found = trained.get(name)
        levels = found.comparison_levels if found is not None else []
        labels = [lvl["label_for_charts"] for lvl in comparison["comparison_levels"]]
        if [lvl.label_for_charts for lvl in levels] != labels:
            levels = []  # not in the trained model as defined: the starting weights stand
        weights[name] = [
            (spec["sql_condition"], _usable_weight(spec, levels[k] if levels else None))
            for k, spec in enumerate(comparison["comparison_levels"])
        ]
    return weights


def _exact_u(linker: Any) -> dict[str, float]:
    """comparison -> u of its exact level as Splink's TF adjustment reads it (the prior's if untrained)."""
    trained = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    found = {}
    for comparison in comparisons():
        name = comparison["output_column_name"]
        spec = comparison["comparison_levels"][1]
        u = spec.get("u_probability")
        if name in trained:
            levels = [lvl for lvl in trained[name].comparison_levels if lvl.label_for_charts == "exact"]
            if levels and levels[0].u_probability and 0 < levels[0].u_probability < 1:
                u = levels[0].u_probability
        found[name] = u or 1.0
    return found


def _usable_weight(spec: dict[str, Any], level: Any) -> float:
    """A level's trained weight, or its prior when training left none that can be used (no pairs,
    or a probability of 0 or 1, whose logarithm is infinite); a null level weighs nothing."""
    if spec.get("is_null_level"):
        return 0.0
    if level is not None:
        try:
            weight = float(level._match_weight)
        except (TypeError, ValueError, ArithmeticError):
            weight = math.nan
        if math.isfinite(weight):
            return weight
    m, u = spec.get("m_probability"), spec.get("u_probability")
    return math.log2(m / u) if m and u else 0.0


def _probability(weight: str) -> str:
    """SQL for the probability of a total match weight in bits (the prior included), without overflow."""
    return (
        f"CASE WHEN {weight} >= 0 THEN 1.0 / (1.0 + power(2.0, -{weight})) "
        f"ELSE power(2.0, {weight}) / (1.0 + power(2.0, {weight})) END"
    )


def _double(weight: float) -> str:
    """A weight as a DOUBLE literal (DuckDB reads 1.25 as a DECIMAL, and sums of DECIMALs of different
    scales become 128-bit integers, several times slower)."""
    return f"CAST({weight!r} AS DOUBLE)"


def _case(levels: list[tuple[str, float]]) -> str:
    whens = " ".join(f"WHEN {sql} THEN {_double(weight)}" for sql, weight in levels if sql != "ELSE")
    other = next((weight for sql, weight in levels if sql == "ELSE"), 0.0)
    return f"CASE {whens} ELSE {_double(other)} END"


# The filter comparisons in the order their filters are compared, cheapest to rule pairs out first:
# the given and family names (half the bits of a whole name, and one of them is often settled by its
# hash) rule out the namesakes and the siblings that the wide blocking rules bring.
STAGES = [["first_name", "family_name"], ["name"], ["address"]]
FILTERS_OF = {"name": ["name_bf", "alias_bf"], "first_name": ["first_bf"], "family_name": ["last_bf"]}
FILTERS_OF["address"] = ["address_bf"]


def block(con: duckdb.DuckDBPyConnection, tables: list[str], out: str = "linkage_blocked") -> str:
    """The first step of ``predict``, which needs no trained weights: every blocked pair once (by the
    first rule that finds it: no de-duplication of millions of pairs), with the level number of each
    comparison that needs no filter (as ``comparisons()`` lists its levels, the missing level 0) and,
    for the filter comparisons, 0 where one side is missing, 1 where the hashes are the same, NULL
    where the filters must be compared. A plain table, not a TEMP one, so that ``score`` can make it
    on a second connection while Splink trains."""
    two = len(tables) > 1
    left, right = tables[0], tables[-1]
    levels = []
    for comparison in comparisons():
        name = comparison["output_column_name"]
        if name in FILTER_COMPARISONS:
            short = FILTER_COMPARISONS[name]
            missing, same = f"{short}_h_l IS NULL OR {short}_h_r IS NULL", f"{short}_h_l = {short}_h_r"
            if name in PARTS:
                missing += f" OR {PART_SILENT}"
            levels.append(f"CASE WHEN {missing} THEN 0 WHEN {same} THEN 1 END AS lv_{name}")
            if f"{short}_h" in TF_COLUMNS:  # the name's frequency, for the weight of the exact level
                levels.append(f"CASE WHEN {same} THEN {short}_tf_l END AS tf_{name}")
            continue
        whens = [(level["sql_condition"], n) for n, level in enumerate(comparison["comparison_levels"])]
        otherwise = next(n for sql, n in whens if sql == "ELSE")
        cases = " ".join(f"WHEN {sql} THEN {n}" for sql, n in whens if sql != "ELSE")
        levels.append(f"CASE {cases} ELSE {otherwise} END AS lv_{name}")
    narrow = [c for c in COMPARED if not c.endswith("_bf") and c not in COUNTS] + ["alias_h"]
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in narrow)
    found = []
    for n, rule in enumerate(BLOCKING):
        earlier = "".join(f" AND NOT coalesce(({other}), false)" for other in BLOCKING[:n])
        order = "" if two else " AND l.rowid < r.rowid"
        joined = f"SELECT l.rowid AS rid_l, r.rowid AS rid_r, {sides} FROM {left} l JOIN {right} r ON {rule}{order}"
        found.append(f"SELECT rid_l, rid_r, {', '.join(levels)} FROM ({joined}{earlier})")
    # Then the pairs that share a word and a window of birth years, or a word and a regency when one
    # has no birth year (WORD_RULE), and no earlier rule found. Each record gives one key per word and
    # window (or regency); a key of more than WORD_CAP records gives no pair; each pair comes once.
    sides_keys = []
    for n, table in enumerate(dict.fromkeys([left, right])):
        words = (
            f"SELECT rowid AS rid, unnest({WORDS}) AS word, dob_y, dob_w0, dob_w1, dob_w2, regency, postcode "
            f"FROM {table} WHERE {WORDS} IS NOT NULL"
        )
        windows = " UNION ALL ".join(
            f"SELECT {n} AS side, rid, hash(word, dob_w{k}) AS k, false AS place, false AS noyear, false AS whole "
            f"FROM w WHERE dob_w{k} IS NOT NULL"
            for k in range(3)
        )
        by_place = " UNION ALL ".join(
            f"SELECT {n} AS side, rid, hash(word, {place}, '{place}') AS k, true AS place, dob_y IS NULL AS noyear, "
            f"false AS whole FROM w WHERE {place} IS NOT NULL"
            for place in ("regency", "postcode")
        )
        # The whole name, joined (as a place is) only where one side has no birth year.
        by_name = (
            f"SELECT {n} AS side, rowid AS rid, hash(name_h, 'whole') AS k, true AS place, dob_y IS NULL AS noyear, "
            f"true AS whole FROM {table} WHERE name_h IS NOT NULL"
        )
        sides_keys.append(f"(WITH w AS ({words}) {windows} UNION ALL {by_place} UNION ALL {by_name})")
    # Keys held by at most WORD_CAP records (over both tables), counted before the join: a filter on the
    # joined keys (NOT IN the common ones) made DuckDB take 9 s instead of 0.7 at 400,000 records.
    keys = (
        f"linkage_keys AS (SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY k) AS n FROM "
        f"({' UNION ALL '.join(sides_keys)})) WHERE n <= CASE WHEN whole THEN {WHOLE_CAP} ELSE {WORD_CAP} END)"
    )
    order = "" if two else " AND a.rid < b.rid"
    shared = (
        "SELECT a.rid AS rid_l, b.rid AS rid_r, bool_or(a.whole) AS whole FROM linkage_keys a JOIN linkage_keys b "
        f"ON a.k = b.k AND a.side = 0 AND b.side = {1 if two else 0}{order} "
        "WHERE (NOT a.place OR a.noyear OR b.noyear) GROUP BY a.rid, b.rid"
    )
    earlier = "".join(f" AND NOT coalesce(({other}), false)" for other in BLOCKING)
    joined = (
        f"SELECT p.rid_l, p.rid_r, {sides} FROM ({shared}) p JOIN {left} l ON l.rowid = p.rid_l "
        f"JOIN {right} r ON r.rowid = p.rid_r WHERE (p.whole AND {SEXES_AGREE}) OR {WORD_RULE}"
    )
    found.append(f"SELECT rid_l, rid_r, {', '.join(levels)} FROM ({joined}{earlier})")
    sql = f"WITH {keys} {' UNION ALL '.join(found)}"
    con.execute(f"CREATE OR REPLACE TABLE {out} AS {sql}").fetchall()
    return out


def predict(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    linker: Any,
    review: float,
    blocked: str | None = None,
    out: str = "linkage_predictions",
) -> str:
    """Every blocked pair at or above ``review``, scored with Splink's trained weights exactly as its
    ``predict`` scores them (tested), so that most pairs never touch their filters:

    1. the blocked pairs (``block``, unless already made) have their levels turned into weights: of
       the comparisons that need no filter, summed, and of the filter comparisons, where a hash
       decided the level.
    2. the undecided filter comparisons are computed in stages (STAGES), each reading only the
       pairs whose best possible total (each undecided comparison at its best level) still reaches
       ``review``; what is left at the end is scored.
    """
    from splink.internals.misc import prob_to_match_weight

    blocked = blocked or block(con, tables)
    weights = _weights(linker)
    exact_u = _exact_u(linker)
    prior = prob_to_match_weight(linker._settings_obj._probability_two_random_records_match)
    floor = prob_to_match_weight(review)
    two = len(tables) > 1
    left, right = tables[0], tables[-1]
    joins = f"JOIN {left} l ON l.rowid = c.rid_l JOIN {right} r ON r.rowid = c.rid_r"

    def weight_of(name: str, numbers: Iterable[int]) -> str:
        return f"CASE lv_{name} {' '.join(f'WHEN {n} THEN {_double(weights[name][n][1])}' for n in numbers)} END"

    # The comparisons that need no filter summed in their order; the stages add the filter comparisons.
    known = [_double(prior)]
    known += [weight_of(name, range(len(w))) for name, w in weights.items() if name not in FILTER_COMPARISONS]
    decided = [f"{weight_of(name, (0, 1))} AS d_{short}" for name, short in FILTER_COMPARISONS.items()]
    for n, (name, short) in enumerate(FILTER_COMPARISONS.items()):
        if f"{short}_h" in TF_COLUMNS:  # Splink's TF adjustment: log2(u of the exact level) - log2(frequency)
            adjust = f"{_double(math.log2(exact_u[name]))} - log2(greatest(tf_{name}, {_double(TF_MINIMUM)}))"
            decided[n] = f"{weight_of(name, (0, 1))} + CASE WHEN lv_{name} = 1 THEN {adjust} ELSE 0 END AS d_{short}"
    best = {name: max(weight for _sql, weight in weights[name][2:]) for name in FILTER_COMPARISONS}

    def reachable(pending: list[str]) -> str:
        """The best total a pair can still reach is at least ``review``."""
        best_of = [f"coalesce(d_{FILTER_COMPARISONS[n]}, {_double(best[n])})" for n in pending]
        return f"{' + '.join(['known', *best_of])} >= {_double(floor)}"

    # Each step's pairs are kept whole and the next step reads only those that can still reach
    # ``review``: a filter on a stored column costs nothing, one on a computed column computes it twice.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE linkage_stage AS SELECT rid_l, rid_r, {' + '.join(known)} AS known, "
        f"{', '.join(decided)} FROM {blocked}"
    ).fetchall()
    con.execute(f"DROP TABLE {blocked}").fetchall()
    pending = list(FILTER_COMPARISONS)
    for stage in STAGES:
        reaching = f"(SELECT * FROM linkage_stage WHERE {reachable(pending)})"
        pending = [name for name in pending if name not in stage]
        filters = ", ".join(
            f"l.{c} AS {c}_l, r.{c} AS {c}_r" for name in stage for f in FILTERS_OF[name] for c in (f, _count(f))
        )
        # Each filter's common bits counted once, not once per level (DuckDB does not share them).
        common, total = [], ["known"]
        for name in stage:
            undecided, column = f"d_{FILTER_COMPARISONS[name]}", FILTERS_OF[name][0]
            count = f"bit_count({column}_l & {column}_r)"
            common.append(f"CASE WHEN {undecided} IS NULL THEN {count} END AS common_{column}")
            levels = [(sql.replace(count, f"common_{column}"), weight) for sql, weight in weights[name][2:]]
            total.append(f"CASE WHEN {undecided} IS NOT NULL THEN {undecided} ELSE {_case(levels)} END")
        counted = f"SELECT *, {', '.join(common)} FROM (SELECT c.*, {filters} FROM {reaching} c {joins})"
        kept = ["rid_l", "rid_r", f"{' + '.join(total)} AS known", *[f"d_{FILTER_COMPARISONS[n]}" for n in pending]]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE linkage_stage AS SELECT {', '.join(kept)} FROM ({counted})"
        ).fetchall()
    probability = _probability("known")
    if two:
        ids = f"l.unique_id AS unique_id_l, r.unique_id AS unique_id_r, '{left}' AS source_dataset_l, "
        ids += f"'{right}' AS source_dataset_r"
        ids += ", c.rid_l, c.rid_r"
    else:  # as Splink gives them: the smaller id on the left
        first = "l.unique_id < r.unique_id"
        ids = ", ".join(
            f"CASE WHEN {first} THEN {a}.unique_id ELSE {b}.unique_id END AS unique_id_{side}, "
            f"CASE WHEN {first} THEN c.rid_{a} ELSE c.rid_{b} END AS rid_{side}"
            for a, b, side in (("l", "r", "l"), ("r", "l", "r"))
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT {ids}, {probability} AS match_probability, "
        f"known - {_double(prior)} AS match_weight FROM (SELECT * FROM linkage_stage "
        f"WHERE known >= {_double(floor)}) c "
        f"{joins}"
    ).fetchall()
    con.execute("DROP TABLE linkage_stage").fetchall()
    return out


@dataclass
class Scored:
    table: str  # every pair at or above the review threshold: ids, rowids (rid_l, rid_r), probability
    count: int
    trained: bool
    notes: list[str] = field(default_factory=list)
    thresholds: Thresholds = field(default_factory=Thresholds)  # as chosen (``choose_thresholds``) or given
    share: float = 0.0  # the share of pairs that match, as the model has it (``estimate_share``)


# The record columns the comparisons read.
COMPARED = [*BLOOM_COLUMNS, "name_h", "first_h", "last_h", "address_h", *HASHES, *COUNTS, "name_tf", "first_tf",
            "last_tf"]  # fmt: skip


def level_labels() -> dict[str, dict[int, str]]:
    """comparison -> level number -> label, numbered as Splink numbers them (missing -1, else 0)."""
    labels = {}
    for comparison in comparisons():
        levels = comparison["comparison_levels"]
        top = sum(1 for level in levels if not level.get("is_null_level")) - 1
        numbers, n = {}, top
        for level in levels:
            if level.get("is_null_level"):
                numbers[-1] = level["label_for_charts"]
            else:
                numbers[n] = level["label_for_charts"]
                n -= 1
        labels[comparison["output_column_name"]] = numbers
    return labels


def _gamma_sql() -> str:
    cases = []
    for comparison in comparisons():
        whens, n = [], sum(1 for level in comparison["comparison_levels"] if not level.get("is_null_level")) - 1
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                whens.append(f"WHEN {level['sql_condition']} THEN -1")
            elif level["sql_condition"] == "ELSE":
                whens.append(f"ELSE {n}")
            else:
                whens.append(f"WHEN {level['sql_condition']} THEN {n}")
                n -= 1
        cases.append(f"CASE {' '.join(whens)} END")
    return ", ".join(cases)


def _everything(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    union = " UNION ALL ".join(f"SELECT '{t}' AS src, * FROM {t}" for t in tables)
    con.execute(f"CREATE OR REPLACE TEMP VIEW linkage_everything AS {union}").fetchall()


def _sources(tables: list[str]) -> tuple[str, str]:
    """SQL for the table each side of a scored pair ``p`` comes from."""
    if len(tables) > 1:
        return "p.source_dataset_l", "p.source_dataset_r"
    return f"'{tables[0]}'", f"'{tables[0]}'"


def _fetch(
    con: duckdb.DuckDBPyConnection, tables: list[str], scored: str, where: str, params: list, tail: str = ""
) -> list[Pair]:
    """Scored pairs chosen by ``where`` (over ``p``, the scored table), with each comparison's level."""
    source = _sources(tables)
    picked = (
        f"SELECT p.unique_id_l, p.unique_id_r, p.match_probability, {source[0]} AS src_l, {source[1]} AS src_r "
        f"FROM {scored} p {where} {tail or 'ORDER BY p.match_probability DESC, p.unique_id_l, p.unique_id_r'}"
    )
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in COMPARED)
    joined = (
        f"SELECT k.*, {sides} FROM ({picked}) k "
        "JOIN linkage_everything l ON l.src = k.src_l AND l.unique_id = k.unique_id_l "
        "JOIN linkage_everything r ON r.src = k.src_r AND r.unique_id = k.unique_id_r"
    )
    query = f"SELECT unique_id_l, unique_id_r, match_probability, {_gamma_sql()}, src_l FROM ({joined})"
    rows = con.execute(query, params).fetchall()
    return _pairs(rows, tables, level_labels())


def _pairs(rows: list[tuple], tables: list[str], labels: dict[str, dict[int, str]]) -> list[Pair]:
    pairs = []
    for row in rows:
        a, b, probability, *levels, left_source = row
        if len(tables) > 1:
            if left_source != tables[0]:
                a, b = b, a  # with two files, a is always from the first
            a, b = f"{tables[0]}:{a}", f"{tables[1]}:{b}"
        pairs.append(Pair(a, b, probability, tuple(levels), labels))
    return pairs


def _quiet(call: Callable[[], Any]) -> Any:
    """Splink logs its progress at INFO; Jaga reports its own. Nothing it logs names a person."""
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)
    try:
        return call()
    finally:
        splink_log.setLevel(level)


# --- Clustering with chain checks ---------------------------------------------------------------


@dataclass(slots=True)
class Evidence:
    """What the chain checks compare between two groups: keyed hashes and filters, never values."""

    nik: int | None
    sex: int | None
    dob: int | None
    dob_y: int | None
    dob_md: int | None
    dob_dm: int | None
    dob_ym: int | None
    dob_yd: int | None
    dob_w0: int | None
    dob_w1: int | None
    dob_w2: int | None
    name: int | None
    alias: int | None
    first: int | None
    name_n: int | None
    alias_n: int | None
    first_n: int | None


EVIDENCE_COLUMNS = ["nik", "sex", "dob", "dob_y", "dob_md", "dob_dm", "dob_ym", "dob_yd", "dob_w0", "dob_w1", "dob_w2",
                    "name_bf", "alias_bf", "first_bf", "name_n", "alias_n", "first_n"]  # fmt: skip
BITS_FROM = EVIDENCE_COLUMNS.index("name_bf")


def _numbered(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """``linkage_numbered``: each record's evidence with its number across the tables (``Records``)."""
    offset, parts = 0, []
    for table in tables:
        parts.append(f"SELECT rowid + {offset} AS g, {', '.join(EVIDENCE_COLUMNS)} FROM {table}")
        offset += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    con.execute(f"CREATE OR REPLACE TEMP VIEW linkage_numbered AS {' UNION ALL '.join(parts)}").fetchall()


def evidence(con: duckdb.DuckDBPyConnection, tables: list[str], numbers: Iterable[int]) -> dict[int, Evidence]:
    """The chain checks' evidence of the records with these numbers (``Records``)."""
    import pyarrow as pa

    _numbered(con, tables)
    wanted = pa.table({"g": sorted(numbers)})  # noqa: F841 (read by SQL)
    columns = ", ".join(f"{c}::BLOB" if c.endswith("_bf") else c for c in EVIDENCE_COLUMNS)
    rows = con.execute(f"SELECT t.g, {columns} FROM linkage_numbered t JOIN wanted k ON k.g = t.g").fetchall()
    found = {}
    for number, *values in rows:
        filters = (int.from_bytes(bits, "big") if bits else None for bits in values[BITS_FROM : BITS_FROM + 3])
        found[number] = Evidence(*values[:BITS_FROM], *filters, *values[BITS_FROM + 3 :])
    return found


NAME_BITS = FILTERS["name"][0]
FIRST_BITS = FILTERS["first"][0]


# Why the chain checks refused a pair. The hard ones are facts; the soft ones a person may overrule.
HARD_CONFLICTS = ("nik", "sex", "decision")


def conflict(x: Evidence, y: Evidence) -> str:
    """Why two records cannot be the same child whatever their score ("" when they can)."""
    if x.nik is not None and y.nik is not None:
        if x.nik != y.nik:
            return "nik"
        if x.dob == y.dob:
            return ""  # one NIK and one birth date: a nickname does not make her someone else
    if x.sex is not None and y.sex is not None and x.sex != y.sex:
        return "sex"
    if x.dob is not None and y.dob is not None and x.dob != y.dob:
        swapped = x.dob_y == y.dob_y and (
            (x.dob_dm is not None and x.dob_dm == y.dob_md) or (y.dob_dm is not None and y.dob_dm == x.dob_md)
        )
        typo = x.dob_md == y.dob_md or x.dob_ym == y.dob_ym or x.dob_yd == y.dob_yd  # two parts of three agree
        if not (swapped or typo):
            return "date_of_birth"
    elif (
        x.dob_y is not None
        and y.dob_y is not None
        and x.dob_y != y.dob_y
        # A year only or an estimated age on one side: one child's if the years are at most two apart.
        and not (x.dob_w0 == y.dob_w0 or x.dob_w1 == y.dob_w1 or x.dob_w2 == y.dob_w2)
    ):
        return "date_of_birth"
    within = _within_int(x.name, y.name, x.name_n, y.name_n)
    names_differ = _apart(x.name, y.name, x.name_n, y.name_n) and not within
    # Siblings share a family name: a given name that differs is another child, unless the whole names
    # hold the same words in another order (the name filter holds each word's bigrams, whatever the
    # order, so "Santoso Budi" is "Budi Santoso"). The given and family name filters cannot be compared
    # with each other: they are keyed apart.
    given_differs = (
        _apart(x.first, y.first, x.first_n, y.first_n, GIVEN_CONFLICT, FIRST_BITS)
        and _apart(x.name, y.name, x.name_n, y.name_n, SAME_WORDS)
        and not within
    )
    # With the same whole birth date, names that differ are weighed by the model, not refused: the given
    # name may be a call name or have been replaced (FEBRL's duplicates: refused, they were the largest
    # loss on every FEBRL set, 380 of 5,000 true pairs on FEBRL4); a twin has another name too, and the
    # model's weight for a given name that differs is what keeps twins apart (docs/benchmarks.md).
    if (names_differ or given_differs) and not (x.dob is not None and x.dob == y.dob):
        aliases = [(x.alias, x.alias_n, y.name, y.name_n), (x.name, x.name_n, y.alias, y.alias_n),
                   (x.alias, x.alias_n, y.alias, y.alias_n)]  # fmt: skip
        if not any(p is not None and q is not None and dice(p, q, pn, qn, NAME_BITS) >= ALIAS_LEVEL
                   for p, pn, q, qn in aliases):  # fmt: skip
            return "name"
    return ""


def overruled(x: Evidence, y: Evidence) -> bool:
    """Whether a soft conflict between two records whose own pair scored at or above the match threshold
    is lifted by evidence the conflict does not weigh: two birth dates far apart are a mistake when the
    whole names are the same (a date typed from another record; namesakes with a strong score are
    rarer). Hard conflicts are never lifted. (Names that differ under one whole birth date are not a
    conflict at all: ``conflict``.)"""
    return x.name is not None and x.name == y.name


def _within_int(a: int | None, b: int | None, a_bits: int, b_bits: int) -> bool:
    """``_within`` in Python."""
    if a is None or b is None or min(a_bits, b_bits) < WITHIN_BITS:
        return False
    common = ((a & b).bit_count() - NAME_BITS + a_bits + b_bits) / 2
    return common >= WITHIN * min(a_bits, b_bits)


def _apart(
    a: int | None, b: int | None, a_bits: int, b_bits: int, below: float = NAME_CONFLICT, length: int = NAME_BITS
) -> bool:
    return a is not None and b is not None and dice(a, b, a_bits, b_bits, length) < below


class Conflicts:
    """The chain checks' verdicts, ``conflict(x, y)``, for records that clustering may put together:
    computed in SQL for the pairs of each candidate group (records joined by strong pairs and
    decisions), from the records' evidence in Python for the rare group too large to list its pairs.
    Records are numbered (``Records``)."""

    def __init__(self, found: dict[tuple[int, int], str], evidence_of: dict[int, Evidence]) -> None:
        self.found = found  # (x, y) -> why, both ways round, only where there is a conflict
        self.evidence_of = evidence_of
        self.strong: set[tuple[int, int]] = set()

    def between(self, x: int, y: int) -> str:
        if x in self.evidence_of and y in self.evidence_of:
            why = conflict(self.evidence_of[x], self.evidence_of[y])
            if why and why not in HARD_CONFLICTS and ((x, y) in self.strong or (y, x) in self.strong):
                return ""  # lifted (``overruled``)
            return why
        return self.found.get((x, y), "")

    def overruled_by(self, strong: set[tuple[int, int]]) -> None:
        """Pairs scored at or above the match threshold whose soft conflict ``overruled`` lifts."""
        self.strong = strong
        for x, y in strong:
            if self.found.get((x, y), HARD_CONFLICTS[0]) not in HARD_CONFLICTS:
                del self.found[(x, y)]
                del self.found[(y, x)]

    def first(self, xs: list[int], ys: list[int]) -> str:
        """The first conflict between a record of ``xs`` and one of ``ys`` ("" if none)."""
        if self.evidence_of:
            return next((why for x in xs for y in ys if (why := self.between(x, y))), "")
        get = self.found.get
        for x in xs:
            for y in ys:
                if why := get((x, y)):
                    return why
        return ""

    def involved(self) -> set[int]:
        """The records in a conflict with another (or whose conflicts are worked out as asked)."""
        return {x for x, _y in self.found} | set(self.evidence_of)


LISTED_GROUP = 1000  # a candidate group up to this size has its pairs' conflicts computed in SQL


def _groups(edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The connected groups of records that ``edges`` join (records in no edge are left out). The
    smaller group is relabelled on each join: a record's group is one lookup."""
    group_of: dict[int, int] = {}
    members_of: dict[int, list[int]] = {}
    for a, b in edges:
        ga, gb = group_of.get(a, a), group_of.get(b, b)
        if ga == gb:
            continue
        ma, mb = members_of.get(ga) or [ga], members_of.get(gb) or [gb]
        if len(ma) < len(mb):
            ga, gb, ma, mb = gb, ga, mb, ma
        ma.extend(mb)
        members_of[ga] = ma
        members_of.pop(gb, None)
        for x in mb:
            group_of[x] = ga
    return list(members_of.values())


def chain_conflicts(con: duckdb.DuckDBPyConnection, tables: list[str], groups: list[list[int]]) -> Conflicts:
    """The conflicts clustering may ask about: between any two records of one candidate group."""
    listed, group_of, large = [], [], set()
    for n, members in enumerate(groups):
        if len(members) > LISTED_GROUP:
            large.update(members)
            continue
        listed.extend(members)
        group_of.extend([n] * len(members))
    found = _conflicts_sql(con, tables, listed, group_of) if listed else {}
    return Conflicts(found, evidence(con, tables, large) if large else {})


def _dice_sql(a: str, b: str, length: int = NAME_BITS) -> str:
    """``encoding.dice`` in SQL, of filter columns ``a`` and ``b`` (their counts beside them)."""
    a_n, b_n = _count(a), _count(b)
    return f"(bit_count({a} & {b}) - {length} + {a_n} + {b_n}) / ({a_n} + {b_n})"


def _conflicts_sql(
    con: duckdb.DuckDBPyConnection, tables: list[str], records: list[int], group_of: list[int]
) -> dict[tuple[int, int], str]:
    """``conflict`` (tested equal) for every two records of one group (``group_of`` gives each
    record's), in DuckDB: the filters never come into Python."""
    import pyarrow as pa

    _numbered(con, tables)
    con.register("linkage_members", pa.table({"g": records, "grp": group_of}))
    wanted = "SELECT a.g AS x, b.g AS y FROM linkage_members a JOIN linkage_members b ON a.grp = b.grp AND a.g < b.g"
    sides = ", ".join(f"l.{c} AS {c}_x, r.{c} AS {c}_y" for c in EVIDENCE_COLUMNS)
    alias = " OR ".join(
        f"coalesce({_dice_sql(a, b)} >= {ALIAS_LEVEL!r}, false)"
        for a, b in (("alias_bf_x", "name_bf_y"), ("name_bf_x", "alias_bf_y"), ("alias_bf_x", "alias_bf_y"))
    )
    name, given = _dice_sql("name_bf_x", "name_bf_y"), _dice_sql("first_bf_x", "first_bf_y", FIRST_BITS)
    within = _within("name_bf", "_x", "_y")
    verdict = (  # conflict(x, y), the checks in the same order; the name filters compared only if need be
        "CASE WHEN nik_x <> nik_y THEN 'nik' "
        "WHEN nik_x IS NOT NULL AND nik_y IS NOT NULL AND dob_x IS NOT DISTINCT FROM dob_y THEN '' "
        "WHEN sex_x <> sex_y THEN 'sex' "
        "WHEN dob_x <> dob_y AND NOT ((dob_y_x = dob_y_y AND (coalesce(dob_dm_x = dob_md_y, false) "
        "OR coalesce(dob_dm_y = dob_md_x, false))) OR dob_md_x = dob_md_y OR dob_ym_x = dob_ym_y "
        "OR dob_yd_x = dob_yd_y) THEN 'date_of_birth' "
        f"WHEN (dob_x IS NULL OR dob_y IS NULL) AND dob_y_x <> dob_y_y AND NOT coalesce("
        f"{_windows_shared('{}_x', '{}_y')}, false) THEN 'date_of_birth' "
        "WHEN dob_x = dob_y THEN '' "
        f"WHEN ((coalesce({name} < {NAME_CONFLICT!r}, false) OR (coalesce({given} < {GIVEN_CONFLICT!r}, false) "
        f"AND coalesce({name} < {SAME_WORDS!r}, false))) AND NOT coalesce({within}, false)) AND NOT ({alias}) "
        "THEN 'name' "
        "ELSE '' END"
    )
    rows = con.sql(
        f"SELECT x, y, why FROM (SELECT x, y, {verdict} AS why FROM (SELECT w.x, w.y, {sides} FROM ({wanted}) w "
        "JOIN linkage_numbered l ON l.g = w.x JOIN linkage_numbered r ON r.g = w.y)) WHERE why <> ''"
    ).to_arrow_table()
    con.unregister("linkage_members")
    xs, ys, whys = (column.to_pylist() for column in rows.columns)
    found = dict(zip(zip(xs, ys, strict=True), whys, strict=True))  # the checks are symmetric: both ways round
    found.update(zip(zip(ys, xs, strict=True), whys, strict=True))
    return found


@dataclass
class Records:
    """The records of the tables, numbered 0..n-1 in table order and, within a table, in DuckDB's
    rowid order; ``keys`` are their ids (``table:id`` with two tables)."""

    keys: list[str]
    offsets: list[int]  # the number of each table's first record

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, tables: list[str]) -> Records:
        keys: list[str] = []
        offsets = []
        for table in tables:
            offsets.append(len(keys))
            found = con.execute(f"SELECT max(rowid) + 1, count(*) FROM {table}").fetchall()[0]
            if found[0] != found[1] and found[1]:
                raise RuntimeError(f"{table}: rowids are not 0..n-1")  # a table Jaga loaded never has gaps
            ids = con.sql(f"SELECT unique_id FROM {table} ORDER BY rowid").to_arrow_table().column(0).to_pylist()
            keys.extend([f"{table}:{record}" for record in ids] if len(tables) > 1 else ids)
        return cls(keys, offsets)


def cluster(
    records: Records,
    edges: list[tuple[int, int, float]],
    thresholds: Thresholds,
    conflicts: Conflicts,
    groups: list[list[int]],
    *,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
) -> tuple[dict[str, str], list[Pair], list[Pair], dict[int, int]]:
    """Groups records into children: clusters, the matched and refused pairs, and each grouped
    record's cluster by number. Reviewers' decisions come first and always hold; then the pairs at or
    above the match threshold, strongest first (``edges`` come sorted so), each refused if it would
    join evidence of two different children.

    A candidate group (``groups``: records the edges and decisions connect) with no conflict inside,
    no decision and no more than MAX_CLUSTER records becomes one child whatever the order: its
    edges are all matched without the pair-by-pair checks, which only the other groups need."""
    same, different = list(same), list(different)
    decided = {x for pair in [*same, *different] for x in pair}
    unclean = decided | conflicts.involved()
    clean: set[int] = set()  # the members of groups that need no checks
    for members in groups:
        if len(members) <= MAX_CLUSTER and unclean.isdisjoint(members):
            clean.update(members)
    # A child has at most MAX_CLUSTER records, so a join relabels the smaller side's few records and
    # a record's cluster is one lookup (records not in root_of are alone).
    root_of: dict[int, int] = {}
    members_of: dict[int, list[int]] = {}
    apart: dict[int, set[int]] = {}
    for a, b in different:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)

    def refusal(ma: list[int], mb: list[int], checked: bool) -> str:
        """Why the two groups may not join ("" when they may)."""
        if len(ma) + len(mb) > MAX_CLUSTER:
            return "size"
        if apart and any(not apart[x].isdisjoint(mb) for x in ma if x in apart):
            return "decision"
        return conflicts.first(ma, mb) if checked else ""

    def join(ra: int, ma: list[int], rb: int, mb: list[int]) -> None:
        if len(ma) < len(mb):
            ra, ma, rb, mb = rb, mb, ra, ma
        members_of[ra] = ma + mb
        members_of.pop(rb, None)
        for x in mb:
            root_of[x] = ra
        root_of[ra] = ra

    for a, b in same:
        ra, rb = root_of.get(a, a), root_of.get(b, b)
        ma, mb = members_of.get(ra, [ra]), members_of.get(rb, [rb])
        if ra != rb and not refusal(ma, mb, checked=False):
            join(ra, ma, rb, mb)
    keys = records.keys
    matched, refused = [], []
    for a, b, probability in edges:
        if probability < thresholds.match:
            continue
        if a in clean:
            matched.append(Pair(keys[a], keys[b], probability))
            continue
        ra, rb = root_of.get(a, a), root_of.get(b, b)
        if ra == rb:
            matched.append(Pair(keys[a], keys[b], probability))
            continue
        ma, mb = members_of.get(ra, [ra]), members_of.get(rb, [rb])
        if why := refusal(ma, mb, checked=True):
            refused.append(Pair(keys[a], keys[b], probability, refused=why))
        else:
            join(ra, ma, rb, mb)
            matched.append(Pair(keys[a], keys[b], probability))
    labels = list(keys)  # every record, alone unless it is in a group
    placed = {}  # record number -> its cluster's number (the number of its smallest key), if not alone
    whole = [members for members in groups if members[0] in clean]
    for group in [*whole, *(group for group in members_of.values() if len(group) > 1)]:
        first = min(group, key=keys.__getitem__)
        for x in group:
            labels[x] = keys[first]
            placed[x] = first
    return dict(zip(keys, labels, strict=True)), matched, refused, placed


def run(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    thresholds: Thresholds,
    *,
    same: Iterable[tuple[str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
    uncertain_limit: int = 0,
) -> Result:
    """Scores and clusters the records of one table (de-duplication) or two (linking). The strongest
    ``uncertain_limit`` uncertain pairs come back for review, with their levels; all are counted. So
    do the strongest ``uncertain_limit`` refused pairs whose refusal a person may overrule."""
    progress = progress or (lambda stage, fraction: None)
    scored = score(con, tables, thresholds, progress)
    from jaga.core.bulk import gc_paused

    # Clustering makes millions of tuples, lists and pairs, none in a cycle: with the cycle collector
    # paused (it would walk them all, again and again) a million records cluster a second faster.
    with gc_paused():
        return _cluster_run(con, tables, thresholds, scored, same, different, progress, uncertain_limit)


def _cluster_run(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    thresholds: Thresholds,
    scored: Scored,
    same: Iterable[tuple[str, str]],
    different: Iterable[tuple[str, str]],
    progress: Progress,
    uncertain_limit: int,
) -> Result:
    """``run`` once the pairs are scored: clusters, uncertain pairs, the result."""
    thresholds = scored.thresholds
    records = Records.of(con, tables)
    edges = _strong(con, scored.table, records, thresholds)
    same, different = list(same), list(different)
    if same or different:
        number = {key: n for n, key in enumerate(records.keys)}
        same = [(number[a], number[b]) for a, b in same if a in number and b in number]
        different = [(number[a], number[b]) for a, b in different if a in number and b in number]
    groups = _groups([*((a, b) for a, b, _p in edges), *same])
    conflicts = chain_conflicts(con, tables, groups)
    # A strong pair's own soft conflict may be lifted by evidence the check does not weigh (``overruled``).
    soft = [(a, b) for a, b, _p in edges if conflicts.found.get((a, b), HARD_CONFLICTS[0]) not in HARD_CONFLICTS]
    if soft:
        known = evidence(con, tables, {x for pair in soft for x in pair})
        conflicts.overruled_by({(a, b) for a, b in soft if overruled(known[a], known[b])})
    clusters, matched, refused, placed = cluster(
        records, edges, thresholds, conflicts, groups, same=same, different=different
    )
    # Levels (the evidence a reviewer reads) for the refused pairs a person may overrule, strongest first.
    contested = sorted((p for p in refused if p.refused not in HARD_CONFLICTS), key=lambda p: -p.probability)
    _with_levels(con, tables, scored.table, contested[:uncertain_limit])
    uncertain, uncertain_count = _uncertain(con, tables, scored, records, placed, thresholds, uncertain_limit)
    progress("done", 1.0)
    return Result(
        len(records.keys), matched, uncertain, refused, clusters, thresholds, scored.count, scored.trained,
        uncertain_count, scored.notes,
    )  # fmt: skip


def _strong(
    con: duckdb.DuckDBPyConnection, scored: str, records: Records, thresholds: Thresholds
) -> list[tuple[int, int, float]]:
    """The pairs clustering may join, as record numbers, strongest first (ties by id, as ever)."""
    left, right = records.offsets[0], records.offsets[-1]
    return con.execute(
        f"SELECT rid_l + {left}, rid_r + {right}, match_probability FROM {scored} WHERE match_probability >= ? "
        "ORDER BY match_probability DESC, unique_id_l, unique_id_r",
        [thresholds.match],
    ).fetchall()


def _with_levels(con: duckdb.DuckDBPyConnection, tables: list[str], scored: str, pairs: list[Pair]) -> list[Pair]:
    """The pairs with each comparison's level, for the evidence a reviewer sees."""
    import pyarrow as pa

    if not pairs:
        return pairs
    ids = [(p.a.split(":", 1)[-1], p.b.split(":", 1)[-1]) if len(tables) > 1 else (p.a, p.b) for p in pairs]
    con.register("linkage_levels_of", pa.table({"a": [i[0] for i in ids], "b": [i[1] for i in ids]}))
    where = "JOIN linkage_levels_of w ON w.a = p.unique_id_l AND w.b = p.unique_id_r"
    levels = {(f.a, f.b): f for f in _fetch(con, tables, scored, where, [])}
    con.unregister("linkage_levels_of")
    for pair in pairs:
        found = levels[(pair.a, pair.b)]
        pair.levels, pair.labels = found.levels, found.labels
    return pairs


def _uncertain(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    scored: Scored,
    records: Records,
    placed: dict[int, int],
    thresholds: Thresholds,
    limit: int,
) -> tuple[list[Pair], int]:
    """Pairs between the thresholds whose records clustering left apart: the strongest ``limit`` of
    them, and how many there are."""
    import pyarrow as pa

    # Only the records placed with others; a record alone is its own cluster (its number).
    numbers = {"g": pa.array(list(placed), pa.int64()), "cluster": pa.array(list(placed.values()), pa.int64())}
    con.register("placed", pa.table(numbers))
    left, right = records.offsets[0], records.offsets[-1]
    x, y = f"coalesce(x.cluster, p.rid_l + {left})", f"coalesce(y.cluster, p.rid_r + {right})"
    where = (
        f"LEFT JOIN placed x ON x.g = p.rid_l + {left} LEFT JOIN placed y ON y.g = p.rid_r + {right} "
        f"WHERE p.match_probability < ? AND p.match_probability >= ? AND {x} <> {y}"
    )
    band = [thresholds.match, thresholds.review]
    count = con.execute(f"SELECT count(*) FROM {scored.table} p {where}", band).fetchall()[0][0]
    if not limit:
        return [], count
    tail = f"ORDER BY p.match_probability DESC, p.unique_id_l, p.unique_id_r LIMIT {int(limit)}"
    pairs = _fetch(con, tables, scored.table, where, band, tail)
    pairs.sort(key=lambda pair: -pair.probability)
    return pairs, count
