"""The results framework: each indicator's baseline and targets, and its actual value computed from the data.

Actuals are computed for a calendar year, nationally or for one province (a record counts in the
province of its regency). Targets are set per year, nationally and optionally per province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.programs.access import require_manager
from jaga.programs.advocacy.models import Stage, StageChange
from jaga.programs.campaigns.models import CampaignActivity
from jaga.programs.code.models import CodeCriterion, CodeMember, CriterionProgress
from jaga.programs.partners.models import Programme
from jaga.programs.results.models import Indicator, IndicatorTarget
from jaga.programs.training.models import Audience, Certificate, Participant
from jaga.programs.training.selectors import gain
from jaga.regions.models import Region

Measure = Indicator.Measure
PERCENT = {Measure.SHARE_REFERRED, Measure.KNOWLEDGE_GAIN}


def _in(path: str, province: str) -> Q:
    """Records whose region (``path``: a province, or a regency under it) is in ``province``."""
    if not province:
        return Q()
    return Q(**{f"{path}__code": province}) | Q(**{f"{path}__code__startswith": f"{province}."})


def actual(measure: str, year: int, province: str = "") -> float | None:
    """The indicator's value in ``year``, nationally or in one province; None where it cannot be computed."""
    if measure in (Measure.CASES_REGISTERED, Measure.SHARE_REFERRED):
        from jaga.stats.aggregates import eligible_cases

        cases = eligible_cases().filter(_in("exploitation_regency", province), registered_on__year=year)
        total = cases.count()
        if measure == Measure.CASES_REGISTERED:
            return total
        referred = cases.filter(Q(referrals__isnull=False) | Q(services__isnull=False)).distinct().count()
        return round(100 * referred / total, 1) if total else None
    if measure == Measure.ASKS_ADOPTED:
        changes = StageChange.objects.filter(
            _in("ask__region", province),
            to_stage__in=[Stage.ADOPTED, Stage.IMPLEMENTED],
            changed_on__year=year,
        )
        return changes.values("ask").distinct().count()
    participants = Participant.objects.filter(_in("session__region", province), session__starts_on__year=year)
    if measure == Measure.PROFESSIONALS_TRAINED:
        return participants.filter(attended=True).count()
    if measure == Measure.KNOWLEDGE_GAIN:
        return gain(participants).mean_gain
    if measure == Measure.COMPANIES_ALL_SIX:
        met = CriterionProgress.objects.filter(
            status=CriterionProgress.Status.MET,
            evidence_on__year__lte=year,
            member__status=CodeMember.Status.MEMBER,
        ).filter(_in("member__organisation__jurisdiction", province))
        return met.values("member").annotate(met=Count("id")).filter(met=len(CodeCriterion)).count()
    if measure == Measure.TEACHERS_CERTIFIED:
        certified = Certificate.objects.filter(
            _in("participant__session__region", province),
            revoked_at=None,
            issued_at__year=year,
            participant__session__module__audience=Audience.TEACHERS,
        )
        return certified.count()
    if measure in settings.JAGA_RESULT_MEASURES:  # counted by an app above programmes (online lessons)
        return import_string(settings.JAGA_RESULT_MEASURES[measure])(year, province)
    if measure == Measure.CAMPAIGN_REACH:
        reach = CampaignActivity.objects.filter(_in("region", province), held_on__year=year).aggregate(
            n=Sum(F("girls") + F("boys") + F("women") + F("men"))
        )
        return reach["n"] or 0
    raise ValueError(measure)


@dataclass
class Row:
    indicator: Indicator
    label: Any
    programme: Any
    target: float | None
    actual: float | None
    progress: int | None  # actual as a share of the target, in %

    @property
    def percent(self) -> bool:
        return self.indicator.measure in PERCENT


def framework(year: int, province: str = "") -> list[Row]:
    """Every indicator with its target and actual for the year (and province), grouped by programme."""
    targets = {
        t.indicator_id: t.target for t in IndicatorTarget.objects.filter(year=year, province_id=province or None)
    }
    programmes = dict(Programme.choices)
    order = list(programmes)
    rows = []
    for indicator in sorted(Indicator.objects.all(), key=lambda i: (order.index(i.programme), i.measure)):
        target = targets.get(indicator.pk)
        value = actual(indicator.measure, year, province)
        progress = round(100 * value / target) if target and value is not None else None
        rows.append(
            Row(
                indicator=indicator,
                label=indicator.get_measure_display(),
                programme=programmes[indicator.programme],
                target=target,
                actual=value,
                progress=progress,
            )
        )
    return rows


@transaction.atomic
def baseline_set(
    *, actor: User, measure: str, baseline: float, baseline_year: int, request: HttpRequest | None = None
) -> Indicator:
    require_manager(actor)
    if baseline < 0:
        raise ValidationError({"baseline": [_("A baseline cannot be negative.")]})
    indicator, _created = Indicator.objects.update_or_create(
        measure=measure, defaults={"baseline": baseline, "baseline_year": baseline_year}
    )
    record(
        "programs.results.baseline_set",
        actor=actor,
        target=indicator,
        request=request,
        details={"measure": measure, "baseline": str(baseline), "year": baseline_year},
    )
    return indicator


@transaction.atomic
def target_set(
    *,
    actor: User,
    measure: str,
    year: int,
    province: Region | None,
    target: float,
    request: HttpRequest | None = None,
) -> IndicatorTarget:
    require_manager(actor)
    indicator = Indicator.objects.filter(measure=measure).first()
    if indicator is None:
        raise ValidationError({"measure": [_("Set this indicator's baseline first.")]})
    errors: dict[str, list[str]] = {}
    if target < 0:
        errors["target"] = [_("A target cannot be negative.")]
    if indicator.measure in PERCENT and target > 100:
        errors["target"] = [_("This indicator is a percentage: the target is at most 100.")]
    if year < indicator.baseline_year:
        errors["year"] = [_("The target's year is before the baseline year.")]
    if province is not None and province.level != Region.Level.PROVINCE:
        errors["province"] = [_("Choose a province.")]
    if errors:
        raise ValidationError(errors)
    row, _created = IndicatorTarget.objects.update_or_create(
        indicator=indicator, year=year, province=province, defaults={"target": target}
    )
    record(
        "programs.results.target_set",
        actor=actor,
        target=indicator,
        request=request,
        details={
            "measure": indicator.measure,
            "year": year,
            "province": province.code if province else "",
            "target": str(target),
        },
    )
    return row
