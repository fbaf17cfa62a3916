from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaga.linkage import normalise
from jaga.linkage.encoding import COLUMNS, Keys, encode, similarity

SECRET = b"linkage-test-secret-0123456789abcdef"
PEOPLE = [
    {
        "id": "P-1",
        "full_name": "Bapak Djoko Soesilo",
        "date_of_birth": "2012-08-05",
        "sex": "L",
        "nik": "3171070508120003",
        "phone": "+62 812-3456-7890",
        "address": "Jl. Merdeka No. 5, RT 02/RW 03",
        "regency_code": "31.71",
    },
    {"id": "P-2", "full_name": "Siti Nurhaliza", "date_of_birth": "2010-01-21", "sex": "perempuan", "nik": ""},
]


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or sorted({key for row in rows for key in row}, key=lambda k: (k != "id", k))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "linkage.key"
    path.write_bytes(SECRET + b"\n")
    return path


def test_no_plain_identifier_reaches_the_encoded_file(tmp_path: Path, secret_file: Path) -> None:
    source = write_csv(tmp_path / "in.csv", PEOPLE)
    out = tmp_path / "encoded.csv"
    call_command("linkage", "encode", str(source), "--secret-file", str(secret_file), "--out", str(out))
    text = out.read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == COLUMNS and [r["id"] for r in rows] == ["P-1", "P-2"]
    lowered = text.lower()
    for person in PEOPLE:
        for column, value in person.items():
            if column == "id" or not value:
                continue
            for piece in [value, *value.replace("-", " ").replace(",", " ").split()]:
                if len(piece) >= 4:
                    assert piece.lower() not in lowered, (column, "a plain identifier leaked")
    for variant in ("3171070508120003", "081234567890", "2012", "djoko", "joko", "siti", "merdeka"):
        assert variant not in lowered


def test_spelling_variants_honorifics_and_swapped_dates_still_agree() -> None:
    keys = Keys(SECRET)
    a = encode(
        keys, "a", {"full_name": "Bapak Djoko Soesilo", "date_of_birth": "2012-08-05", "phone": "+62 812 3456 7890"}
    )
    b = encode(
        keys,
        "b",
        {"given_name": "Joko", "family_name": "Susilo", "date_of_birth": "2012-05-08", "phone": "0812-3456-7890"},
    )
    assert a["name_bf"] == b["name_bf"] and a["last_bf"] == b["last_bf"]
    assert a["dob"] != b["dob"] and a["dob_md"] == b["dob_dm"], "day and month swapped still agree"
    assert a["phone"] == b["phone"] and a["dob_y"] == b["dob_y"]
    c, d = encode(keys, "c", {"full_name": "Siti Nurhaliza"}), encode(keys, "d", {"full_name": "Siti Nurhalizah"})
    near = similarity(c["name_bf"], d["name_bf"], "name", int(c["name_n"]), int(d["name_n"]))
    far = similarity(a["name_bf"], c["name_bf"], "name", int(a["name_n"]), int(c["name_n"]))
    assert near is not None and far is not None and near > 0.85 > 0.5 > far
    assert normalise.name("Mochammad Noer Tjahjono") == normalise.name("Muhammad Nur Cahyono")


def test_another_key_gives_other_encodings_and_another_key_check() -> None:
    record = {"full_name": "Siti Nurhaliza", "date_of_birth": "2010-01-21"}
    one, two = encode(Keys(SECRET), "x", record), encode(Keys(SECRET + b"!"), "x", record)
    assert one["fp"] != two["fp"] and one["name_bf"] != two["name_bf"] and one["dob"] != two["dob"]
    assert encode(Keys(SECRET), "x", record) == one, "the same key encodes the same way every time"


def test_columns_can_be_mapped(tmp_path: Path, secret_file: Path) -> None:
    source = write_csv(tmp_path / "polisi.csv", [{"no_lp": "LP-1", "nama": "Ani", "tgl_lahir": "2011-03-04"}])
    out = tmp_path / "encoded.csv"
    call_command(
        "linkage",
        "encode",
        str(source),
        "--secret-file",
        str(secret_file),
        "--out",
        str(out),
        "--map",
        "id=no_lp",
        "--map",
        "full_name=nama",
        "--map",
        "date_of_birth=tgl_lahir",
    )
    row = next(csv.DictReader(out.open()))
    assert row["id"] == "LP-1" and row["first_bf"] and row["dob"]


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([{"full_name": "Ani"}], None, "no id column"),
        ([{"id": "1", "full_name": "Ani", "hobby": "x"}], None, "Unknown columns: hobby"),
        ([{"id": "1", "full_name": "Ani"}, {"id": "1", "full_name": "Budi"}], None, "row 3: the same id as row 2"),
        ([{"id": "1", "date_of_birth": "31/02/2012"}], None, "row 2, column date_of_birth"),
        ([{"id": "1", "age": "12"}], None, "row 2, column age: an age needs the date it was recorded"),
        ([{"id": "1", "nik": "12345"}], None, "row 2, column nik"),
        ([{"id": "1", "sex": "x"}], None, "row 2, column sex"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    tmp_path: Path, secret_file: Path, rows: list[dict[str, str]], header: list[str] | None, message: str
) -> None:
    source = write_csv(tmp_path / "in.csv", rows, header)
    out = tmp_path / "encoded.csv"
    with pytest.raises(CommandError, match=message) as refused:
        call_command("linkage", "encode", str(source), "--secret-file", str(secret_file), "--out", str(out))
    assert not out.exists()
    assert "05/08/2012" not in str(refused.value) and "12345" not in str(refused.value), "no value is repeated"


def test_a_short_or_missing_secret_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", PEOPLE)
    short = tmp_path / "short.key"
    short.write_bytes(b"too short")
    with pytest.raises(CommandError, match="at least 16 bytes"):
        call_command("linkage", "encode", str(source), "--secret-file", str(short), "--out", str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("linkage", "encode", str(source), "--secret-file", str(tmp_path / "nope"), "--out", "o.csv")


def test_short_names_that_share_no_bigram_are_far_apart() -> None:
    """A balanced filter always has L ones, so two short names share most of their complement bits: on
    the filters alone "Mimi" and "Bun" looked 0.86 alike. With each filter's count of bigram bits the
    Dice coefficient is that of the bigrams themselves."""
    keys = Keys(SECRET)
    mimi, bun = encode(keys, "a", {"full_name": "Mimi"}), encode(keys, "b", {"full_name": "Bun"})
    raw = (
        2
        * (
            int.from_bytes(base64.b64decode(mimi["name_bf"]), "big")
            & int.from_bytes(base64.b64decode(bun["name_bf"]), "big")
        ).bit_count()
        / 2000
    )
    assert raw > 0.8, "what the balanced filters alone say"
    assert similarity(mimi["name_bf"], bun["name_bf"], "name", int(mimi["name_n"]), int(bun["name_n"])) < 0.2


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ({"date_of_birth": "05/08/2012"}, {"date_of_birth": "2012-08-05"}),  # day first, as in Indonesia
        ({"date_of_birth": "5-8-2012"}, {"date_of_birth": "2012-08-05"}),
        ({"date_of_birth": "2012"}, {"date_of_birth": "01/01/2012"}),  # 1 January: the year only
        ({"date_of_birth": "31-12-2012"}, {"date_of_birth": "2012"}),
        ({"age": "13", "recorded_on": "2025-06-30"}, {"date_of_birth": "2012"}),  # an estimated age: a year
    ],
)
def test_birth_dates_as_agencies_write_them(written: dict[str, str], same_as: dict[str, str]) -> None:
    keys = Keys(SECRET)
    a, b = encode(keys, "a", written), encode(keys, "b", same_as)
    assert a["dob"] == b["dob"] and a["dob_y"] == b["dob_y"] and a["dob_y"]
    assert [a[f"dob_w{k}"] for k in range(3)] == [b[f"dob_w{k}"] for k in range(3)]


def test_years_at_most_two_apart_share_a_window_and_three_apart_do_not() -> None:
    keys = Keys(SECRET)

    def windows(year: int) -> set[str]:
        row = encode(keys, "a", {"date_of_birth": str(year)})
        return {row[f"dob_w{k}"] for k in range(3)}

    for year in range(2005, 2012):
        assert windows(year) & windows(year + 1) and windows(year) & windows(year + 2)
        assert not windows(year) & windows(year + 3)


def test_a_digit_mistyped_in_a_birth_date_keeps_two_parts_in_common() -> None:
    keys = Keys(SECRET)
    born = encode(keys, "a", {"date_of_birth": "2012-08-15"})
    day = encode(keys, "b", {"date_of_birth": "2012-08-16"})
    month = encode(keys, "c", {"date_of_birth": "2012-09-15"})
    assert born["dob_ym"] == day["dob_ym"] and born["dob_yd"] == month["dob_yd"]
    assert born["dob_ym"] != month["dob_ym"] and born["dob_yd"] != day["dob_yd"]


def test_the_fathers_name_after_bin_or_binti_is_not_hers() -> None:
    assert normalise.name("Siti Aminah binti Sukiman") == normalise.name("SITI AMINAH")
    assert normalise.name("Binti") == "binti", "a name that is only the word stays"
