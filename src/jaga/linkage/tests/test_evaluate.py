"""Linkage measured on records it was not built from: a second generator of Indonesian records
(``nusantara``, written apart from ``jaga synth``), the evaluation that says where missed pairs were
lost, and the parts of the model that only act past a size (word blocking, shared contacts, the review
band, the share of matching pairs)."""

from __future__ import annotations

import ast
import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from jaga.linkage import assess, matching
from jaga.linkage.encoding import Keys, encode
from jaga.linkage.matching.clustering import conflict, evidence
from jaga.linkage.matching.model import WORD_CAP
from jaga.linkage.matching.scoring import block, score
from jaga.linkage.matching.training import choose_thresholds, prepare, shared_contacts
from jaga.linkage.tests import nusantara

KEYS = Keys(b"evaluation-test-secret-0123456789")


def made_up_names() -> list[str]:
    """1,000 made-up name words, no two alike (each held by one record unless a test repeats it)."""
    syllables = ["ba", "ci", "du", "fe", "go", "hu", "ji", "ke", "lo", "mu"]
    return [f"{a}{b}{c}r".capitalize() for a in syllables for b in syllables for c in syllables]


@pytest.fixture(scope="module")
def nusantara_report() -> assess.Evaluation:
    rows = nusantara.generate(3000, seed=3000)
    return assess.evaluate([rows], keys=KEYS)


def test_the_second_generator_shares_no_code_with_jaga() -> None:
    """Tuning on one generator is checked on the other only if they share nothing: no import from Jaga
    (its own modules import each other relatively)."""
    imported: set[str] = set()
    for path in Path(nusantara.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        absolute = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level]
        imported |= {node.module or "" for node in absolute}
    assert "csv" in imported and not [name for name in imported if name.startswith(("jaga", "faker"))], imported


def test_records_it_was_not_built_from_keep_a_floor(nusantara_report: assess.Evaluation) -> None:
    """The figures on 3,000 records (docs/benchmarks.md has 10,000 and 100,000): a regression breaks them."""
    report = nusantara_report
    assert report.records == 3000 and report.true_pairs > 1000
    assert report.precision >= 0.9 and report.f1 >= 0.7, (report.precision, report.recall)
    lost = sum(report.lost.values())
    assert lost == report.true_pairs - report.hits, "every missed pair is accounted for once"
    assert sum(report.refused_by.values()) == report.lost["refused"]
    # Year-only dates, estimated ages and mistyped dates are joined to full dates (they were refused).
    for label in ("year_only", "estimated_age", "dob_typo", "dob_swapped"):
        total, found = report.by_variation[label]
        assert total > 20 and found / total >= 0.3, (label, total, found)
    assert any(note.startswith("match threshold") for note in report.notes), "it says how it chose"
    # What the chain checks allow at best: true pairs whose own two records they refuse (a call name
    # unlike the name, a mistyped NIK...), counted whether or not they were blocked.
    assert report.contradicted["name"] > 10 and 0.5 < report.recall_ceiling < 1
    assert sum(report.contradicted.values()) >= sum(report.refused_by.values())
    assert "recall at most" in report.text()


def test_a_year_only_or_an_estimated_age_is_the_same_child_as_her_full_birth_date() -> None:
    """Until 2026-12-03 the birth-date check refused every such pair: 11,918 of 16,354 refused true pairs
    at 100,000 records of a held-out set."""
    full = {"full_name": "Warsinah Sulistyowati", "date_of_birth": "2013-04-17", "sex": "perempuan"}
    records = [
        ("a", full),
        ("b", {**full, "date_of_birth": "2013"}),
        ("c", {**full, "date_of_birth": "", "age": "11", "recorded_on": "2025-02-01"}),
        ("d", {**full, "date_of_birth": "17/04/2013"}),
        ("e", {**full, "date_of_birth": "2013-04-27"}),  # a digit mistyped
        ("f", {**full, "date_of_birth": "2019"}),  # six years apart: another child
    ]
    encoded = [encode(KEYS, key, values) for key, values in records]
    con = matching.connect()
    matching.load_rows(con, "records", encoded)
    numbers = evidence(con, ["records"], range(6))
    verdicts = {key: conflict(numbers[0], numbers[n]) for n, (key, _v) in enumerate(records)}
    assert verdicts == {"a": "", "b": "", "c": "", "d": "", "e": "", "f": "date_of_birth"}


def test_the_command_prints_and_writes_the_evaluation(tmp_path: Path) -> None:
    path = tmp_path / "test-records.csv"
    nusantara.write(nusantara.generate(800, seed=11), path)
    out = tmp_path / "figures.json"
    from io import StringIO

    stdout = StringIO()
    call_command("linkage", "evaluate", str(path), "--json", str(out), stdout=stdout)
    text = stdout.getvalue()
    assert "Precision" in text and "True pairs missed, by where they were lost" in text
    assert "Recall by variation" in text and "call_name" in text
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["records"] == 800 and 0 < figures["f1"] <= 1
    assert sum(figures["lost"].values()) == figures["true_pairs"] - round(figures["recall"] * figures["true_pairs"])
    # And how the missed pairs look: every one counted once, in the words a person reads.
    assert sum(figures["missed_by_shape"].values()) == sum(figures["lost"].values())
    assert "by how their two records look" in text and "names alike" in text


def test_a_missed_pair_is_told_by_how_its_two_records_look() -> None:
    """What a missed pair looks like, from the test file's plain names and dates: a twin's or a sibling's
    shape (one name word shared, another replaced) is what the chain checks keep apart on purpose."""
    child = {"full_name": "Budi Santoso", "date_of_birth": "2013-04-17"}
    assert assess.shape(child, {"full_name": "Santoso Boedi", "date_of_birth": "2015"}) == "names_alike"
    assert assess.shape(child, {"given_name": "Budi", "family_name": "Santosa"}) == "names_alike"
    assert assess.shape(child, {"full_name": "Adi Santoso", "date_of_birth": "17/04/2013"}) == "twin_shaped"
    assert assess.shape(child, {"full_name": "Adi Santoso", "date_of_birth": "2016-04-17"}) == "sibling_shaped"
    assert assess.shape(child, {"full_name": "Adi Santoso", "date_of_birth": "not a date"}) == "sibling_shaped"
    assert assess.shape(child, {"full_name": "Dedek", "date_of_birth": "2013-04-17"}) == "no_word_shared"


def test_the_command_names_a_missing_truth_column(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "no-truth.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([["id", "full_name"], ["1", "Ani"], ["2", "Budi"]])
    with pytest.raises(CommandError, match="no person column"):
        call_command("linkage", "evaluate", str(path))


def test_a_birth_date_that_many_records_hold_weighs_less_than_a_rare_one() -> None:
    """The birth date's term frequency (model.TF_COLUMNS): two records of one name and one birth date
    score lower when 40 other children hold that date (17 August written where the day was unknown, a
    date clipped to an age; 1 January and 31 December already count as a year only) than two records
    whose date no one else holds. Both names are held by two records each; 460 other children have names
    and dates of their own (below MIN_TRAINING records no frequency is counted: every value weighs the same)."""
    from datetime import date, timedelta

    girl = {"sex": "perempuan"}
    rows = [{"full_name": "Dewi Kartika", "date_of_birth": "2015-08-17", **girl} for _ in range(2)]
    rows += [{"full_name": "Rina Wulandari", "date_of_birth": "2013-09-17", **girl} for _ in range(2)]
    names = made_up_names()
    rows += [{"full_name": f"Anak {names[n]}", "date_of_birth": "2015-08-17"} for n in range(40)]
    first = date(2008, 1, 2)
    rows += [
        {"full_name": f"Putri {names[100 + n]}", "date_of_birth": (first + timedelta(days=13 * n)).isoformat()}
        for n in range(460)
    ]
    con = matching.connect()
    matching.load_rows(con, "records", [encode(KEYS, str(n), row) for n, row in enumerate(rows)])
    scored = score(con, ["records"], matching.Thresholds(match=0.5, review=0.001), lambda *_: None)
    found = con.execute(f"SELECT unique_id_l, unique_id_r, match_probability FROM {scored.table}").fetchall()
    probability = {(a, b): p for a, b, p in found}
    assert probability[("0", "1")] < 0.5 < probability[("2", "3")], "the common date's pair is not matched"


def test_a_word_shared_by_more_than_word_cap_records_of_one_birth_window_brings_no_pair_by_itself() -> None:
    """WORD_CAP: ten more girls than the cap, born in 2012, share the word "Siti" and nothing else; 3 share
    the rarer word "Kinanthi". Only the rarer word's pairs are blocked (a common word's would be mostly
    namesakes)."""
    unique = made_up_names()
    born = {"sex": "perempuan", "date_of_birth": "2012"}
    rows = [{"full_name": f"Siti {unique[n]}", **born} for n in range(WORD_CAP + 10)]
    rows += [{"full_name": f"Kinanthi {unique[900 + n]}", **born} for n in range(3)]
    con = matching.connect()
    matching.load_rows(con, "records", [encode(KEYS, str(n), row) for n, row in enumerate(rows)])
    prepare(con, ["records"])
    table = block(con, ["records"])
    pairs = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    assert pairs == 3, "only the three pairs of the rarer word; the pairs of 'Siti' are left out"


def test_the_same_address_brings_a_pair_whose_every_name_word_is_spelled_otherwise() -> None:
    """Two records of one child that share no word of her name (each spelled another way), no birth year
    and no place code, but the same home address, are scored; a shelter's address (in more than 12
    records) brings no pair (docs/benchmarks.md: recall on the second generator 0.66 to 0.68 at 100,000)."""
    home = "Jl. Kenanga No. 5, Desa Sukamaju"
    rows = [
        {"full_name": "Siti Rahmawati", "date_of_birth": "2014-03-02", "address": home},
        {"full_name": "Sitti Rahmawaty", "address": home},
    ]
    rows += [{"full_name": f"Anak {n}", "address": "Rumah Aman 3, Jl. Melati No. 1"} for n in range(13)]
    con = matching.connect()
    matching.load_rows(con, "records", [encode(KEYS, str(n), row) for n, row in enumerate(rows)])
    prepare(con, ["records"])
    table = block(con, ["records"])
    pairs = con.execute(f"SELECT rid_l, rid_r FROM {table}").fetchall()
    assert pairs == [(0, 1)], "the family's pair only: the shelter's 78 pairs are left out"


def test_a_phone_in_more_than_twelve_records_is_not_compared() -> None:
    """A shelter's phone: 13 unrelated children share it; a family's, in 3 records, is still compared."""
    rows = [{"full_name": f"Anak {n}", "phone": "081234567890"} for n in range(13)]
    rows += [{"full_name": f"Saudara {n}", "phone": "085711112222"} for n in range(3)]
    con = matching.connect()
    matching.load_rows(con, "records", [encode(KEYS, str(n), row) for n, row in enumerate(rows)])
    notes = shared_contacts(con, ["records"])
    assert notes == [
        "1 phone numbers are each in more than 12 records (13 records in all: a shelter's, an office's or a "
        "caller's): they were not compared"
    ]
    phones = [p for (p,) in con.execute("SELECT phone FROM records ORDER BY rowid").fetchall()]
    assert phones[:13] == [None] * 13 and all(phones[13:])


def test_thresholds_chosen_from_the_model() -> None:
    """The match threshold is the lowest probability at which the pairs at or above it are expected to be
    99% the same child; the review band is the 1,000 strongest pairs below it (3,000 are scored)."""
    con = matching.connect()
    probabilities = [0.3 + 0.7 * (n / 3000) ** 0.2 for n in range(3000)]
    con.execute("CREATE TABLE scored (match_probability DOUBLE)").fetchall()
    con.executemany("INSERT INTO scored VALUES (?)", [[p] for p in probabilities])
    notes: list[str] = []
    chosen = choose_thresholds(con, "scored", matching.Thresholds(), 500.0, notes)
    above = [p for p in probabilities if p >= chosen.match]
    assert sum(above) / len(above) >= 0.99
    looser = [p for p in probabilities if p >= chosen.match - 0.01]
    assert sum(looser) / len(looser) < 0.99, "the lowest such threshold"
    band = [p for p in probabilities if chosen.review <= p < chosen.match]
    assert len(band) == 1000
    assert notes[0].startswith(f"match threshold {chosen.match:.3f}, chosen from the model")
    kept = choose_thresholds(con, "scored", matching.Thresholds(0.9, 0.5), 500.0, [])
    assert (kept.match, kept.review) == (0.9, 0.5), "thresholds that are configured stay"


def test_the_share_of_matching_pairs_comes_from_the_scores() -> None:
    """The deterministic rules found few matching pairs where most records lack a NIK or a full birth
    date, and the share was several times too low; the scores' estimate is near the truth."""
    rows = nusantara.generate(3000, seed=5)
    people: dict[str, int] = {}
    for row in rows:
        people[row["person"]] = people.get(row["person"], 0) + 1
    true_share = sum(n * (n - 1) / 2 for n in people.values()) / (3000 * 2999 / 2)
    con = matching.connect()
    matching.load_rows(con, "records", assess.encode_all(KEYS, rows, Counter()))
    estimated = score(con, ["records"], matching.Thresholds(), lambda *_: None).share
    assert true_share / 2 < estimated < true_share * 2, (estimated, true_share)


def test_a_large_run_scores_to_the_end_only_the_pairs_that_can_reach_the_review_band(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past SHARE_PAIRS blocked pairs (half a million: about 100,000 records) the share of matching pairs
    comes from a random sample of them, and the sample also says how low the review band can reach: the
    pairs below it are dropped before their name filters are read. Here the path runs at 3,000 records
    (SHARE_PAIRS and the band made smaller): the thresholds and every pair at or above the review threshold
    are the same as when everything down to SCORING_FLOOR is scored, with fewer pairs scored."""
    from jaga.linkage.matching import scoring, training
    from jaga.linkage.matching.common import SCORING_FLOOR

    rows = nusantara.generate(3000, seed=11)
    encoded = assess.encode_all(KEYS, rows, Counter())
    monkeypatch.setattr(scoring, "SHARE_PAIRS", 3000)
    monkeypatch.setattr(training, "REVIEW_MAX", 50)
    floors: list[float] = []

    def run(floor: object) -> tuple[matching.Thresholds, set[tuple[str, str]], int]:
        monkeypatch.setattr(scoring, "floor_from_sample", floor)
        con = matching.connect()
        matching.load_rows(con, "records", encoded)
        scored = score(con, ["records"], matching.Thresholds(), lambda *_: None)
        kept = con.execute(
            f"SELECT unique_id_l, unique_id_r FROM {scored.table} WHERE match_probability >= ?",
            [scored.thresholds.review],
        ).fetchall()
        return scored.thresholds, set(kept), scored.count

    def sampled(*args: object) -> float:
        floors.append(training.floor_from_sample(*args))  # type: ignore[arg-type]
        return floors[-1]

    everything = run(lambda *_args: SCORING_FLOOR)
    floored = run(sampled)
    assert floors and floors[0] > SCORING_FLOOR + 0.1, floors
    assert floored[0].match == pytest.approx(everything[0].match) and floored[0].review == pytest.approx(
        everything[0].review
    )
    assert floored[1] == everything[1] and len(floored[1]) > 200
    assert floored[2] < everything[2], "fewer pairs scored to the end"


def test_the_same_records_in_another_order_give_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past SHARE_PAIRS blocked pairs the share of matching pairs comes from a sample of them. A large file
    is read in parallel and its records numbered in another order on each run; a sample drawn by record
    number gave another threshold and other pairs for the same file (a million records: 287,858 to
    290,141 pairs scored from one file). Drawn by the records' ids, the same records in reverse order give
    the same thresholds, the same pairs with the same probabilities and the same children."""
    from jaga.linkage.matching import scoring

    encoded = assess.encode_all(KEYS, nusantara.generate(3000, seed=12), Counter())
    monkeypatch.setattr(scoring, "SHARE_PAIRS", 3000)

    def run(rows: list[dict[str, str]]) -> tuple[tuple[float, float, int], dict, dict]:
        con = matching.connect()
        matching.load_rows(con, "records", rows)
        result = matching.run(con, ["records"], matching.Thresholds())
        # Rounded: a sum over pairs in another order may differ in its last bits.
        figures = (round(result.thresholds.match or 0, 9), round(result.thresholds.review or 0, 9), result.scored_pairs)
        return figures, {(p.a, p.b): round(p.probability, 9) for p in result.matched}, result.clusters

    forward, backward = run(encoded), run(encoded[::-1])
    assert len(forward[1]) > 500, "enough matched pairs to tell"
    assert forward == backward


def test_a_far_birth_date_is_lifted_for_a_name_spelled_one_letter_otherwise_at_the_same_home() -> None:
    """A strong pair's birth-date conflict is a mistake where the whole names are the same, or the same up
    to a typo and the home (address or postcode) is the same. A sibling at that home (another given name)
    and the same typo in another town keep it."""
    from jaga.linkage.matching.clustering import overruled

    home = {"address": "3 Downard Street, Malvern East", "postcode": "3142"}
    records = [
        ("a", {"full_name": "Josephine Dragheim", "date_of_birth": "1956-06-18", **home}),
        ("typo", {"full_name": "Josefine Dragheim", "date_of_birth": "1916-02-18", **home}),
        ("postcode", {"full_name": "Josephine Draghiem", "date_of_birth": "1916-02-18", "postcode": "3142"}),
        ("sibling", {"full_name": "Joshua Dragheim", "date_of_birth": "1967-03-01", **home}),
        ("elsewhere", {"full_name": "Josefine Dragheim", "date_of_birth": "1916-02-18", "postcode": "2000"}),
        ("same", {"full_name": "Josephine Dragheim", "date_of_birth": "1916-02-18"}),
    ]
    con = matching.connect()
    matching.load_rows(con, "records", [encode(KEYS, key, values) for key, values in records])
    known = evidence(con, ["records"], range(len(records)))
    assert all(conflict(known[0], known[n]) == "date_of_birth" for n in range(1, len(records)))
    lifted = {key: overruled(known[0], known[n]) for n, (key, _values) in enumerate(records) if n}
    assert lifted == {"typo": True, "postcode": True, "sibling": False, "elsewhere": False, "same": True}
