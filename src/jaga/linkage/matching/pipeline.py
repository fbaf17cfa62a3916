"""One matching run: score, cluster, and hand back matched, uncertain and refused pairs."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from jaga.linkage.matching.clustering import (
    HARD_CONFLICTS,
    Records,
    _groups,
    chain_conflicts,
    cluster,
    evidence,
    overruled,
)
from jaga.linkage.matching.common import Pair, Progress, Result, Thresholds
from jaga.linkage.matching.scoring import Scored, _fetch, score


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
    number = {key: n for n, key in enumerate(records.keys)} if same or different else {}
    same_n = [(number[a], number[b]) for a, b in same if a in number and b in number]
    different_n = [(number[a], number[b]) for a, b in different if a in number and b in number]
    groups = _groups([*((a, b) for a, b, _p in edges), *same_n])
    conflicts = chain_conflicts(con, tables, groups)
    # A strong pair's own soft conflict may be lifted by evidence the check does not weigh (``overruled``).
    # (Until 2026-12-05 a pair of a group too large to list was never lifted: the Python path gave other
    # clusters than the SQL one once a lift had such pairs to act on.)
    soft = [(a, b) for a, b, _p in edges if conflicts.soft(a, b)]
    if soft:
        known = evidence(con, tables, {x for pair in soft for x in pair})
        conflicts.overruled_by({(a, b) for a, b in soft if overruled(known[a], known[b])})
    clusters, matched, refused, placed = cluster(
        records, edges, thresholds, conflicts, groups, same=same_n, different=different_n
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
