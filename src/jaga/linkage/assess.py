"""How well linkage does on records whose truth is known, and where it loses the pairs it misses.

``evaluate`` encodes a plain test file (synthetic or public benchmark records, never real children)
under a throwaway key, runs the matcher exactly as Jaga does, and scores the clusters against the
truth: precision, recall and F1 over pairs of records, then every true pair it missed by the step
that lost it (never blocked, scored below the review threshold, left in the review band, refused by a
chain check and which one) and recall broken down by each variation the file labels (a column of
``;``-separated labels per record: a pair carries the labels of both records). ``jaga linkage
evaluate`` prints it; bench/linkage.py writes it into docs/benchmarks.md.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from jaga.linkage import matching, normalise
from jaga.linkage.encoding import STANDARD, WORDS, Keys, encode_lenient
from jaga.linkage.matching.clustering import HARD_CONFLICTS, Records, conflict, evidence, overruled
from jaga.linkage.matching.model import BLOCKING, WHOLE_CAP, WHOLE_NAME_RULE, WORD_CAP, WORD_RULE

# Where a missed true pair was lost, in pipeline order.
LOST = ["not_blocked", "below_review", "review_band", "refused", "elsewhere"]

# How a missed pair's two records look, from their plain names and birth dates (``shape``): the shapes
# that in children's records are twins and siblings, which the chain checks keep apart on purpose.
SHAPES = {
    "names_alike": "names alike (every word of the shorter name close to one of the other's)",
    "twin_shaped": "one name word shared, the others not, the same birth date (a twin's shape)",
    "sibling_shaped": "one name word shared, the others not, not the same birth date (a sibling's shape)",
    "no_word_shared": "no name word shared",
}
WORD_ALIKE = 0.8  # difflib's ratio at which two words of a name count as one word spelled otherwise


@dataclass
class Evaluation:
    records: int
    people: int
    true_pairs: int
    found_pairs: int
    hits: int
    thresholds: matching.Thresholds
    lost: Counter = field(default_factory=Counter)  # step -> true pairs lost there
    refused_by: Counter = field(default_factory=Counter)  # chain check -> true pairs it refused
    by_variation: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> (true pairs, found)
    unencodable: Counter = field(default_factory=Counter)  # column -> records encoded without it
    notes: list[str] = field(default_factory=list)
    false_by_variation: Counter = field(default_factory=Counter)  # label -> wrong pairs whose records carry it
    scored_pairs: int = 0
    uncertain: int = 0
    contradicted: Counter = field(default_factory=Counter)  # chain check -> true pairs whose two records it refuses
    shapes: Counter = field(default_factory=Counter)  # SHAPES -> missed true pairs whose two records look so

    @property
    def recall_ceiling(self) -> float:
        """The recall reached if every true pair that the chain checks let through were found (a pair whose
        birth dates conflict can still be found where the whole names are the same: ``overruled``)."""
        return 1 - sum(self.contradicted.values()) / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1_ceiling(self) -> float:
        """The F1 of ``recall_ceiling`` with every pair found true."""
        return 2 * self.recall_ceiling / (1 + self.recall_ceiling)

    @property
    def precision(self) -> float:
        return self.hits / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def text(self) -> str:
        lines = [
            f"{self.records:,} records of {self.people:,} people; {self.true_pairs:,} true pairs.",
            f"Thresholds: match {self.thresholds.match:.3f}, review {self.thresholds.review:.3f}. "
            f"{self.scored_pairs:,} pairs scored to the end; {self.uncertain:,} left apart for a person to review.",
            f"Precision {self.precision:.3f}, recall {self.recall:.3f}, F1 {self.f1:.3f} "
            f"({self.hits:,} of {self.found_pairs:,} pairs found are true).",
            "",
            "True pairs missed, by where they were lost:",
        ]
        for step in LOST:
            lines.append(f"  {step:<14} {self.lost.get(step, 0):>9,}")
        if self.refused_by:
            lines.append("True pairs refused by the chain checks, by check:")
            for why, count in self.refused_by.most_common():
                lines.append(f"  {why:<14} {count:>9,}")
        if self.contradicted:
            lines.append(
                f"True pairs whose two records the chain checks refuse (a strong score lifts some): "
                f"{sum(self.contradicted.values()):,}; without lifts, recall at most {self.recall_ceiling:.3f}, "
                f"F1 at most {self.f1_ceiling:.3f}."
            )
            for why, count in self.contradicted.most_common():
                lines.append(f"  {why:<14} {count:>9,}")
        if self.shapes:
            lines.append("True pairs missed, by how their two records look (read from the test file's plain names):")
            lines += [f"  {SHAPES[shape]}: {self.shapes[shape]:,}" for shape in SHAPES if self.shapes.get(shape)]
        if self.by_variation:
            lines += ["", "Recall by variation (pairs where either record has it):"]
            for label, (total, found) in sorted(self.by_variation.items(), key=lambda item: -item[1][0]):
                false = self.false_by_variation.get(label, 0)
                lines.append(f"  {label:<18} {found / total:6.3f}  ({found:,} of {total:,}; {false:,} wrong pairs)")
        if self.unencodable:
            lines += ["", "Values the encoder refused (those records were encoded without the field):"]
            lines += [f"  {column}: {count:,} records" for column, count in self.unencodable.most_common()]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "records": self.records, "people": self.people, "true_pairs": self.true_pairs,
            "found_pairs": self.found_pairs, "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "threshold": self.thresholds.match, "review_threshold": self.thresholds.review,
            # largest first, ties by name: the same report in the same order on every run
            "lost": _ordered(self.lost), "refused_by": _ordered(self.refused_by),
            "contradicted": _ordered(self.contradicted),
            "recall_ceiling": self.recall_ceiling, "f1_ceiling": self.f1_ceiling, "missed_by_shape": dict(self.shapes),
            "by_variation": {k: {"true_pairs": t, "found": f, "wrong_pairs": self.false_by_variation.get(k, 0)}
                             for k, (t, f) in self.by_variation.items()},
            "unencodable": dict(self.unencodable), "notes": self.notes,
        }  # fmt: skip


def _ordered(counts: Counter) -> dict:
    """The counts largest first, ties by name."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def encode_all(keys: Keys, rows: Iterable[dict[str, str]], unencodable: Counter) -> list[dict[str, str]]:
    """Each row's encodings; a value the encoder refuses is left out of that record (as Jaga does for
    its own cases) and counted by column."""
    out = []
    for row in rows:
        encoded, dropped = encode_lenient(keys, row["id"], {column: row.get(column, "") or "" for column in STANDARD})
        unencodable.update(dropped)
        out.append(encoded)
    return out


def pairs_of(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for ids in groups:
        ids = sorted(ids)
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return pairs


def _grouped(labels: dict[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for record, label in labels.items():
        groups.setdefault(label, []).append(record)
    return [ids for ids in groups.values() if len(ids) > 1]


def evaluate(
    files: list[list[dict[str, str]]],
    *,
    thresholds: matching.Thresholds | None = None,
    truth: str = "person",
    variations: str = "variations",
    keys: Keys | None = None,
) -> Evaluation:
    """Matches one file (de-duplication) or two (linking: only pairs across the files count) of plain
    records with an ``id``, the standard columns, the ``truth`` column and optionally ``variations``,
    as Jaga would, and scores the result."""

    if not 1 <= len(files) <= 2:
        raise ValueError("evaluate takes one file (de-duplication) or two (linking)")
    thresholds = thresholds or matching.Thresholds()
    keys = keys or Keys(secrets.token_bytes(32))  # thrown away: nothing encoded here is kept
    unencodable: Counter = Counter()
    tables = ["records"] if len(files) == 1 else ["file_a", "file_b"]
    con = matching.connect()
    try:
        for table, rows in zip(tables, files, strict=True):
            matching.load_rows(con, table, encode_all(keys, rows, unencodable))
        result = matching.run(con, tables, thresholds)
        thresholds = result.thresholds  # as chosen from the model, where they were left open
        records = Records.of(con, tables)
        number = {key: n for n, key in enumerate(records.keys)}  # key -> record number across the tables
        rows_of = {
            f"{table}:{row['id']}" if len(tables) > 1 else row["id"]: row
            for table, rows in zip(tables, files, strict=True)
            for row in rows
        }
        person = {key: row[truth] for key, row in rows_of.items()}
        labels = {key: set(filter(None, (row.get(variations) or "").split(";"))) for key, row in rows_of.items()}
        truth_pairs = pairs_of(_grouped(person))
        found = pairs_of(_grouped(result.clusters))
        if len(tables) == 2:  # linking: pairs within one file are not asked about
            truth_pairs = {(a, b) for a, b in truth_pairs if a.split(":")[0] != b.split(":")[0]}
            found = {(a, b) for a, b in found if a.split(":")[0] != b.split(":")[0]}
        hits = found & truth_pairs
        report = Evaluation(
            records=len(records.keys), people=len(set(person.values())), true_pairs=len(truth_pairs),
            found_pairs=len(found), hits=len(hits), thresholds=thresholds, unencodable=unencodable,
            notes=list(result.notes), scored_pairs=result.scored_pairs, uncertain=result.uncertain_count,
        )  # fmt: skip
        _losses(con, tables, records, sorted(truth_pairs - found), number, thresholds, report)
        report.shapes = Counter(shape(rows_of[a], rows_of[b]) for a, b in truth_pairs - found)
        # What the chain checks allow at best: the true pairs whose own two records they refuse.
        known = evidence(con, tables, {number[x] for pair in truth_pairs for x in pair})
        for a, b in truth_pairs:
            if why := conflict(known[number[a]], known[number[b]]):
                report.contradicted[why] += 1
        by: dict[str, list[int]] = {}
        for a, b in truth_pairs:
            for label in labels[a] | labels[b]:
                counts = by.setdefault(label, [0, 0])
                counts[0] += 1
                counts[1] += (a, b) in hits
        report.by_variation = {label: (t, f) for label, (t, f) in by.items()}
        for a, b in found - truth_pairs:
            for label in labels[a] | labels[b]:
                report.false_by_variation[label] += 1
        return report
    finally:
        con.close()


def shape(x: dict[str, str], y: dict[str, str]) -> str:
    """How two plain test records look (a key of SHAPES): their name words alike, one shared, or none,
    and whether their whole birth dates are the same."""

    def words(row: dict[str, str]) -> list[str]:
        name = row.get("full_name") or f"{row.get('given_name', '')} {row.get('family_name', '')}"
        return normalise.name_tokens(name)

    def exact(row: dict[str, str]) -> object:
        try:
            born = normalise.birth_date(row.get("date_of_birth", "") or "")
        except ValueError:
            return None
        return born.exact if born else None

    wx, wy = words(x), words(y)
    close = sum(1 for u in wx if any(SequenceMatcher(None, u, v).ratio() >= WORD_ALIKE for v in wy))
    if wx and wy and close >= min(len(wx), len(wy)):
        return "names_alike"
    if not close:
        return "no_word_shared"
    born = exact(x)
    return "twin_shaped" if born is not None and born == exact(y) else "sibling_shaped"


def _losses(
    con,
    tables: list[str],
    records: Records,
    missed: list[tuple[str, str]],
    number: dict[str, int],
    thresholds: matching.Thresholds,
    report: Evaluation,
) -> None:
    """Where each missed pair was lost: blocking (the rules tested on the pair itself), its score, or the
    chain checks (the pair's own conflict, unless lifted, else one elsewhere in the group it would join)."""
    import pyarrow as pa

    left, right = tables[0], tables[-1]
    offset_r = records.offsets[-1]
    pairs = sorted((min(number[a], number[b]), max(number[a], number[b])) for a, b in missed)
    # As rowids of the left and right tables (the left record first when linking).
    con.register("missed_pairs", pa.table({"a": [a for a, _ in pairs], "b": [b - offset_r for _, b in pairs]}))
    union = " UNION ALL ".join(f"SELECT unnest({WORDS}) AS word FROM {t}" for t in tables)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE common_words AS SELECT list(word) AS words FROM (SELECT word FROM ({union}) "
        f"GROUP BY word HAVING count(*) > {WORD_CAP})"
    ).fetchall()
    names = " UNION ALL ".join(f"SELECT name_h FROM {t} WHERE name_h IS NOT NULL" for t in tables)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE common_names AS SELECT list(name_h) AS names FROM (SELECT name_h FROM ({names}) "
        f"GROUP BY name_h HAVING count(*) > {WHOLE_CAP})"
    ).fetchall()
    uncommon = f"list_filter(l.{WORDS}, lambda w: NOT list_contains(coalesce(c.words, []), w))"
    rules = " OR ".join(
        f"coalesce(({rule}), false)"
        for rule in [
            *BLOCKING,
            f"list_has_any({uncommon}, r.{WORDS}) AND {WORD_RULE}",
            f"NOT list_contains(coalesce(n.names, []), l.name_h) AND {WHOLE_NAME_RULE}",
        ]
    )
    is_blocked = dict(
        ((a, b + offset_r), bool(ok))
        for a, b, ok in con.execute(
            f"SELECT m.a, m.b, {rules} FROM missed_pairs m JOIN {left} l ON l.rowid = m.a "
            f"JOIN {right} r ON r.rowid = m.b, common_words c, common_names n"
        ).fetchall()
    )
    scores = {
        (min(a, b + offset_r), max(a, b + offset_r)): p
        for a, b, p in con.execute(
            "SELECT p.rid_l, p.rid_r, p.match_probability FROM linkage_predictions p JOIN missed_pairs m "
            "ON (m.a = p.rid_l AND m.b = p.rid_r) OR (m.a = p.rid_r AND m.b = p.rid_l)"
        ).fetchall()
    }
    con.unregister("missed_pairs")
    strong = [pair for pair, p in scores.items() if p >= (thresholds.match or 1)]
    known = evidence(con, tables, {x for pair in strong for x in pair})
    for pair in pairs:
        p = scores.get(pair)
        if p is None:
            report.lost["below_review" if is_blocked.get(pair) else "not_blocked"] += 1
        elif p < (thresholds.match or 1):
            report.lost["review_band"] += 1
        elif (why := conflict(known[pair[0]], known[pair[1]])) and (
            why in HARD_CONFLICTS or not overruled(known[pair[0]], known[pair[1]])
        ):
            report.lost["refused"] += 1
            report.refused_by[why] += 1
        else:
            report.lost["elsewhere"] += 1
