"""Training: the fields the input can use, m and u estimated from the records, thresholds chosen from the model."""

from __future__ import annotations

from functools import partial
from typing import Any

import duckdb

from jaga.linkage.matching.common import (
    EXPECTED_PRECISION,
    MATCH_RANGE,
    MAX_CLUSTER,
    REVIEW_MAX,
    SCORING_FLOOR,
    InputError,
    Progress,
    Thresholds,
)
from jaga.linkage.matching.model import (
    BLOCKED_ON,
    DETERMINISTIC,
    FALLBACK_BLOCKS,
    MIN_TRAINING,
    SPLINK_BLOCKING,
    TRAINING_BLOCKS,
    _double,
    _probability,
    _quiet,
    comparisons,
    term_frequencies,
)


def prepare(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Before training: the fields that can be used, the contacts too shared to compare, the names'
    frequencies. Returns the notes for the run's summary."""
    number_records(con, tables)
    notes = usable_fields(con, tables)
    notes += shared_contacts(con, tables)
    term_frequencies(con, tables)
    return notes


def number_records(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Each record's number (its ``rowid``, which clustering reads) as a column, ``rid``, that scoring joins
    on. DuckDB knows a stored column's range and joins on it through a table indexed by the number; it
    hashes ``rowid``: 8 million pairs joined to a million records took 0.85 s on ``rowid`` and 0.23 s on
    the column. And a hash of its id, ``id_h``, from which a pair's place in a sample is drawn
    (``scoring.block``): a large file is read in parallel, so its records are numbered in another order
    on each run, and a sample drawn by number gave another match threshold for the same file."""
    for n, table in enumerate(tables):
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS rid BIGINT").fetchall()
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS id_h UBIGINT").fetchall()
        con.execute(f"UPDATE {table} SET rid = rowid, id_h = hash(unique_id, {n})").fetchall()


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
    if match is None:
        match = _match_threshold(con, scored)
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
        band = con.execute(
            f"SELECT min(match_probability), count(*), sum(match_probability) FROM (SELECT match_probability FROM "
            f"{scored} WHERE match_probability < ? ORDER BY match_probability DESC LIMIT {REVIEW_MAX})",
            [match],
        ).fetchall()[0]
        review = float(min(max(band[0] or match, SCORING_FLOOR), match))
        if band[1]:
            notes.append(
                f"review band {review:.3f} to {match:.3f}, chosen for a linkage officer: the {band[1]:,} strongest "
                f"pairs below the match threshold (at most {REVIEW_MAX:,}), about {band[2]:,.0f} of them the same child"
            )
    return Thresholds(match, review)


def _match_threshold(con: duckdb.DuckDBPyConnection, scored: str) -> float:
    """The lowest probability in MATCH_RANGE at which the pairs of ``scored`` at or above it are expected
    to be at least EXPECTED_PRECISION the same child (``choose_thresholds``)."""
    low, high = MATCH_RANGE
    row = con.execute(
        f"SELECT p, k, s FROM (SELECT match_probability AS p, row_number() OVER w AS k, sum(match_probability) "
        f"OVER w AS s FROM {scored} WINDOW w AS (ORDER BY match_probability DESC ROWS UNBOUNDED PRECEDING)) "
        f"WHERE p >= {low!r} AND s / k >= {EXPECTED_PRECISION!r} ORDER BY p ASC LIMIT 1"
    ).fetchall()
    return min(max(row[0][0], low), high) if row else high


# How many times the pairs the review band needs a sample must show above the floor it sets, and how far
# (in bits of match weight) below the match threshold it sees the floor must at least be.
FLOOR_SAFETY, FLOOR_MARGIN = 4, 2.0


def floor_from_sample(
    con: duckdb.DuckDBPyConnection, sample: str, share: float, fraction: float, given: Thresholds
) -> float:
    """The lowest probability a large run must score to the end, read off ``sample``: a random
    ``fraction`` of its blocked pairs, fully scored (their ``match_weight``), with the share of matching
    pairs now known. ``choose_thresholds`` needs only the pairs at or above the review band, which is the
    REVIEW_MAX strongest below the match threshold: the floor leaves FLOOR_SAFETY times as many (as the
    sample counts them) and FLOOR_MARGIN bits below the match threshold the sample gives. SCORING_FLOOR
    when the sample cannot tell or the review threshold is configured. At a million FEBRL-shaped records
    the pairs whose name filters are read fell from 5.9 to 4.2 million (ADR 0012)."""
    import math

    from splink.internals.misc import bayes_factor_to_prob, match_weight_to_bayes_factor, prob_to_match_weight

    if given.review is not None:
        return given.review
    known = f"(match_weight + {_double(prob_to_match_weight(share))})"
    probabilities = f"(SELECT {_probability(known)} AS match_probability FROM {sample})"
    match = given.match if given.match is not None else _match_threshold(con, probabilities)
    needed = math.ceil(FLOOR_SAFETY * REVIEW_MAX * fraction)
    row = con.execute(
        f"SELECT match_probability FROM {probabilities} WHERE match_probability < ? "
        f"ORDER BY match_probability DESC LIMIT 1 OFFSET {needed - 1}",
        [match],
    ).fetchall()
    if not row:
        return SCORING_FLOOR
    margin = bayes_factor_to_prob(match_weight_to_bayes_factor(prob_to_match_weight(match) - FLOOR_MARGIN))
    return max(SCORING_FLOOR, min(row[0][0], margin))


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
        # Splink's settings validation only logs columns it cannot find; Jaga's settings are fixed and
        # tested, and the check parses every level's SQL each time (0.5 s a model, three models a run).
        return Linker(frames[0] if len(frames) == 1 else frames, settings, log_level=None, validate_settings=False)

    settings = SettingsCreator(
        link_type="dedupe_only" if len(tables) == 1 else "link_only",
        comparisons=list[Any](comparisons()),
        blocking_rules_to_generate_predictions=list[Any](SPLINK_BLOCKING),
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
    # A rule on a field that is empty everywhere finds no pair: Splink is not asked to count them (at a
    # million records without NIK or regency, 0.7 s for nothing).
    rules = [rule for rule in DETERMINISTIC if _has_pairs(con, tables, rule)]
    try:
        if rules:
            _quiet(lambda: linker.training.estimate_probability_two_random_records_match(rules, recall=0.6))
    except (ArithmeticError, ValueError) as exc:
        notes.append(f"the share of matching pairs could not be estimated ({type(exc).__name__}): a default kept")
    share = linker._settings_obj._probability_two_random_records_match
    if not rules or not 0 < share < 1:  # no pair agrees on the deterministic rules (no NIK, no birth date...)
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
    # In one pass over the sampled pairs: Splink's default (a probe, then ten chunks until each level has
    # been seen 100 times) ran eleven queries per comparison for the levels no random pair reaches (the
    # same NIK), 3 s at a million records against 1 s; the estimates are now of all the sampled pairs.
    try:
        _quiet(
            lambda: learner.training.estimate_u_using_random_sampling(
                max_pairs=min(U_PAIRS, records * 5), seed=1, num_chunks=1
            )
        )
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
                partial(
                    session.estimate_parameters_using_expectation_maximisation,
                    rule,
                    estimate_without_term_frequencies=True,
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
        known = f"(match_weight + {_double(prob_to_match_weight(share))})"
        total = con.execute(f"SELECT sum({_probability(known)}) FROM {scored}").fetchall()[0][0]
        if not total or pairs <= 0:
            break
        found = min(max(total / pairs, 1e-12), 0.5)
        if abs(found - share) <= 1e-3 * share:
            break
        share = found
    return found
