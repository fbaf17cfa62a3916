"""Every rule a report must meet, field by field and all at once (the form and the API answer with
them: test_hotline.py), and the urgency a report carries from what the reporter said."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jaga.hotline.models import Flag
from jaga.hotline.services import MAX_URLS, ReportInput, flags_for, urgency_of, validate_report

pytestmark = pytest.mark.django_db

STORY = "Anak-anak ditawarkan kepada tamu di sebuah penginapan (laporan uji)."
TODAY = date(2026, 12, 4)


def problems(**fields: Any) -> set[str]:
    data = {"description": STORY, "forms": ["other"], **fields}
    try:
        validate_report(ReportInput(**data), today=TODAY)
    except ValidationError as exc:
        return set(exc.message_dict)
    return set()


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ({"description": "   "}, {"description"}),
        ({"description": "x" * 5001}, {"description"}),
        ({"forms": []}, {"forms"}),
        ({"forms": ["cooking"]}, {"forms"}),
        ({"regency_code": "99.99"}, {"regency_code"}),
        ({"place_type": "castle"}, {"place_type"}),
        ({"occurred_on": TODAY + timedelta(days=1)}, {"occurred_on"}),
        ({"child_age": 18}, {"child_age"}),
        ({"child_age": -1}, {"child_age"}),
        ({"child_sex": "x"}, {"child_sex"}),
        ({"platform": "p" * 101}, {"platform"}),
        ({"contact": "c" * 501}, {"contact"}),
        ({"urls": ["https://contoh.example/a"] * (MAX_URLS + 1)}, {"urls"}),
        ({"urls": ["bukan alamat"]}, {"urls"}),
        ({"forms": ["online"]}, {"urls"}),  # online needs an address or at least the platform
        ({"description": "", "child_age": 30, "regency_code": "00.00"}, {"description", "child_age", "regency_code"}),
    ],
)
def test_each_rule_names_its_field_and_all_are_reported_together(fields: dict[str, Any], refused: set[str]) -> None:
    assert problems(**fields) == refused


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"forms": ["online"], "platform": "Instagram"},
        {"forms": ["online"], "urls": ["HTTPS://Contoh.Example/a?utm_source=x"]},
        {"child_age": 0, "occurred_on": TODAY, "regency_code": "51.71", "place_type": "lodging"},
    ],
)
def test_a_good_report_passes(fields: dict[str, Any]) -> None:
    assert problems(**fields) == set()


def test_the_same_address_twice_is_kept_once() -> None:
    urls = ["https://contoh.example/a", "https://CONTOH.example/a#top", "https://contoh.example/b"]
    kept = validate_report(ReportInput(description=STORY, forms=["online"], urls=urls), today=TODAY)
    assert len(kept) == 2


def test_urgency_comes_from_what_the_reporter_said() -> None:
    danger = ReportInput(description=STORY, forms=["online"], in_danger=True, child_age=8)
    live = ReportInput(description="Siaran langsung seorang anak sekarang (uji).", forms=["online"])
    calm = ReportInput(description=STORY, forms=["other"], child_age=15)
    assert set(flags_for(danger)) == {Flag.IN_DANGER, Flag.VERY_YOUNG}
    assert Flag.LIVE in flags_for(live), "a live stream named in the words counts as live"
    assert flags_for(calm) == [] and urgency_of([]) == 0
    assert urgency_of(flags_for(danger)) > urgency_of([Flag.LIVE]) > urgency_of([Flag.TRAFFICKING])
