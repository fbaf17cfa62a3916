"""`jaga linkage match`: de-duplicating one encoded file and linking two, against known truth."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaga.synth import evaluation

SECRET = b"linkage-match-secret-0123456789abcdef"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | list[dict]]:
    folder = tmp_path_factory.mktemp("match")
    (folder / "key").write_bytes(SECRET)
    rows = evaluation.generate(1600, seed=11)
    evaluation.write(rows, folder / "all.csv")
    evaluation.write(rows[:800], folder / "a.csv")
    evaluation.write(rows[800:], folder / "b.csv")
    for name in ("all", "a", "b"):
        call_command("linkage", "encode", str(folder / f"{name}.csv"), "--secret-file", str(folder / "key"),
                     "--out", str(folder / f"{name}.enc.csv"))  # fmt: skip
    (folder / "other.key").write_bytes(b"another-secret-entirely-0123456789")
    call_command("linkage", "encode", str(folder / "b.csv"), "--secret-file", str(folder / "other.key"),
                 "--out", str(folder / "b.other.enc.csv"))  # fmt: skip
    return {"folder": folder, "rows": rows}


def pairs_of_clusters(clusters: list[dict[str, str]], key: str = "id") -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for row in clusters:
        groups.setdefault(row["cluster"], []).append(row[key])
    found: set[tuple[str, str]] = set()
    for ids in groups.values():
        ids.sort()
        found.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return found


def test_deduplicating_one_file_finds_the_same_children(files: dict, capsys: pytest.CaptureFixture) -> None:
    folder, rows = files["folder"], files["rows"]
    call_command("linkage", "match", str(folder / "all.enc.csv"), "--out", str(folder / "pairs.csv"),
                 "--clusters", str(folder / "clusters.csv"))  # fmt: skip
    out, err = capsys.readouterr()
    assert "Thresholds (chosen from the model): matched at probability >= 0." in out  # it states its thresholds
    chosen = float(out.split("matched at probability >= ")[1].split(";")[0])
    assert "scoring pairs" in err and "100%" in err  # and shows progress
    pairs = read(folder / "pairs.csv")
    assert pairs and set(pairs[0]) == {"id_a", "id_b", "probability"}
    assert all(float(p["probability"]) >= chosen for p in pairs)
    clusters = read(folder / "clusters.csv")
    assert sorted(c["id"] for c in clusters) == sorted(r["id"] for r in rows)
    score = evaluation.scores(pairs_of_clusters(clusters), evaluation.true_pairs(rows))
    assert score["precision"] > 0.85 and score["recall"] > 0.75, score
    people = len({r["person"] for r in rows})
    assert abs(len({c["cluster"] for c in clusters}) - people) < 0.05 * people


def test_linking_two_files_puts_the_first_files_id_first(files: dict) -> None:
    folder, rows = files["folder"], files["rows"]
    call_command("linkage", "match", str(folder / "a.enc.csv"), str(folder / "b.enc.csv"),
                 "--out", str(folder / "links.csv"), "--clusters", str(folder / "clusters2.csv"))  # fmt: skip
    ids_a, ids_b = {r["id"] for r in rows[:800]}, {r["id"] for r in rows[800:]}
    links = read(folder / "links.csv")
    assert links and all(p["id_a"] in ids_a and p["id_b"] in ids_b for p in links)
    person = {r["id"]: r["person"] for r in rows}
    right = sum(person[p["id_a"]] == person[p["id_b"]] for p in links)
    assert right / len(links) > 0.85
    clusters = read(folder / "clusters2.csv")
    assert {c["file"] for c in clusters} == {"A", "B"} and len(clusters) == 1600


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows], "no id column"),
        (lambda rows: [*rows, dict(rows[0])], "the same id as row 2"),
        (lambda rows: [{**r, "full_name": "Siti"} for r in rows], "unknown columns full_name"),
        (lambda rows: [{**rows[0], "name_bf": "bm90IGEgZmlsdGVy"}, *rows[1:]], "name_bf: not a filter"),
        (lambda rows: [{**rows[0], "dob": "2010-01-01"}, *rows[1:]], "dob: not a keyed hash"),
    ],
)
def test_bad_encoded_input_is_refused_and_nothing_is_written(files: dict, edit, message: str) -> None:
    folder = files["folder"]
    rows = edit(read(folder / "a.enc.csv"))
    bad = folder / "bad.enc.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[-1]))
        writer.writeheader()
        writer.writerows(rows)
    out = folder / "never.csv"
    with pytest.raises(CommandError, match=message):
        call_command("linkage", "match", str(bad), "--out", str(out))
    assert not out.exists()


def test_files_encoded_with_another_key_are_refused(files: dict) -> None:
    folder = files["folder"]
    with pytest.raises(CommandError, match="different key or settings"):
        call_command("linkage", "match", str(folder / "a.enc.csv"), str(folder / "b.other.enc.csv"),
                     "--out", str(folder / "never.csv"))  # fmt: skip
    assert not (folder / "never.csv").exists()


def test_thresholds_must_make_sense(files: dict) -> None:
    with pytest.raises(CommandError, match="review <= match"):
        call_command("linkage", "match", str(files["folder"] / "a.enc.csv"), "--out", "x.csv",
                     "--threshold", "0.5", "--review-threshold", "0.9")  # fmt: skip


def test_uncertain_pairs_lie_between_the_thresholds_and_across_clusters(files: dict) -> None:
    from jaga.linkage import matching

    con = matching.connect()
    matching.load_csv(con, "records", files["folder"] / "all.enc.csv")
    result = matching.run(con, ["records"], matching.Thresholds(), uncertain_limit=5)
    limits = result.thresholds  # chosen from the model
    assert limits.review is not None and limits.match is not None and limits.review < limits.match
    assert result.uncertain_count >= len(result.uncertain) > 0
    assert len(result.uncertain) <= 5
    for pair in result.uncertain:
        assert limits.review <= pair.probability < limits.match
        assert result.clusters[pair.a] != result.clusters[pair.b]
        assert set(pair.agreement) >= {"name", "date_of_birth", "nik"}  # the evidence a reviewer sees
    assert [p.probability for p in result.uncertain] == sorted((p.probability for p in result.uncertain), reverse=True)


@pytest.mark.parametrize("stages", ["staged", "every filter at once"])
@pytest.mark.parametrize("names", [["all"], ["a", "b"]])
def test_the_two_pass_scoring_gives_splinks_own_predictions(files: dict, names: list[str], stages: str) -> None:
    """`predict` drops pairs that cannot reach the review threshold before comparing filters (in
    stages, or all filters in one stage as where every pair is scored); what it keeps, and each
    probability, must be what Splink's predict computes with the same model."""
    from jaga.linkage import matching
    from jaga.linkage.matching.scoring import EVERY, predict, predict_splink
    from jaga.linkage.matching.training import prepare, train

    con = matching.connect()
    tables = [f"t_{name}" for name in names]
    for table, name in zip(tables, names, strict=True):
        matching.load_csv(con, table, files["folder"] / f"{name}.enc.csv")
    prepare(con, tables)
    linker, trained = train(con, tables, lambda *_: None)
    assert trained
    review = 0.6

    def rows(table: str) -> dict[tuple[str, str], float]:
        two = len(tables) > 1
        columns = "source_dataset_l, unique_id_l, source_dataset_r, unique_id_r" if two else "unique_id_l, unique_id_r"
        found = {}
        for *ids, probability in con.execute(f"SELECT {columns}, match_probability FROM {table}").fetchall():
            if two and ids[0] != tables[0]:
                ids = [ids[2], ids[3], ids[0], ids[1]]
            found[tuple(ids)] = probability
        return found

    ours = rows(predict(con, tables, linker, review, stages=EVERY if stages == "every filter at once" else None))
    splinks = rows(predict_splink(con, tables, linker, review))
    near = {key for key, p in {**ours, **splinks}.items() if abs(p - review) < 1e-9}  # rounding at the edge
    assert len(ours) > 100 and set(ours) - near == set(splinks) - near
    assert max(abs(ours[key] - splinks[key]) for key in set(ours) & set(splinks)) < 1e-9


@pytest.mark.parametrize("names", [["all"], ["a", "b"]])
def test_the_chain_checks_in_sql_are_the_python_ones(files: dict, names: list[str]) -> None:
    """Clustering asks DuckDB for the conflicts within each candidate group; every verdict must be what
    `conflict` says on the records' evidence."""
    from jaga.linkage import matching
    from jaga.linkage.matching.clustering import Records, chain_conflicts, conflict, evidence

    con = matching.connect()
    tables = [f"t_{name}" for name in names]
    for table, name in zip(tables, names, strict=True):
        matching.load_csv(con, table, files["folder"] / f"{name}.enc.csv")
    records = Records.of(con, tables)  # numbered in file order
    # A child's records and her siblings are neighbours in the file: one candidate group of 300
    # records (45,000 pairs: every kind of verdict) and the next 900 in twos.
    groups = [list(range(300)), *[[n, n + 1] for n in range(300, 1200, 2)]]
    conflicts = chain_conflicts(con, tables, groups)
    known = evidence(con, tables, range(len(records.keys)))
    verdicts: dict[str, int] = {}
    for group in groups:
        for x in group:
            for y in group:
                if x != y:
                    expected = conflict(known[x], known[y])
                    assert conflicts.between(x, y) == expected, (x, y)
                    verdicts[expected] = verdicts.get(expected, 0) + 1
    assert set(verdicts) >= {"", "sex", "date_of_birth", "name"}


@pytest.mark.parametrize(
    ("one", "other", "other_born", "why"),
    [
        ("Muhammad Wulandari", "Wulandari Muhammad", "2012", ""),  # the same words in another order: the
        ("Muhammad Wulandari", "Wulandari Muhamad", "2012", ""),  # given names "differ" (and with a typo)
        ("Ayu Wulandari", "Muhammad Wulandari", "2012", "name"),  # siblings: the family name alone is shared
        # With the same whole birth date the names are weighed by the model, not refused: a given name
        # replaced by a call name or typed from another field (FEBRL's duplicates), or a twin.
        ("Ayu Wulandari", "Muhammad Wulandari", "2012-03-04", ""),
        ("Ayu Wulandari", "Benny Santoso", "2012-03-04", ""),
    ],
)
def test_a_given_name_that_differs_is_another_child_unless_the_words_are_swapped_or_the_dates_agree(
    one: str, other: str, other_born: str, why: str
) -> None:
    from jaga.linkage import matching
    from jaga.linkage.encoding import Keys, encode
    from jaga.linkage.matching.clustering import chain_conflicts, conflict, evidence

    keys = Keys(SECRET)
    con = matching.connect()
    matching.load_rows(
        con,
        "records",
        [
            encode(keys, "x", {"full_name": one, "date_of_birth": "2012-03-04", "sex": "male"}),
            encode(keys, "y", {"full_name": other, "date_of_birth": other_born, "sex": "male"}),
        ],
    )
    known = evidence(con, ["records"], [0, 1])
    conflicts = chain_conflicts(con, ["records"], [[0, 1]])
    assert conflict(known[0], known[1]) == conflict(known[1], known[0]) == why
    assert conflicts.between(0, 1) == conflicts.between(1, 0) == why


def test_records_are_numbered_in_rowid_order_however_many_there_are() -> None:
    """Clustering reads pairs as rowids and names them by ``Records.keys``: with enough rows DuckDB
    reads in parallel, and the numbering must still follow the rowids."""
    from jaga.linkage import matching
    from jaga.linkage.matching.clustering import Records

    con = matching.connect()
    con.execute("CREATE TABLE many AS SELECT 'r' || (999999 - i) AS unique_id FROM range(400000) t(i)").fetchall()
    expected = [row[0] for row in con.execute("SELECT unique_id FROM many ORDER BY rowid").fetchall()]
    assert Records.of(con, ["many"]).keys == expected


def test_large_candidate_groups_are_checked_in_python_with_the_same_result(
    files: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group too large to list its pairs (a shelter's phone shared by hundreds of children) has its
    conflicts worked out in Python as clustering asks: the clusters must be the same."""
    from jaga.linkage import matching
    from jaga.linkage.matching import clustering

    def clusters() -> tuple[dict[str, str], int]:
        con = matching.connect()
        matching.load_csv(con, "records", files["folder"] / "all.enc.csv")
        result = matching.run(con, ["records"], matching.Thresholds())
        return result.clusters, len(result.refused)

    listed = clusters()
    monkeypatch.setattr(clustering, "LISTED_GROUP", 2)  # every group of three or more records
    assert clusters() == listed
    assert listed[1] > 0  # the checks had something to refuse


def _run_without(fields: tuple[str, ...], count: int = 700, seed: int = 5) -> Any:
    """Records made by `evaluation.generate`, with ``fields`` empty in every one, matched in memory."""
    from jaga.linkage import matching
    from jaga.linkage.encoding import Keys, encode

    keys = Keys(SECRET)
    rows = evaluation.generate(count, seed=seed)
    encoded = [
        encode(keys, row["id"], {k: ("" if k in fields else v) for k, v in row.items() if k not in ("id", "person")})
        for row in rows
    ]
    con = matching.connect()
    matching.load_rows(con, "records", encoded)
    return matching.run(con, ["records"], matching.Thresholds())


@pytest.mark.parametrize(
    "fields",
    [
        ("nik",),  # an export already de-duplicated by NIK, or none recorded
        ("phone",),
        ("nik", "phone"),
        ("date_of_birth",),
        ("sex",),
        ("address",),
        ("regency_code",),
        ("aliases",),
        ("nik", "phone", "regency_code", "sex"),  # FEBRL's shape: names, birth date, address
        ("date_of_birth", "nik", "phone", "regency_code", "sex", "address"),  # a name and nothing else
    ],
    ids=lambda fields: "-".join(fields),
)
def test_any_usable_mix_of_fields_gets_an_answer_with_notes_never_a_traceback(fields: tuple[str, ...]) -> None:
    result = _run_without(fields)
    assert result.trained, "above MIN_TRAINING the model is trained, whatever is missing"
    assert result.records == 700 and 0 < result.cluster_count <= 700
    labels = {"nik": "NIK", "phone": "phone", "date_of_birth": "date of birth", "sex": "sex", "address": "address"}
    for name in fields:
        if name in labels:
            assert any(note.startswith(f"{labels[name]} is empty") for note in result.notes), result.notes


def test_input_without_any_name_is_refused_with_one_clear_error() -> None:
    from jaga.linkage.matching import InputError

    with pytest.raises(InputError, match="needs at least the name"):
        _run_without(("full_name", "aliases"), count=50)


def test_a_fallback_training_block_that_teaches_disagreement_is_refused() -> None:
    """Without NIK and phone the given name and birth date learn from blocks on a place and a name or a
    birth date; where those pairs are mostly siblings or namesakes, EM concludes that the same child
    mostly disagrees, and that estimate is not used."""
    from jaga.linkage.matching.training import _absurd

    def model(m_exact: float, m_else: float) -> dict:
        levels = [{"is_null_level": True}, *({"m_probability": m} for m in (m_exact, 0.1, m_else))]
        return {"comparisons": [{"output_column_name": "date_of_birth", "comparison_levels": levels},
                                {"output_column_name": "first_name", "comparison_levels": levels}]}  # fmt: skip

    assert _absurd(model(0.03, 0.8), {"date_of_birth"}) == ["date_of_birth"]
    assert _absurd(model(0.03, 0.8), {"first_name", "date_of_birth"}) == ["date_of_birth", "first_name"]
    assert _absurd(model(0.85, 0.1), {"date_of_birth", "first_name"}) == []
    assert _absurd(model(0.03, 0.8), set()) == []
