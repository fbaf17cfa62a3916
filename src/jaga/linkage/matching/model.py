"""The Splink model: comparisons of the encodings, their starting weights, and the blocking rules."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import duckdb

from jaga.linkage.encoding import WORDS
from jaga.linkage.matching.common import (
    ADDRESS_LEVELS,
    ALIAS_LEVEL,
    FILTER_BYTES,
    NAME_LEVELS,
    PART_LEVELS,
    WITHIN,
    WITHIN_BITS,
)


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


# Term frequencies (Splink's adjustment; the share of the other records with a value among those with one,
# ``term_frequencies``): two records with the same rare name weigh more than two "Siti" or two "Putu". Applied to the
# exact level of the whole, given and family names, and of the birth date: a date that thousands of
# records hold (a default written where the day was unknown, a date clipped to an age) says less than
# a date few hold. TF_MINIMUM bounds the weight of a value seen once.
TF_COLUMNS = {"name_h": "name_tf", "first_h": "first_tf", "last_h": "last_tf", "dob": "dob_tf"}


TF_MINIMUM = 1e-5


def term_frequencies(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Each record's term frequency of its whole, given and family name and its birth date (``TF_COLUMNS``),
    over all tables, counted among the other records: the value's count less the record's own, over the
    records with a value less one. That is how likely another child is to hold it, which is what an exact
    agreement has to be weighed against; counted with the record itself (as Splink counts), a value that
    only a pair holds looks twice as common as it is, and in a small file the pair's own birth dates
    weighed less than the average date (FEBRL2 0.964 to 0.959; ADR 0012, 2026-12-06, fourth)."""
    records = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables)
    # Too few records to say how common a value is (in two records of one child every value they share
    # is "held by all"): each weighs as the average agreement, the exact level's u.
    average = {tf_column(c): c["comparison_levels"][1]["u_probability"] for c in comparisons() if tf_column(c)}
    for column, tf in TF_COLUMNS.items():
        union = " UNION ALL ".join(f"SELECT {column} AS v FROM {t}" for t in tables)
        total = f"(SELECT count(v) FROM ({union}))"
        share = f"(count(*) - 1)::DOUBLE / greatest({total} - 1, 1)"
        if records < MIN_TRAINING:
            share = _double(average[column])
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE linkage_tf AS SELECT v, {share} AS tf FROM ({union}) WHERE v IS NOT NULL "
            "GROUP BY v"
        ).fetchall()
        for table in tables:
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {tf} DOUBLE").fetchall()
            con.execute(f"UPDATE {table} SET {tf} = f.tf FROM linkage_tf f WHERE {table}.{column} = f.v").fetchall()
        con.execute("DROP TABLE linkage_tf").fetchall()


def tf_column(comparison: dict[str, Any]) -> str | None:
    """The column whose frequency adjusts the weight of a comparison's exact level (None if none)."""
    return comparison["comparison_levels"][1].get("tf_adjustment_column")


def _with_tf(level: dict[str, Any], column: str) -> dict[str, Any]:
    """An exact level weighed by how common its value is (Splink's term-frequency adjustment)."""
    return level | {"tf_adjustment_column": column, "tf_adjustment_weight": 1.0, "tf_minimum_u_value": TF_MINIMUM}


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
    return _with_tf(level, hashed) if hashed in TF_COLUMNS else level


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
        _with_tf(_level("dob_l = dob_r", "exact"), "dob"),
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
# Each rule's pairs are found as record numbers and made distinct before their fields are read
# (``scoring.block``): testing the earlier rules on each rule's pairs cost more than the de-duplication.
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
    # The same home address, whatever the names and dates: a child written down under a call name, a
    # name spelled otherwise in every word, or without a birth date is still at home. An address of more
    # than SHARED records (a shelter's, an office's) is cleared before blocking (``shared_contacts``),
    # so no block is larger than a household. Measured 2026-12-05: F1 0.660 to 0.681 on 100,000 records
    # of the second generator, 0.908 to 0.918 on jaga synth's, FEBRL unchanged; 4% more pairs at 1M.
    "l.address_h = r.address_h",
]


# The widest rule, last: two records that share a word of their names or aliases (a call name that is
# one of the names, a shortened name, another order, a child who moved) and a window of birth years (at
# most two apart), or, when one has no birth year, a regency; sexes not different. The join is on a key
# per word and window (or word and regency): a key held by more than WORD_CAP records (a common name of
# one age: Siti, Putri, Rizky) brings no pair by itself, its pairs being mostly namesakes. With a cap of
# 500, 100,000 records of the second generator brought 14 million pairs and blocking took a minute; with
# 50, 0.7 million pairs (0.85 million with the rules of 2026-12-06), 2 s, and the same F1; with 25,
# 0.43 million, and at a million FEBRL-shaped records 7.2 instead of 8.2 million, every set's F1 the same
# or 0.001 higher; with 10 or 5, recall began to fall (ADR 0012, 2026-12-06, fifth).
WORD_CAP = 25


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


def _quiet(call: Callable[[], Any]) -> Any:
    """Splink logs its progress at INFO; Jaga reports its own. Nothing it logs names a person."""
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)
    try:
        return call()
    finally:
        splink_log.setLevel(level)


def _double(weight: float) -> str:
    """A weight as a DOUBLE literal (DuckDB reads 1.25 as a DECIMAL, and sums of DECIMALs of different
    scales become 128-bit integers, several times slower)."""
    return f"CAST({weight!r} AS DOUBLE)"


def _probability(weight: str) -> str:
    """SQL for the probability of a total match weight in bits (the prior included), without overflow."""
    return (
        f"CASE WHEN {weight} >= 0 THEN 1.0 / (1.0 + power(2.0, -{weight})) "
        f"ELSE power(2.0, {weight}) / (1.0 + power(2.0, {weight})) END"
    )
