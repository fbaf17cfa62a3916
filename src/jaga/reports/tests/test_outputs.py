"""The report's files as a reader gets them: the PDF's text and pages, the HTML edition, the data package;
no planted name anywhere and no count of people from 1 to 4; the command line."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jaga.accounts.models import User
from jaga.reports import render
from jaga.reports.content import Scope, build
from jaga.reports.tests.conftest import PLANTED

pytestmark = pytest.mark.django_db


def small_cells(content: dict[str, Any]) -> list[str]:
    """Every published count of people from 1 to 4 (there must be none)."""
    found = []
    for section in content["sections"]:
        for block in section["blocks"]:
            if not block["persons"]:
                continue
            for row in block["rows"]:
                found += [f"{block['title']}: {row[0]} = {c}" for c in row[1:] if c.isdigit() and 0 < int(c) < 5]
            if block["total"].isdigit() and 0 < int(block["total"]) < 5:
                found.append(f"{block['title']}: total = {block['total']}")
        for label, value in section["figures"]:
            if label in ("Anak", "Kasus", "Laporan", "Orang yang dilatih") and value.isdigit() and 0 < int(value) < 5:
                found.append(f"{section['title']}: {label} = {value}")
    return found


@pytest.mark.parametrize(
    "scope",
    [
        Scope("national"),
        Scope("province", province="51", name="Bali"),
        Scope("province", province="31", name="DKI Jakarta"),
    ],
)
def test_every_count_of_people_passes_disclosure_control(registry: dict[str, Any], scope: Scope) -> None:
    content = build(scope, 2025, "id")
    assert [s["key"] for s in content["sections"]][:3] == ["cases", "services", "legal"]
    assert small_cells(content) == []
    shown = {cell for s in content["sections"] for b in s["blocks"] for row in b["rows"] for cell in row[1:]}
    assert "<5" in shown, "the small cells are there, hidden"


def test_an_organisations_report_counts_its_own_cases(registry: dict[str, Any], orgs: dict[str, Any]) -> None:
    content = build(Scope("organisation", organisation_id=orgs["jakarta"].pk, name="Jakarta"), 2025, "en")
    keys = [s["key"] for s in content["sections"]]
    assert "hotline" not in keys and "results" not in keys, "national programmes are not an organisation's"
    assert content["sections"][0]["figures"][0][1] == "12" and small_cells(content) == []


def test_the_pdf_the_html_and_the_data_read_well_and_name_nobody(registry: dict[str, Any], tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    import pypdf

    content = build(Scope("national"), 2025, "id")
    narrative = {"foreword": {"id": "Kata pengantar laporan uji.\n\nParagraf kedua."}}
    page = render.html(content, narrative=narrative, lang="id", state="published", extra={"version": 1})
    pdf = pypdf.PdfReader(io.BytesIO(render.pdf(page)))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) >= 10, "a cover, the contents, a page per section"
    for title in ("Daftar isi", "Kata pengantar", "Angka dalam setahun", "Hotline", "Catatan metode"):
        assert title in text, title
    assert re.search(r"Angka dalam setahun\s*\.+\s*\d+", text), "the contents give page numbers"
    assert "1 / " in text or f"/ {len(pdf.pages)}" in text, "pages are numbered"
    assert "/StructTreeRoot" in pdf.trailer["/Root"], "a tagged PDF (PDF/UA): its structure for screen readers"
    html = page
    assert '<html lang="id">' in html and html.count("<svg") >= 5 and html.count("<caption>") >= 10
    data = render.datapackage(content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
        csvs = " ".join(archive.read(n).decode() for n in archive.namelist())
    frictionless = shutil.which("frictionless", path=str(Path(sys.executable).parent)) or "frictionless"
    checked = subprocess.run(
        [frictionless, "validate", str(tmp_path / "datapackage.json")], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout[-2000:]
    for name in PLANTED:
        for part in name.split()[:2]:
            assert part not in text and part not in html and part not in csvs, f"{part} is published"


def test_the_command_writes_the_three_files(registry: dict[str, Any], tmp_path: Path) -> None:
    call_command("report", "annual", "--year", "2025", "--province", "31", "--lang", "en", "--out", str(tmp_path))
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "Annual report 2025" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "datapackage.json").exists() and list((tmp_path / "data").glob("*.csv"))
    with pytest.raises(CommandError, match="no province"):
        call_command("report", "annual", "--year", "2025", "--province", "99", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="no organisation"):
        call_command("report", "annual", "--year", "2025", "--organisation", "Tidak Ada", "--out", str(tmp_path))


def test_a_past_year_is_given_as_its_published_edition_gave_it(
    registry: dict[str, Any], analyst_national: User, head: User
) -> None:
    """Late registrations change last year's count; the report keeps the figure last year's edition
    published, so the two editions cannot be subtracted to reveal the late cases."""
    from datetime import date

    from jaga.cases.services import cases_bulk_register
    from jaga.factories import case_input
    from jaga.reports import services
    from jaga.stats.aggregates import stats_refresh

    older = services.report_create(actor=analyst_national, year=2024, scope="national")
    services.report_submit(actor=analyst_national, report=older)
    services.report_approve(actor=head, report=older)
    services.report_publish(actor=head, report=older, background=False)
    older.refresh_from_db()
    published = older.content["id"]["sections"][0]["figures"][0][1]
    cases_bulk_register(
        actor=registry["caseworker"],
        inputs=[
            case_input(registered_on=date(2024, 12, 1), child={"nik": "", "full_name": f"Terlambat {k}"})
            for k in range(5)
        ],
    )
    stats_refresh()
    current = services.report_create(actor=analyst_national, year=2025, scope="national")
    trend = next(b for b in services.content_of(current, "id")["sections"][0]["blocks"] if b["key"] == "trend")
    assert dict((row[0], row[1]) for row in trend["rows"])["2024"] == published


def test_the_demo_years_report_names_nobody_and_hides_every_small_cell(regions: None) -> None:
    """The report a visitor of `make run` publishes: generated over the demo data, in both languages, its
    PDF text and HTML hold no child's, reporter's or staff member's name, and no count of people 1 to 4."""
    import pypdf
    from django.utils import timezone

    from jaga.accounts.models import User
    from jaga.cases.models import Child
    from jaga.synth.demo import demo_seed

    demo_seed(password="demo-pass-12345", cases=400)
    year = timezone.localdate().year - 1
    names = {name for name in Child.objects.values_list("full_name", flat=True) if " " in name}
    names |= {name for name in Child.objects.values_list("guardian_name", flat=True) if name}
    names |= set(User.objects.values_list("full_name", flat=True))
    assert len(names) > 300
    for lang in ("id", "en"):
        content = build(Scope("national"), year, lang)
        assert small_cells(content) == []
        page = render.html(content, narrative={}, lang=lang, state="approved", extra={"version": 1})
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render.pdf(page))).pages)
        with zipfile.ZipFile(io.BytesIO(render.datapackage(content))) as archive:
            data = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist())
        leaked = [name for name in names if name in page or name in text or name in data]
        assert leaked == [], leaked[:5]
        assert len(content["sections"]) == 11, "every section, research included"
