"""The results framework's rules (the page: test_results.py): a target needs a baseline, a percentage
stays a percentage, a year is not before the baseline, a target is national or a province's; targets
per province do not mix with national ones; only programme officers set them, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.factories import CaseFactory
from jaga.programs.results.models import Indicator, IndicatorTarget
from jaga.programs.results.services import baseline_set, framework, target_set
from jaga.regions.models import Region

pytestmark = pytest.mark.django_db
Measure = Indicator.Measure


def test_a_target_waits_for_its_baseline_and_keeps_to_its_kind(programme_officer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        target_set(actor=programme_officer, measure=Measure.SHARE_REFERRED, year=2026, province=None, target=80)
    assert "measure" in refused.value.message_dict
    baseline_set(actor=programme_officer, measure=Measure.SHARE_REFERRED, baseline=40, baseline_year=2025)
    with pytest.raises(ValidationError) as refused:
        target_set(
            actor=programme_officer,
            measure=Measure.SHARE_REFERRED,
            year=2024,
            province=Region.objects.get(code="51.71"),
            target=120,
        )
    assert set(refused.value.message_dict) == {"target", "year", "province"}, "every problem at once"
    with pytest.raises(ValidationError):
        baseline_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, baseline=-1, baseline_year=2025)
    assert not IndicatorTarget.objects.exists() and Indicator.objects.count() == 1


def test_national_and_provincial_targets_are_apart_and_setting_again_replaces(programme_officer: User) -> None:
    baseline_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, baseline=100, baseline_year=2025)
    bali = Region.objects.get(code="51")
    target_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, year=2026, province=None, target=200)
    target_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, year=2026, province=bali, target=20)
    target_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, year=2026, province=bali, target=25)
    assert IndicatorTarget.objects.count() == 2
    national = {row.indicator.measure: row.target for row in framework(2026)}
    provincial = {row.indicator.measure: row.target for row in framework(2026, "51")}
    assert national[Measure.CASES_REGISTERED] == 200 and provincial[Measure.CASES_REGISTERED] == 25
    rows = AuditEvent.objects.filter(action="programs.results.target_set").order_by("seq")
    assert [row.details["target"] for row in rows] == ["200", "20", "25"]


def test_progress_is_the_actual_as_a_share_of_the_target(programme_officer: User, caseworker_jakarta: User) -> None:
    from datetime import date

    for n in range(3):
        CaseFactory.create(actor=caseworker_jakarta, registered_on=date(2026, 2, 1 + n), child={"nik": ""})
    baseline_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, baseline=0, baseline_year=2025)
    target_set(actor=programme_officer, measure=Measure.CASES_REGISTERED, year=2026, province=None, target=12)
    row = next(r for r in framework(2026) if r.indicator.measure == Measure.CASES_REGISTERED)
    assert (row.actual, row.target, row.progress) == (3, 12, 25)


def test_only_programme_officers_set_the_framework(caseworker_jakarta: User) -> None:
    with pytest.raises(PermissionDenied):
        baseline_set(actor=caseworker_jakarta, measure=Measure.CASES_REGISTERED, baseline=1, baseline_year=2025)
    assert not Indicator.objects.exists()
