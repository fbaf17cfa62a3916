"""Every endpoint that filters by year answers a malformed year the same way: a 400 naming ``year``."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

FULL_WIDTH_2025 = "\uff12\uff10\uff12\uff15"  # str.isdigit() says yes, int() reads 2025


@pytest.mark.parametrize("path", ["/api/v1/stats/dashboard/", "/api/v1/reports/"])
@pytest.mark.parametrize("year", ["25", "20266", "abcd", "", FULL_WIDTH_2025])
def test_a_malformed_year_is_a_400_naming_the_parameter(anonymous: Client, path: str, year: str) -> None:
    response = anonymous.get(path, {"year": year})
    assert response.status_code == 400, response.content
    assert response.json()["year"] == "A year is four digits, e.g. 2026."
