"""An edition's content rendered: the accessible HTML edition, the A4 PDF made from that same HTML by
WeasyPrint (vector charts, contents with page numbers, tagged PDF/UA), and the tables as a Frictionless
data package. One source: ``content.build`` (or the figures frozen at approval) -> these three files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jaga.core.pdf import html_to_pdf
from jaga.stats import charts

# The charts' look, inside each SVG: the PDF and a saved HTML file have no site stylesheet.
CHART_CSS = (
    ".bar{fill:#197a73}.bar.female{fill:#8a3b76}.bar.male{fill:#1f5f99}"
    ".hidden{fill:#eef1f4;stroke:#5b6770;stroke-dasharray:3 2}"
    ".label,.value,.tick{font-size:12px;fill:#1d2a33;font-family:'DejaVu Sans',sans-serif}"
    ".axis{stroke:#9aa5ad}path{stroke:#fff;stroke-width:.6}path.step0{fill:#f2f5f5}path.step1{fill:#c9e4e2}"
    "path.step2{fill:#93c7c3}path.step3{fill:#56a29c}path.step4{fill:#197a73}path.step5{fill:#074442}"
    "path.hidden{fill:#eef1f4;stroke:#5b6770;stroke-dasharray:3 2}"
)


def missing() -> list[str]:
    """What a cell reads where no number is published: hidden ("<5", "x"), too few ("…"), none ("—")."""
    return [f"<{settings.JAGA_STATS_THRESHOLD}", "x", "…", "—"]


def _styled(svg: str) -> SafeString:
    return mark_safe(svg.replace("</title>", f"</title><style>{CHART_CSS}</style>", 1))  # noqa: S308 - our own SVG


def chart(item: dict[str, Any]) -> SafeString | None:
    """The chart of one block, drawn from the published figures only (a hidden count is an outline)."""
    kind, title = item.get("chart"), item["title"]
    rows = [(row[0], n, row[1]) for row, n in zip(item["rows"], item["numbers"], strict=True)]
    if kind == "bars":
        drawn = charts.bars(title, rows, unit=item.get("unit", ""))
    elif kind == "columns":
        drawn = charts.columns(title, rows)
    elif kind == "pyramid":
        series = item["series"]
        female = [(row[0], n, row[1]) for row, n in zip(item["rows"], series["female"], strict=True)]
        male = [(row[0], n, row[2]) for row, n in zip(item["rows"], series["male"], strict=True)]
        drawn = charts.pyramid(title, [row[0] for row in item["rows"]], female, male)
    elif kind == "province_map":
        drawn = charts.province_map(
            title, [(c, r[0], r[1], n) for c, r, n in zip(item["codes"], item["rows"], item["numbers"], strict=True)]
        )
    elif kind == "regency_map":
        codes = item["codes"]
        province = codes[0].split(".")[0] if codes else ""
        drawn = charts.regency_map(
            title, province, [(c, r[0], r[1], n) for c, r, n in zip(codes, item["rows"], item["numbers"], strict=True)]
        )
    else:
        return None
    return _styled(drawn)


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def html(content: dict[str, Any], *, narrative: dict[str, Any], lang: str, state: str, extra: dict[str, Any]) -> str:
    """The HTML edition: one file, no outside resource, readable on a screen and printed by WeasyPrint."""
    sections = []
    for item in content["sections"]:
        commentary = narrative.get(f"section:{item['key']}", {})
        sections.append(
            {
                **item,
                "commentary": paragraphs(commentary.get(lang, "") if isinstance(commentary, dict) else ""),
                "blocks": [{**b, "svg": chart(b)} for b in item["blocks"]],
            }
        )

    def text(key: str) -> list[str]:
        value = narrative.get(key, {})
        return paragraphs(value.get(lang, "") if isinstance(value, dict) else "")

    with translation.override(lang):
        return render_to_string(
            "reports/edition.html",
            {
                "meta": content["meta"],
                "sections": sections,
                "foreword": text("foreword"),
                "messages": text("messages"),
                "draft": state not in ("approved", "published", "superseded"),
                "lang": lang,
                **extra,
            },
        )


def pdf(page: str) -> bytes:
    """The print edition: A4, from the HTML edition, tagged for screen readers (PDF/UA) where WeasyPrint can."""
    return html_to_pdf(page)


def _column_type(values: list[str]) -> str:
    return "integer" if values and all(v.isdigit() or v in missing() for v in values) else "string"


def datapackage(content: dict[str, Any]) -> bytes:
    """The tables as a Frictionless data package (datapackage.json and one CSV per table) in a ZIP."""
    meta = content["meta"]
    with translation.override(meta["lang"]):
        return _package(content, meta)


def _package(content: dict[str, Any], meta: dict[str, Any]) -> bytes:
    resources = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in content["sections"]:
            for table in item["blocks"]:
                name = f"{item['key']}-{table['key']}".replace("_", "-")
                header = [table["title"] or item["title"], *table["header"]]
                rows = [*table["rows"], *([[str(_("Total")), table["total"]]] if table["total"] else [])]
                names: list[str] = []
                for title in header:  # unique column names, as a table schema needs
                    names.append(title if title not in names else f"{title} ({len(names) + 1})")
                out = io.StringIO()
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(names)
                writer.writerows(rows)
                archive.writestr(f"data/{name}.csv", out.getvalue())
                fields = [{"name": names[0], "type": "string"}]
                for k, title in enumerate(names[1:], start=1):
                    values = [str(row[k]) for row in rows if k < len(row)]
                    fields.append({"name": title, "type": _column_type(values)})
                resources.append(
                    {
                        "name": name,
                        "title": f"{item['title']}: {table['title']}",
                        "path": f"data/{name}.csv",
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "schema": {"fields": fields, "missingValues": ["", *missing()]},
                    }
                )
        package = {
            "name": "-".join(filter(None, ["jaga-annual-report", str(meta["year"]), meta["scope"], meta["province"]])),
            "title": f"{meta['title']}: {meta['scope_name']}",
            "description": meta["subtitle"],
            "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
            "created": meta["built_at"],
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=1))
    return buffer.getvalue()


def style_hashes(page: str) -> list[str]:
    """CSP sources allowing each <style> block of ``page`` (the edition's and its charts')."""
    import base64

    return sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"
            for css in re.findall(r"<style>(.*?)</style>", page, flags=re.S)
        }
    )


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the frozen figures' canonical JSON: printed in every file of the edition."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
