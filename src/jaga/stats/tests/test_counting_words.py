"""The public statistics say what they count (issue: annual report, point 6): "children" once linkage has
placed the records, "cases" before, the same word in the heading, the text, the tables and the API; a
table that adds up to more than the year's total says why; the province chosen is outlined on the map."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from jaga.cases.models import Case
from jaga.stats.aggregates import stats_refresh

pytestmark = pytest.mark.django_db


def link(first: Case, second: Case) -> None:
    """The two records as one child, as a finished linkage run leaves them."""
    from jaga.linkage.models import ClusterMember, LinkageRun

    run = LinkageRun.objects.create(match_threshold=0.9, review_threshold=0.5, state="done")
    ClusterMember.objects.bulk_create([ClusterMember(case=case, cluster=first.pk, run=run) for case in (first, second)])


def test_before_linkage_the_figures_are_cases_and_after_it_children(figures: Any, anonymous: Client) -> None:
    page = anonymous.get("/statistik/?year=2025").content.decode()
    assert "kasus tercatat pada 2025" in page and "Kasus menurut provinsi" in page
    assert anonymous.get("/api/v1/stats/dashboard/?year=2025").json()["counting"] == "cases"

    jakarta = figures["jakarta"]
    Case.objects.filter(pk=jakarta[1].pk).update(registered_on=date(2025, 2, 14))  # another month
    link(jakarta[0], jakarta[1])
    stats_refresh()
    body = anonymous.get("/api/v1/stats/dashboard/?year=2025").json()
    assert body["counting"] == "children" and body["total"] == "51", "two records, one child"
    months = body["months"]
    assert months["total"] == "52" and "51" in months["note"], "the months add up to more: said, with why"
    page = anonymous.get("/statistik/?year=2025&province=31").content.decode()
    assert "anak tercatat pada 2025" in page and "Anak menurut provinsi" in page and "kasus tercatat" not in page
    assert 'class="step5 current"' in page or ' current" aria-current="true"' in page, "Jakarta outlined"
    assert "Bergaris hitam: Daerah Khusus Ibukota Jakarta." in page
    assert "menjumlahkan 38, bukan 37" in page, "Jakarta's months: 38 records of 37 children"
    assert "menjumlahkan 52, bukan 51" in anonymous.get("/statistik/?year=2025").content.decode()
