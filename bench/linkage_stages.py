"""Where Jaga's linkage time goes, stage by stage, on one of bench/linkage.py's sets.

    .venv/bin/python bench/linkage_stages.py febrl-shaped:1000000 [--alone] [--folder DIR]

Writes the set's encoded file (into ``--folder`` if given and kept there for the next run, else into a
temporary folder), then, in this one process: loads it and runs a match, printing the seconds until
each stage the run reports begins (``matching.run``'s progress: training's parts, scoring, clustering;
blocking runs beside training, so training's last part includes waiting for it).
With ``--alone``, it also runs blocking and training one after the other, each alone, and then
scoring's pairs at the run's review threshold, as ADR 0012 quotes them: side by side in a run they
share the two cores. Nothing is written to docs/benchmarks.md; on a shared machine one run's figures
vary by about 15%, so compare commands with ``farm-bench`` (paired medians) before keeping a change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import linkage as bench  # bench/linkage.py: the sets and their files


class Clock:
    """Prints the seconds since the last mark, with a label."""

    def __init__(self) -> None:
        self.last = self.start = time.perf_counter()

    def mark(self, label: str) -> None:
        now = time.perf_counter()
        print(f"{now - self.last:7.2f} s  {label}", flush=True)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.start


def encoded_files(spec: str, folder: Path) -> list[Path]:
    """The set's encoded files in ``folder``, written unless they are there already."""
    found = sorted(folder.glob("encoded-*.csv"))
    if found:
        return found
    _description, files = bench.load_set(spec)
    _plains, encodeds, seconds = bench.write_files(files, folder)
    print(f"encoded {sum(len(rows) for rows in files):,} records in {seconds:.0f} s into {folder}", flush=True)
    return encodeds


def loaded(paths: list[Path]) -> tuple[object, list[str]]:
    from jaga.linkage import matching

    con = matching.connect()
    tables = ["file_a", "file_b"][: len(paths)]
    for table, path in zip(tables, paths, strict=True):
        matching.load_csv(con, table, path)
    return con, tables


def run_once(paths: list[Path]) -> float:
    """One match, as ``jaga linkage match`` runs it; returns the review threshold it chose."""
    from jaga.linkage import matching

    clock = Clock()
    con, tables = loaded(paths)
    clock.mark("loading the encoded files")
    stages = ["preparing (fields, shared contacts, name frequencies)"]

    def progress(stage: str, _fraction: float) -> None:
        if stage != stages[-1]:
            clock.mark(stages[-1])
            stages.append(stage)

    result = matching.run(con, tables, matching.Thresholds(), progress=progress)
    print(f"{clock.total():7.2f} s  in all: {result.scored_pairs:,} pairs scored, {len(result.matched):,} matched")
    return result.thresholds.review


def run_alone(paths: list[Path], review: float) -> None:
    """Blocking, training and scoring one after the other, each alone."""
    from jaga.linkage.matching import scoring, training

    con, tables = loaded(paths)
    clock = Clock()
    notes = training.prepare(con, tables)
    clock.mark("preparing")
    blocked = scoring.block(con, tables)
    count = con.execute(f"SELECT count(*) FROM {blocked}").fetchall()[0][0]
    clock.mark(f"blocking alone ({count:,} pairs)")
    linker, _trained = training.train(con, tables, lambda stage, fraction: None, notes)
    clock.mark("training alone")
    table = scoring.predict(con, tables, linker, review, blocked)
    count = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    clock.mark(f"scoring at the review threshold {review:.3f} ({count:,} pairs kept)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("set", help="one of bench/linkage.py's sets, e.g. febrl-shaped:1000000 or febrl4")
    parser.add_argument("--alone", action="store_true", help="also blocking, training and scoring, each alone")
    parser.add_argument("--folder", help="where the encoded files are written and kept (default: a temporary one)")
    args = parser.parse_args()
    bench.setup_django()
    import logging

    logging.getLogger("splink").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.folder) if args.folder else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = encoded_files(args.set, folder)
        review = run_once(paths)
        if args.alone:
            run_alone(paths, review)


if __name__ == "__main__":
    main()
