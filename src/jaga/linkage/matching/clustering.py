"""Clustering with chain checks: edges merged strongest first, refused where two groups hold two children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from jaga.linkage.encoding import FILTERS, dice
from jaga.linkage.matching.common import (
    ALIAS_LEVEL,
    GIVEN_CONFLICT,
    MAX_CLUSTER,
    NAME_CONFLICT,
    NAME_LEVELS,
    SAME_WORDS,
    WITHIN,
    WITHIN_BITS,
    Pair,
    Thresholds,
)
from jaga.linkage.matching.model import _count, _windows_shared, _within


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
    address: int | None = None  # the keyed hash of the home address (``overruled``)
    postcode: int | None = None


EVIDENCE_COLUMNS = ["nik", "sex", "dob", "dob_y", "dob_md", "dob_dm", "dob_ym", "dob_yd", "dob_w0", "dob_w1", "dob_w2",
                    "name_bf", "alias_bf", "first_bf", "name_n", "alias_n", "first_n",
                    "address_h", "postcode"]  # fmt: skip


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
        if not any(p is not None and q is not None and pn is not None and qn is not None
                   and dice(p, q, pn, qn, NAME_BITS) >= ALIAS_LEVEL for p, pn, q, qn in aliases):  # fmt: skip
            return "name"
    return ""


def overruled(x: Evidence, y: Evidence) -> bool:
    """Whether a soft conflict between two records whose own pair scored at or above the match threshold
    is lifted by evidence the conflict does not weigh: two birth dates far apart are a mistake when the
    whole names are the same (a date typed from another record; namesakes with a strong score are
    rarer), or close (a typo, NAME_LEVELS[0]) and the home is the same (the address or the postcode).
    A sibling at that home has another given name, hence a name below that level; a twin has the same
    birth date. FEBRL's duplicates, whose birth dates are often rewritten: F1 0.977 to 0.980 on FEBRL4,
    0.949 to 0.954 on FEBRL3; jaga synth's and the second generator's unchanged (ADR 0012). Hard
    conflicts are never lifted. (Names that differ under one whole birth date are not a conflict at all:
    ``conflict``.)"""
    if x.name is None or y.name is None:
        return False
    if x.name == y.name:
        return True
    home = (x.address is not None and x.address == y.address) or (x.postcode is not None and x.postcode == y.postcode)
    if not home or x.name_n is None or y.name_n is None:
        return False
    return dice(x.name, y.name, x.name_n, y.name_n, NAME_BITS) >= NAME_LEVELS[0]


def _within_int(a: int | None, b: int | None, a_bits: int | None, b_bits: int | None) -> bool:
    """``_within`` in Python."""
    if a is None or b is None or a_bits is None or b_bits is None or min(a_bits, b_bits) < WITHIN_BITS:
        return False
    common = ((a & b).bit_count() - NAME_BITS + a_bits + b_bits) / 2
    return common >= WITHIN * min(a_bits, b_bits)


def _apart(
    a: int | None,
    b: int | None,
    a_bits: int | None,
    b_bits: int | None,
    below: float = NAME_CONFLICT,
    length: int = NAME_BITS,
) -> bool:
    if a is None or b is None or a_bits is None or b_bits is None:
        return False
    return dice(a, b, a_bits, b_bits, length) < below


class Conflicts:
    """The chain checks' verdicts, ``conflict(x, y)``, for records that clustering may put together:
    computed in SQL for the pairs of each candidate group (records joined by strong pairs and
    decisions), from the records' evidence in Python for the rare group too large to list its pairs.
    Records are numbered (``Records``)."""

    def __init__(self, found: dict[tuple[int, int], str], evidence_of: dict[int, Evidence]) -> None:
        self.found = found  # (x, y) -> why, both ways round, only where there is a conflict
        self.evidence_of = evidence_of
        self.strong: set[tuple[int, int]] = set()

    def _unlisted(self, x: int, y: int) -> bool:
        """The two records are in a group too large to list: their conflict is worked out as asked."""
        return x in self.evidence_of and y in self.evidence_of

    def between(self, x: int, y: int) -> str:
        if self._unlisted(x, y):
            why = conflict(self.evidence_of[x], self.evidence_of[y])
            if why and why not in HARD_CONFLICTS and ((x, y) in self.strong or (y, x) in self.strong):
                return ""  # lifted (``overruled``)
            return why
        return self.found.get((x, y), "")

    def soft(self, x: int, y: int) -> bool:
        """Whether the two records' own conflict is one ``overruled`` may lift (in a listed group or not)."""
        why = conflict(self.evidence_of[x], self.evidence_of[y]) if self._unlisted(x, y) else self.found.get((x, y), "")
        return bool(why) and why not in HARD_CONFLICTS

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
                if found := get((x, y)):
                    return found
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
    match = thresholds.match if thresholds.match is not None else 0.99  # chosen before clustering
    for a, b, probability in edges:
        if probability < match:
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
