from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from jaga.regions.models import Region
from jaga.regions.services import regions_load
from jaga.regions.sources import RegionRecord, read_regions

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_regions() -> None:
    """The test database holds the regions from the start (conftest); these tests load them themselves."""
    Region.objects.filter(parent__isnull=False).delete()  # regencies first: a province protects its own
    Region.objects.all().delete()


def test_it_loads_38_provinces_and_514_regencies_from_the_bundled_source(no_regions: None) -> None:
    out = StringIO()
    call_command("regions", "load", stdout=out)
    assert "552 created" in out.getvalue()
    assert "Kepmendagri No 300.2.2-2430 Tahun 2025" in out.getvalue()
    assert Region.objects.filter(level="province").count() == 38
    assert Region.objects.filter(level="regency").count() == 514
    jakarta_pusat = Region.objects.get(code="31.71")
    assert jakarta_pusat.parent_id == "31" and "Jakarta Pusat" in jakarta_pusat.name
    assert Region.objects.get(code="96").name  # Papua Barat Daya, the newest province


def test_loading_again_changes_nothing(no_regions: None) -> None:
    call_command("regions", "load", stdout=StringIO())
    out = StringIO()
    call_command("regions", "load", stdout=out)
    assert "0 created, 0 updated, 552 unchanged" in out.getvalue()


def test_a_broken_source_loads_nothing(no_regions: None) -> None:
    records = [*read_regions()[:3], RegionRecord("99.01", "Nowhere", "regency", "99")]
    with pytest.raises(ValueError, match=r"99\.01: parent 99"):
        regions_load(records=records)
    assert not Region.objects.exists()


def test_the_api_lists_regions_by_level_and_parent(anonymous: Client, regions: None) -> None:
    provinces = anonymous.get("/api/v1/regions/?level=province").json()
    assert len(provinces) == 38 and provinces[0] == {
        "code": "11",
        "name": "Aceh",
        "level": "province",
        "parent": None,
    }
    bali = anonymous.get("/api/v1/regions/?level=regency&parent=51").json()
    assert len(bali) == 9
    assert all(region["code"].startswith("51.") for region in bali)


def test_the_api_explains_bad_filters(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/api/v1/regions/?level=village&parent=x", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"level": ["Use province or regency."], "parent": ["A province code such as 31."]}
    unknown = anonymous.get("/api/v1/regions/?parent=00", HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "No region has the code 00."}


def test_the_api_is_read_only(anonymous: Client, regions: None) -> None:
    assert anonymous.post("/api/v1/regions/", {}).status_code == 405
