"""The media-monitoring register as researchers use it: record, refuse what would identify or repeat,
group what several outlets reported, import all or nothing, and publish incidents as their own measure."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.research.incidents import IncidentInput, incident_record
from jaga.research.models import Incident

pytestmark = pytest.mark.django_db


def example(**overrides: Any) -> IncidentInput:
    values: dict[str, Any] = {
        "summary": "Dua anak ditawarkan melalui aplikasi pesan di sebuah penginapan (uji).",
        "region_code": "51.71",
        "forms": ["prostitution"],
        "outlet": "Harian Uji",
        "published_on": date(2025, 3, 4),
        "url": "https://berita.example/2025/03/04/uji?utm_source=x",
        "incident_on": date(2025, 3, 1),
        "children": {"15-17|female": 2},
        **overrides,
    }
    return IncidentInput(**values)


def test_an_incident_is_recorded_from_the_page_and_bad_input_is_named(
    programme_officer: User, login_client: Callable[..., Client]
) -> None:
    client = login_client(programme_officer)
    page = client.get("/research/incidents/new/")
    assert page.status_code == 200 and "Anak dalam laporan" in page.content.decode()
    bad = client.post(
        "/research/incidents/new/",
        {
            "summary": "Anak dengan NIK 5171044508120003 dieksploitasi",
            "outlet": "Harian Uji",
            "published_on": "2025-03-04",
            "incident_on": "2025-03-09",
            "region_code": "51.71",
            "forms": ["online"],
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and Incident.objects.count() == 0
    assert "NIK" in text and "tidak dapat terjadi setelah laporannya" in text and "Berapa anak" in text
    good = client.post(
        "/research/incidents/new/",
        {
            "summary": "Dua anak ditawarkan melalui aplikasi pesan (uji).",
            "outlet": "Harian Uji",
            "url": "berita.example/a",
            "published_on": "2025-03-04",
            "region_code": "51.71",
            "forms": ["online"],
            "children_15_17_female": "2",
        },
    )
    assert good.status_code == 302
    incident = Incident.objects.get()
    assert incident.children == {"15-17|female": 2} and incident.year == 2025
    assert "Harian Uji" in client.get(good["Location"]).content.decode()


def test_the_same_article_is_refused_and_another_outlet_is_grouped(programme_officer: User) -> None:
    from django.core.exceptions import ValidationError

    from jaga.research.incident_stats import figures
    from jaga.research.incidents import incident_ungroup

    first = incident_record(actor=programme_officer, data=example())
    with pytest.raises(ValidationError, match="sudah dicatat"):
        incident_record(actor=programme_officer, data=example(url="https://BERITA.example/2025/03/04/uji#top"))
    second = incident_record(
        actor=programme_officer,
        data=example(outlet="Warta Lain", url="https://warta.example/1", published_on=date(2025, 3, 5)),
    )
    assert second.same_as == first, "same regency, dates within a week, same forms and children"
    other = incident_record(actor=programme_officer, data=example(url="", children={"10-14|male": 1}))
    assert other.same_as is None, "other facts: another incident"
    assert figures(2025)["incidents"] == 2
    incident_ungroup(actor=programme_officer, incident=second)
    assert figures(2025)["incidents"] == 3


def test_the_list_pages_newest_first_and_shows_every_incident_once(
    programme_officer: User, login_client: Callable[..., Client]
) -> None:
    # 51 incidents, one page of 50 and one more: years in no order, so that the order shown is the list's
    # own (the outlets are counted per incident, a query that drops the model's ordering).
    for n in range(51):
        year = 2015 + (n * 7) % 11
        incident_record(
            actor=programme_officer,
            data=example(url=f"https://berita.example/{n}", incident_on=date(year, 1 + n % 12, 1),
                         published_on=date(year, 12, 28), children={"15-17|female": 1 + n}),
        )  # fmt: skip
    client = login_client(programme_officer)
    shown = []
    for number in (1, 2):
        text = client.get(f"/research/incidents/?page={number}").content.decode()
        shown += re.findall(r'href="/research/incidents/([0-9a-f-]{36})/"', text)
    assert sorted(shown) == sorted(str(pk) for pk in Incident.objects.values_list("pk", flat=True))
    order = list(Incident.objects.filter(pk__in=shown).values_list("pk", "year", "incident_on"))
    by_pk = {str(pk): (year, day) for pk, year, day in order}
    assert [by_pk[pk] for pk in shown] == sorted(by_pk.values(), reverse=True), "newest first, on every page"


def test_an_import_is_all_or_nothing_with_every_error_by_row_and_column(
    researcher: User, login_client: Callable[..., Client]
) -> None:
    from jaga.research.incident_imports import COLUMNS

    client = login_client(researcher)
    template = client.get("/research/incidents/import/?template=csv")
    assert template.status_code == 200 and template.content.decode("utf-8-sig").startswith(",".join(COLUMNS[:3]))

    def csv(rows: list[str]) -> io.BytesIO:
        head = "summary,region_code,forms,outlet,published_on,incident_date,url,female_15_17,male_10_14"
        upload = io.BytesIO("\n".join([head, *rows]).encode())
        upload.name = "insiden.csv"
        return upload

    good_rows = [
        "Anak ditawarkan lewat aplikasi (uji),51.71,online,Harian A,2025-02-01,2025-01-30,https://a.example/1,1,",
        "Anak direkrut kerja palsu (uji),31.71,trafficking,Harian B,2025-05-02,,https://b.example/2,,2",
        "Anak ditawarkan lewat aplikasi (uji),51.71,online,Harian C,2025-02-02,2025-01-30,https://c.example/3,1,",
    ]
    bad = client.post("/research/incidents/import/", {"file": csv([*good_rows, "x,99.99,flying,,2025-13-01,,,a,"])})
    text = bad.content.decode()
    assert bad.status_code == 400 and Incident.objects.count() == 0, "nothing of a file with a bad row"
    for column in ("region_code", "forms", "outlet", "published_on", "female_15_17"):
        assert f"Baris 5, {column}" in text, column
    done = client.post("/research/incidents/import/", {"file": csv(good_rows)})
    assert done.status_code == 302 and Incident.objects.count() == 3
    assert Incident.objects.filter(same_as__isnull=False).count() == 1, "rows 1 and 3: one incident, two outlets"
    again = client.post("/research/incidents/import/", {"file": csv(good_rows[:1])})
    assert again.status_code == 400 and "sudah dicatat" in again.content.decode()
    missing = client.post("/research/incidents/import/", {"file": io.BytesIO(b"summary,outlet\nx,y\n")})
    assert missing.status_code == 400 and "region_code" in missing.content.decode()


def test_incidents_are_their_own_measure_in_the_statistics_and_the_api(
    programme_officer: User, caseworker_jakarta: User, anonymous: Client, login_client: Callable[..., Client]
) -> None:
    from jaga.cases.services import cases_bulk_register
    from jaga.factories import case_input
    from jaga.stats.aggregates import stats_refresh

    cases_bulk_register(
        actor=caseworker_jakarta,
        inputs=[case_input(registered_on=date(2025, 4, 1), child={"nik": ""}) for _ in range(6)],
    )
    for k in range(7):
        incident_record(
            actor=programme_officer,
            data=example(
                url=f"https://x.example/{k}",
                region_code="31.71",
                incident_on=date(2025, 1 + k, 1),
                published_on=date(2025, 1 + k, 3),
            ),
        )
    for k in range(5):
        incident_record(
            actor=programme_officer,
            data=example(
                url=f"https://z.example/{k}",
                region_code="35.78",
                incident_on=date(2025, 1 + k, 1),
                published_on=date(2025, 1 + k, 3),
            ),
        )
    incident_record(actor=programme_officer, data=example(url="https://y.example/bali"))
    stats_refresh()
    page = anonymous.get("/statistik/?year=2025").content.decode()
    assert "Insiden yang diberitakan media" in page and "tidak pernah ditambahkan" in page
    assert "6 kasus tercatat pada 2025" in page, "the cases are not added to"
    body = anonymous.get("/api/v1/stats/dashboard/?year=2025").json()
    media = body["other_measures"][0]
    provinces = {row["label"]: row["shown"] for row in media["tables"][0]["rows"]}
    assert provinces["Bali"] == "<5" and provinces["Jawa Timur"] == "x", "one incident hidden, with a complement"
    assert provinces["Daerah Khusus Ibukota Jakarta"] == "7" and media["tables"][0]["total"] == "13"
    assert body["total"] == "6", "the cases are counted apart"
    api = login_client(programme_officer)
    assert len(api.get("/api/v1/research/incidents/?year=2025&province=31").json()) == 7
    assert api.get("/api/v1/research/incidents/?year=25").status_code == 400
    assert login_client(caseworker_jakarta).get("/api/v1/research/incidents/").status_code == 403
