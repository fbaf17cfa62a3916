"""The charts are pictures a screen reader can name and a reader cannot misread: every one an
<svg role="img"> with its title, a hidden count drawn as an outline with its label (never a bar of
a guessed length), labels escaped, and maps that cover every province and a province's regencies."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from jaga.stats import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bars_scale_to_the_largest_and_draw_a_hidden_count_as_an_outline() -> None:
    svg = charts.bars(
        "Kasus per bentuk <eksploitasi>", [("Daring", 40, "40"), ("Perjalanan", None, "<5"), ("Lain", 20, "20")]
    )
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Kasus per bentuk <eksploitasi>"
    assert root.find(f"{SVG}title").text == "Kasus per bentuk <eksploitasi>"
    widths = [int(r.get("width", "0")) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths[0] == 2 * widths[1], "20 is half of 40"
    hidden = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "hidden"]
    assert len(hidden) == 1 and "&lt;5" in svg and "<5<" not in svg, "the hidden one says <5, escaped"


def test_a_long_label_wraps_whole_and_only_a_very_long_one_is_cut() -> None:
    label = "Eksploitasi seksual anak dalam perjalanan dan pariwisata di daerah wisata"
    root = parse(charts.bars("t", [(label, 3, "3")]))
    lines = [t.text or "" for t in root.iter(f"{SVG}tspan")]
    assert " ".join(lines) == label and len(lines) == 3 and all(len(line) <= 34 for line in lines)
    very = " ".join([label] * 3)
    svg = charts.bars("t", [(very, 3, "3")])
    assert f"<title>{very}</title>" in svg and "…" in svg, "cut at three lines, whole in the tooltip"


def test_bars_of_percentages_show_the_unit_and_a_scale_to_100() -> None:
    root = parse(charts.bars("Kemajuan", [("Kasus", 50, "50%"), ("Pelatihan", 100, "100%")], unit="%"))
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert values == ["50%", "100%"] and ticks == ["0%", "50%", "100%"]
    widths = [int(r.get("width", "0")) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths[1] == 2 * widths[0], "against 100 %, not against the largest bar"


def test_columns_and_a_pyramid_with_nothing_to_show_are_still_well_formed() -> None:
    empty = charts.columns("Per bulan", [(m, 0, "0") for m in ("Jan", "Feb")])
    assert parse(empty).get("role") == "img"
    pyramid = charts.pyramid(
        "Usia dan jenis kelamin",
        ["0-5", "6-11"],
        [("0-5", 3, "3"), ("6-11", None, "x")],
        [("0-5", 0, "0"), ("6-11", 6, "6")],
    )
    root = parse(pyramid)
    classes = [r.get("class") for r in root.iter(f"{SVG}rect")]
    assert "bar female" in classes and "bar male" in classes and "hidden" in classes


def test_the_province_map_draws_every_province_and_greys_the_hidden_ones() -> None:
    paths = charts.province_paths()
    assert len(paths) == 38 and {"11", "31", "51", "96"} <= set(paths)
    rows = [(code, f"Provinsi {code}", "<5" if code == "51" else "10", None if code == "51" else 10) for code in paths]
    root = parse(charts.province_map("Kasus per provinsi", rows))
    shapes = list(root.iter(f"{SVG}path"))
    assert len(shapes) == 38
    bali = next(p for p in shapes if p.find(f"{SVG}title").text == "Provinsi 51: <5")
    assert bali.get("class") == "hidden"
    assert all(re.fullmatch(r"step\d", p.get("class", "")) for p in shapes if p is not bali)


def test_a_provinces_map_shows_its_regencies() -> None:
    paths, width, height = charts.regency_paths("51")
    assert len(paths) == 9 and all(code.startswith("51.") for code in paths) and width > 0 and height > 0
    rows = [(code, code, "0", 0) for code in paths]
    root = parse(charts.regency_map("Bali", "51", rows))
    assert {p.get("class") for p in root.iter(f"{SVG}path")} == {"step0"}, "none is the lightest, not hidden"
