"""Scoring: blocked pairs, weighted by the trained model in DuckDB SQL (or by Splink for the smallest runs)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from jaga.linkage.encoding import BLOOM_COLUMNS, COUNTS, HASHES, WORDS
from jaga.linkage.matching.common import PAIR_HASH, SCORING_FLOOR, SHARE_PAIRS, Pair, Progress, Thresholds
from jaga.linkage.matching.model import (
    BLOCKING,
    PART_SILENT,
    PARTS,
    SEXES_AGREE,
    TF_COLUMNS,
    TF_MINIMUM,
    WHOLE_CAP,
    WORD_CAP,
    WORD_RULE,
    _count,
    _double,
    _probability,
    _quiet,
    comparisons,
    tf_column,
)
from jaga.linkage.matching.training import (
    _pair_count,
    choose_thresholds,
    estimate_share,
    floor_from_sample,
    prepare,
    train,
)


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
            f"WHERE pair_h < {int(fraction * 2**64)}::UBIGINT"
        ).fetchall()
        sample = predict(con, tables, linker, 1e-12, "linkage_share_blocked", out="linkage_share_scored", stages=EVERY)
        prior = linker._settings_obj._probability_two_random_records_match
        share = estimate_share(con, sample, _pair_count(con, tables) * fraction, prior)
        if share is not None:
            linker._settings_obj._probability_two_random_records_match = share
            if thresholds.chosen:  # no pair that cannot reach the review band is scored to the end
                floor = floor_from_sample(con, sample, share, fraction, thresholds)
        con.execute(f"DROP TABLE {sample}").fetchall()
        table = predict(con, tables, linker, floor, blocked)
    elif trained:
        # Every blocked pair scored, for the share of matching pairs (``estimate_share``); then each
        # probability with that share, and only the pairs at or above the floor kept.
        table = predict(con, tables, linker, 1e-12, blocked, stages=EVERY)
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


def predict_splink(con: duckdb.DuckDBPyConnection, tables: list[str], linker: Any, review: float) -> str:
    """Splink's own prediction (the reference ``predict`` is tested against): every blocked pair at or above
    ``review`` (ids, probabilities), with Jaga's term frequencies (``model.term_frequencies``), not its own."""
    union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
    for column, tf in TF_COLUMNS.items():
        con.execute(
            f"CREATE OR REPLACE TABLE linkage_tf_{column} AS SELECT DISTINCT {column}, {tf} AS tf_{column} "
            f"FROM ({union}) WHERE {column} IS NOT NULL"
        ).fetchall()
        frame = linker._db_api.register(f"linkage_tf_{column}")
        linker.table_management.register_term_frequency_lookup(frame, column)
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


def _case(levels: list[tuple[str, float]]) -> str:
    whens = " ".join(f"WHEN {sql} THEN {_double(weight)}" for sql, weight in levels if sql != "ELSE")
    other = next((weight for sql, weight in levels if sql == "ELSE"), 0.0)
    return f"CASE {whens} ELSE {_double(other)} END"


# The filter comparisons in the order their filters are compared, cheapest to rule pairs out first:
# the given and family names (half the bits of a whole name, and one of them is often settled by its
# hash) rule out the namesakes and the siblings that the wide blocking rules bring.
STAGES = [["first_name", "family_name"], ["name"], ["address"]]


# Every filter in one stage, for the runs that score every blocked pair (the floor prunes nothing): one
# join of the filters instead of three.
EVERY = [list(FILTER_COMPARISONS)]


FILTERS_OF = {"name": ["name_bf", "alias_bf"], "first_name": ["first_bf"], "family_name": ["last_bf"]}


FILTERS_OF["address"] = ["address_bf"]


def block(con: duckdb.DuckDBPyConnection, tables: list[str], out: str = "linkage_blocked") -> str:
    """The first step of ``predict``, which needs no trained weights: every blocked pair once (found as
    record numbers by the rules and the words, made distinct, then their fields read once), with the
    level number of each comparison that needs no filter (as ``comparisons()`` lists its levels, the
    missing level 0) and, for the filter comparisons, 0 where one side is missing, 1 where the hashes are
    the same, NULL where the filters must be compared; the frequency of an exact value (``tf_``); and the
    pair's place in the share sample (``pair_h``: PAIR_HASH). A plain table, not a TEMP one, so that
    ``score`` can make it on a second connection while Splink trains."""
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
        else:
            whens = [(level["sql_condition"], n) for n, level in enumerate(comparison["comparison_levels"])]
            otherwise = next(n for sql, n in whens if sql == "ELSE")
            cases = " ".join(f"WHEN {sql} THEN {n}" for sql, n in whens if sql != "ELSE")
            levels.append(f"CASE {cases} ELSE {otherwise} END AS lv_{name}")
        if column := tf_column(comparison):  # the value's frequency, for the weight of the exact level
            levels.append(f"CASE WHEN {column}_l = {column}_r THEN {TF_COLUMNS[column]}_l END AS tf_{name}")
    # Only the columns the levels read (not the blocking keys, postcode, ...): each is gathered for
    # millions of pairs from both sides.
    read = " ".join(levels)
    narrow = [c for c in COMPARED if not c.endswith("_bf") and c not in COUNTS and f"{c}_l" in read]
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in narrow)
    # Each rule's pairs as record numbers only (narrow joins: the fields are read once, below), then each
    # pair once. Testing each earlier rule on every pair a rule finds, so that a pair came only from the
    # first, read every rule's fields into every join: 5 s at a million records, against 1.5 s this way.
    order = "" if two else " AND l.rid < r.rid"
    rules = [
        f"SELECT l.rid AS rid_l, r.rid AS rid_r FROM {left} l JOIN {right} r ON {rule}{order}" for rule in BLOCKING
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out}_pairs AS SELECT DISTINCT rid_l, rid_r, NULL::BOOLEAN AS whole "
        f"FROM ({' UNION ALL '.join(rules)})"
    ).fetchall()
    # Then the pairs that share a word and a window of birth years, or a word and a regency when one
    # has no birth year (WORD_RULE), and no earlier rule found. Each record gives one key per word and
    # window (or regency); a key of more than WORD_CAP records gives no pair; each pair comes once.
    sides_keys = []
    for n, table in enumerate(dict.fromkeys([left, right])):
        words = (
            f"SELECT rid, unnest({WORDS}) AS word, dob_y, dob_w0, dob_w1, dob_w2, regency, postcode "
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
            f"SELECT {n} AS side, rid, hash(name_h, 'whole') AS k, true AS place, dob_y IS NULL AS noyear, "
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
    # The word pairs a rule did not find (an anti-join on the pairs' numbers, cheaper than testing every
    # rule on each of millions of word pairs) join them; then every pair's fields, once, and its levels.
    # The word pairs' own conditions (WORD_RULE) are computed there, on the fields read for the levels
    # (reading them twice cost 1 s at a million records), and the pairs that fail them deleted after: as
    # a filter, DuckDB made it a condition of the join, which then could not look records up by number.
    words_sql = (
        f"SELECT p.rid_l, p.rid_r, p.whole FROM ({shared}) p ANTI JOIN {out}_pairs o ON o.rid_l = p.rid_l AND "
        "o.rid_r = p.rid_r"
    )
    con.execute(f"INSERT INTO {out}_pairs WITH {keys} {words_sql}").fetchall()
    keep = f"p.whole IS NULL OR (p.whole AND {SEXES_AGREE}) OR {WORD_RULE}"
    joined = (
        f"SELECT p.rid_l, p.rid_r, {sides}, {PAIR_HASH} AS pair_h, coalesce({keep}, false) AS keep FROM {out}_pairs p "
        f"JOIN {left} l ON l.rid = p.rid_l JOIN {right} r ON r.rid = p.rid_r"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {out} AS SELECT rid_l, rid_r, {', '.join(levels)}, pair_h, keep FROM ({joined})"
    ).fetchall()
    con.execute(f"DELETE FROM {out} WHERE NOT keep").fetchall()
    con.execute(f"DROP TABLE {out}_pairs").fetchall()
    return out


def predict(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    linker: Any,
    review: float,
    blocked: str | None = None,
    out: str = "linkage_predictions",
    stages: list[list[str]] | None = None,
) -> str:
    """Every blocked pair at or above ``review``, scored with Splink's trained weights exactly as its
    ``predict`` scores them (tested), so that most pairs never touch their filters:

    1. the blocked pairs (``block``, unless already made) have their levels turned into weights: of
       the comparisons that need no filter, summed, and of the filter comparisons, where a hash
       decided the level.
    2. the undecided filter comparisons are computed in stages (STAGES), each reading only the
       pairs whose best possible total (each undecided comparison at its best level) still reaches
       ``review``; what is left at the end is scored. Where nothing is to be pruned (``review`` near
       0: every pair scored), ``stages`` is EVERY, all filters in one.
    """
    from splink.internals.misc import prob_to_match_weight

    blocked = blocked or block(con, tables)
    weights = _weights(linker)
    exact_u = _exact_u(linker)
    prior = prob_to_match_weight(linker._settings_obj._probability_two_random_records_match)
    floor = prob_to_match_weight(review)
    two = len(tables) > 1
    left, right = tables[0], tables[-1]
    joins = f"JOIN {left} l ON l.rid = c.rid_l JOIN {right} r ON r.rid = c.rid_r"

    def weight_of(name: str, numbers: Iterable[int]) -> str:
        return f"CASE lv_{name} {' '.join(f'WHEN {n} THEN {_double(weights[name][n][1])}' for n in numbers)} END"

    def adjusted(name: str) -> str:
        """Splink's TF adjustment of the exact level (level 1): log2(u of the exact level) - log2(frequency)."""
        adjust = f"{_double(math.log2(exact_u[name]))} - log2(greatest(tf_{name}, {_double(TF_MINIMUM)}))"
        return f" + CASE WHEN lv_{name} = 1 THEN {adjust} ELSE 0 END"

    # The comparisons that need no filter summed in their order (``known``); of the filter comparisons,
    # the weight where a hash decided the level (``decided``); the stages add the rest.
    known, decided = [_double(prior)], []
    for comparison in comparisons():
        name = comparison["output_column_name"]
        tf = adjusted(name) if tf_column(comparison) else ""
        if name in FILTER_COMPARISONS:
            decided.append(f"{weight_of(name, (0, 1))}{tf} AS d_{FILTER_COMPARISONS[name]}")
        else:
            known.append(f"{weight_of(name, range(len(weights[name])))}{tf}")
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
    for stage in stages or STAGES:
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
COMPARED = [*BLOOM_COLUMNS, "name_h", "first_h", "last_h", "address_h", *HASHES, *COUNTS, *TF_COLUMNS.values()]


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
