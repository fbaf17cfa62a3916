"""Identifiers in one form before they are encoded, as Indonesian agencies write them (DOMAIN.md):
honorifics, old spellings, Muhammad's many forms, the father's name after bin/binti, phones with the
country code, sexes in Indonesian and English, and birth dates known only in part."""

from __future__ import annotations

import pytest

from jaga.linkage import normalise
from jaga.linkage.normalise import Born


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("An. Siti Rahayu", "siti rahayu"),  # an honorific says nothing about the child
        ("Sdri. NUR AINI", "nur aini"),
        ("Djoko Soesilo", "joko susilo"),  # pre-1972 spelling
        ("Tjahjono", "cahyono"),  # in an old-spelled word a lone j was the modern y
        ("Soeharti Njoman", "suharti nyoman"),
        ("Mochammad Rizky", "muhammad rizky"),
        ("Moh. Rizki", "muhammad rizki"),
        ("Noer Hidayah", "nur hidayah"),
        ("Abd. Rahman", "abdul rahman"),
        ("Fitri binti Ahmad", "fitri"),  # what follows binti is her father's name
        ("Bin Laden", "bin laden"),  # a first word that is "bin" is a name, not "son of"
        ("Annisa   Putri", "anisa putri"),  # doubled letters single, spaces collapsed
        ("Élisabet Marîa", "elisabet maria"),  # accents folded
        ("Kadek 2", "kadek"),  # a number after a name is not part of it
        ("Ichsan Chairul", "ikhsan khairul"),
    ],
)
def test_names_are_written_one_way(written: str, canonical: str) -> None:
    assert normalise.name(written) == canonical


def test_a_name_of_honorifics_only_is_no_name() -> None:
    assert normalise.name("Bapak Ibu") == "" and normalise.name_tokens("  ") == []


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Jl. Melati No. 5, Kel. Sukajadi", "jalan melati nomor 5 kelurahan sukajadi"),
        ("GG MUSHOLA BLK C", "gang mushola blok c"),
        ("Perum Griya Asri, Kab. Badung", "perumahan griya asri kabupaten badung"),
    ],
)
def test_addresses_spell_out_their_abbreviations(written: str, canonical: str) -> None:
    assert normalise.address(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("+62 812-3456-7890", "081234567890"),
        ("0812 3456 7890", "081234567890"),
        ("62 361 123456", "0361123456"),
        ("12345", ""),  # too short to be a phone number
        ("", ""),
    ],
)
def test_phones_lose_the_country_code_and_punctuation(written: str, canonical: str) -> None:
    assert normalise.phone(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("Perempuan", "f"), ("P", "f"), ("girl", "f"), ("Laki-laki", "m"), ("L", "m"), ("LK", "m"),
     ("", ""), ("Tidak diketahui", ""), ("-", ""), ("ya", None)],
)  # fmt: skip
def test_sexes_in_indonesian_and_english(written: str, canonical: str | None) -> None:
    assert normalise.sex(written) == canonical


@pytest.mark.parametrize(
    ("written", "born"),
    [
        ("2012-08-05", Born(2012, 8, 5)),
        ("05/08/2012", Born(2012, 8, 5)),  # the day first, as Indonesians write it
        ("5-8-2012", Born(2012, 8, 5)),
        ("2012-08", Born(2012, 8)),
        ("2012", Born(2012)),
        ("01-01-2012", Born(2012)),  # the registry's placeholder for "born in 2012"
        ("2012-12-31", Born(2012)),
        ("", None),
    ],
)
def test_birth_dates_as_far_as_they_are_known(written: str, born: Born | None) -> None:
    assert normalise.birth_date(written) == born


@pytest.mark.parametrize("written", ["31/02/2012", "2012-13-01", "1850", "05.08.12", "kemarin"])
def test_what_is_not_a_birth_date_is_refused(written: str) -> None:
    with pytest.raises(ValueError):
        normalise.birth_date(written)


def test_an_estimated_age_gives_an_estimated_year() -> None:
    assert normalise.estimated_birth("14", "2026-03-14") == Born(2012, estimated=True)
    assert normalise.estimated_birth("", "2026-03-14") is None
    assert Born(2012, 8, 5).exact is not None and Born(2012).exact is None
    for age, recorded in (("empat belas", "2026-03-14"), ("40", "2026-03-14"), ("14", "")):
        with pytest.raises(ValueError):
            normalise.estimated_birth(age, recorded)
