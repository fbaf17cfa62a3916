"""Server-side SVG charts: bars, columns, an age-sex pyramid and a province map.

Every chart is an <svg role="img"> with a title; the page puts the same numbers in a table beside
it. Hidden cells ("<5", "x") are drawn as an outline with their label, never as a bar of a guessed size.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jaga.regions.sources import DATA_DIR

Row = tuple[Any, int | None, str]  # label, published number (None: hidden), shown text

WIDTH = 640


def _svg(title: Any, height: int, body: str, width: int = WIDTH) -> SafeString:
    text = escape(str(title))
    return mark_safe(  # noqa: S308 - every interpolated text is escaped above or below
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{text}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{text}</title>{body}</svg>'
    )


def _lines(label: str, width: int = 34, most: int = 3) -> list[str]:
    """A bar's label in lines of about ``width`` characters (at most ``most``; the full label is in the
    tooltip and the data table)."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][: width - 1].rstrip() + "…"]
    return lines or [""]


def bars(title: Any, rows: Sequence[Row], unit: str = "") -> SafeString:
    """Horizontal bars, one per category; long labels wrap. With ``unit`` "%" the scale is 0 to 100 with
    an axis and the unit on every value; otherwise it runs to the largest value."""
    label_width, bar_width, line_height = 250, WIDTH - 250 - 70, 14
    percent = unit == "%"
    top = 100 if percent else max((n for _l, n, _s in rows if n), default=1)
    top = max(top, max((n for _l, n, _s in rows if n), default=0))  # a share above 100 (progress) still fits
    parts = []
    y = 4
    for label, number, shown in rows:
        lines = _lines(str(label))
        height = max(18, len(lines) * line_height + 4)
        text = "".join(
            f'<tspan x="{label_width - 8}" dy="{0 if k == 0 else line_height}">{escape(part)}</tspan>'
            for k, part in enumerate(lines)
        )
        first = y + 13 + (height - 18 - (len(lines) - 1) * line_height) / 2
        parts.append(
            f'<text x="{label_width - 8}" y="{first:.0f}" text-anchor="end" class="label">'
            f"<title>{escape(str(label))}</title>{text}</text>"
        )
        middle = y + height / 2 - 9
        if number is None:
            parts.append(f'<rect x="{label_width}" y="{middle:.0f}" width="24" height="18" class="hidden"/>')
            parts.append(f'<text x="{label_width + 30}" y="{middle + 14:.0f}" class="value">{escape(shown)}</text>')
        else:
            length = round(bar_width * number / top) if top else 0
            value = f"{number:g}{unit}" if isinstance(number, float) else f"{number}{unit}"
            parts.append(f'<rect x="{label_width}" y="{middle:.0f}" width="{max(length, 1)}" height="18" class="bar"/>')
            parts.append(f'<text x="{label_width + length + 6}" y="{middle + 14:.0f}" class="value">{value}</text>')
        y += height + 8
    if percent:  # the scale: 0, 50 and 100 %
        parts.append(f'<line x1="{label_width}" y1="{y}" x2="{label_width + bar_width}" y2="{y}" class="axis"/>')
        for tick in (0, 50, 100):
            x = label_width + round(bar_width * tick / top)
            parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + 5}" class="axis"/>')
            parts.append(f'<text x="{x}" y="{y + 18}" text-anchor="middle" class="tick">{tick}%</text>')
        y += 22
    return _svg(title, max(y + 4, 30), "".join(parts))


def columns(title: Any, rows: Sequence[Row]) -> SafeString:
    """Vertical columns over time (months)."""
    height, base, step = 220, 190, (WIDTH - 40) / max(len(rows), 1)
    top = max((n for _l, n, _s in rows if n), default=1)
    parts = [f'<line x1="30" y1="{base}" x2="{WIDTH - 10}" y2="{base}" class="axis"/>']
    for k, (label, number, shown) in enumerate(rows):
        x = 34 + k * step
        w = step * 0.7
        parts.append(
            f'<text x="{x + w / 2:.0f}" y="{base + 18}" text-anchor="middle" class="label">{escape(str(label))}</text>'
        )
        if number is None:
            parts.append(f'<rect x="{x:.0f}" y="{base - 20}" width="{w:.0f}" height="20" class="hidden"/>')
            parts.append(
                f'<text x="{x + w / 2:.0f}" y="{base - 26}" text-anchor="middle" class="value">{escape(shown)}</text>'
            )
        else:
            h = round((base - 30) * number / top) if top else 0
            parts.append(f'<rect x="{x:.0f}" y="{base - h}" width="{w:.0f}" height="{max(h, 1)}" class="bar"/>')
            parts.append(
                f'<text x="{x + w / 2:.0f}" y="{base - h - 6}" text-anchor="middle" class="value">{number}</text>'
            )
    return _svg(title, height, "".join(parts))


def pyramid(title: Any, bands: Sequence[Any], female: Sequence[Row], male: Sequence[Row]) -> SafeString:
    """Girls to the left, boys to the right, youngest at the bottom."""
    mid, half, step = WIDTH / 2, WIDTH / 2 - 90, 34
    top = max((n for _l, n, _s in [*female, *male] if n), default=1)
    parts = []
    count = len(bands)
    for k, band in enumerate(bands):
        y = (count - 1 - k) * step + 24
        parts.append(f'<text x="{mid:.0f}" y="{y + 15}" text-anchor="middle" class="label">{escape(str(band))}</text>')
        for side, (_label, number, shown) in ((-1, female[k]), (1, male[k])):
            start = mid + side * 34
            if number is None:
                x = start - 24 if side < 0 else start
                parts.append(f'<rect x="{x:.0f}" y="{y}" width="24" height="20" class="hidden"/>')
                tx = start - 30 if side < 0 else start + 30
                anchor = "end" if side < 0 else "start"
                parts.append(
                    f'<text x="{tx:.0f}" y="{y + 15}" text-anchor="{anchor}" class="value">{escape(shown)}</text>'
                )
                continue
            length = round(half * number / top) if top else 0
            x = start - length if side < 0 else start
            css = "bar female" if side < 0 else "bar male"
            parts.append(f'<rect x="{x:.0f}" y="{y}" width="{max(length, 1)}" height="20" class="{css}"/>')
            tx = x - 6 if side < 0 else x + length + 6
            anchor = "end" if side < 0 else "start"
            parts.append(f'<text x="{tx:.0f}" y="{y + 15}" text-anchor="{anchor}" class="value">{number}</text>')
    return _svg(title, count * step + 30, "".join(parts))


# --- The province map -------------------------------------------------------------------------------

WEST, EAST, NORTH, SOUTH = 94.8, 141.2, 6.2, -11.2
MAP_WIDTH = 900
SCALE = MAP_WIDTH / (EAST - WEST)
MAP_HEIGHT = round((NORTH - SOUTH) * SCALE)
STEPS = 5  # colour classes


@functools.cache
def province_paths() -> dict[str, str]:
    """SVG path data per province code from the bundled boundaries, coarsened to about 5 km."""
    data = json.loads((DATA_DIR / "provinces.geojson").read_text(encoding="utf-8"))
    return {
        str(feature["properties"]["code"]): _path_data(_rings(feature["geometry"]), WEST, NORTH, SCALE, 0)
        for feature in data["features"]
    }


def _path_data(rings: list[list[list[float]]], west: float, north: float, scale: float, margin: int) -> str:
    """Outer rings as SVG path data in whole pixels, dropping points that round onto the previous one."""
    parts = []
    for ring in rings:
        points: list[tuple[int, int]] = []
        for lon, lat in ring:
            point = (round((lon - west) * scale) + margin, round((north - lat) * scale) + margin)
            if not points or point != points[-1]:
                points.append(point)
        if len(points) >= 3:
            parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "Z")
    return "".join(parts)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons]


@functools.cache
def _regency_features() -> dict[str, list[tuple[str, list[list[list[float]]]]]]:
    """Province code -> [(regency code, outer rings)] from the bundled boundaries."""
    data = json.loads((DATA_DIR / "regencies.geojson").read_text(encoding="utf-8"))
    found: dict[str, list[tuple[str, list[list[list[float]]]]]] = {}
    for feature in data["features"]:
        code = str(feature["properties"]["code"])
        found.setdefault(code.split(".")[0], []).append((code, _rings(feature["geometry"])))
    return found


@functools.cache
def regency_paths(province: str) -> tuple[dict[str, str], int, int]:
    """SVG path data per regency of one province, fitted to a 640-wide box; and the box's size."""
    features = _regency_features().get(province, [])
    points = [p for _code, rings in features for ring in rings for p in ring]
    if not points:
        return {}, WIDTH, 1
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    scale = (WIDTH - 10) / max(east - west, 1e-6)
    height = max(round((north - south) * scale) + 10, 40)
    if height > 640:  # a tall province: fit the height instead
        scale, height = 630 / max(north - south, 1e-6), 640
    paths: dict[str, str] = {}
    for code, rings in features:
        paths[code] = _path_data(rings, west, north, scale, 5)
    return paths, WIDTH, height


def regency_map(title: Any, province: str, rows: Sequence[tuple[str, str, str, int | None]]) -> SafeString:
    """A choropleth of one province's regencies and cities (hidden ones grey with a dashed edge)."""
    paths, width, height = regency_paths(province)
    return _choropleth(title, paths, rows, width, height)


def province_map(title: Any, rows: Sequence[tuple[str, str, str, int | None]], current: str = "") -> SafeString:
    """The provinces; ``current`` (a code), the province chosen, is outlined in black."""
    return _choropleth(title, province_paths(), rows, MAP_WIDTH, MAP_HEIGHT, current=current)


def _choropleth(
    title: Any,
    paths: dict[str, str],
    rows: Sequence[tuple[str, str, str, int | None]],
    width: int,
    height: int,
    current: str = "",
) -> SafeString:
    """Darker is more; grey with a dashed edge is hidden; the lightest is none."""
    numbers = sorted({n for _c, _name, _s, n in rows if n})
    top = numbers[-1] if numbers else 1
    parts = []
    for code, name, shown, number in rows:
        if code not in paths:
            continue
        if number is None:
            css = "hidden"
        elif number == 0:
            css = "step0"
        else:
            css = f"step{min(STEPS, max(1, math.ceil(STEPS * math.sqrt(number / top))))}"  # sqrt: small ones differ
        if code == current:  # drawn last, so that its outline lies on top of its neighbours'
            continue
        parts.append(f'<path d="{paths[code]}" class="{css}"><title>{escape(name)}: {escape(shown)}</title></path>')
    for code, name, shown, number in rows:
        if code == current and code in paths:
            css = "hidden" if number is None else ("step0" if number == 0 else
                  f"step{min(STEPS, max(1, math.ceil(STEPS * math.sqrt(number / top))))}")  # fmt: skip
            parts.append(
                f'<path d="{paths[code]}" class="{css} current" aria-current="true">'
                f"<title>{escape(name)}: {escape(shown)}</title></path>"
            )
    return _svg(title, height, "".join(parts), width=width)
