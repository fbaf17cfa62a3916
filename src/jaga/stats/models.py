"""Materialised aggregates: counts of cases per province, year, form filter, dimension and value,
rebuilt by a background refresh so that dashboards read a few thousand small rows, never the cases."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Aggregate(models.Model):
    dim = models.CharField(max_length=30)
    province = models.CharField(max_length=13)
    year = models.PositiveSmallIntegerField()
    form = models.CharField(max_length=30, blank=True)  # "" for every form; else cases with this form
    value = models.CharField(max_length=40, blank=True)  # "" where the case records nothing
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["year", "form", "dim", "province"], name="stats_agg_lookup")]

    def __str__(self) -> str:
        return f"{self.dim}={self.value} {self.province} {self.year}: {self.count}"


class Refresh(models.Model):
    """One rebuild of the aggregates; the newest finished one dates the figures on every page."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    cases = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)  # distinct clusters among the cases (linkage)
    linked = models.BooleanField(default=False)  # a linkage run had placed the cases: counts are of children
    excluded = models.PositiveIntegerField(default=0)  # restricted, or consent to statistics withdrawn

    class Meta:
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.cases}"


class GridCache(models.Model):
    """The suppressed tables of one year and form filter for one refresh (JSON), shared by every process."""

    refresh = models.ForeignKey(Refresh, on_delete=models.CASCADE, related_name="grids")
    year = models.PositiveSmallIntegerField()
    form = models.CharField(max_length=30, blank=True)
    threshold = models.PositiveSmallIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["refresh", "year", "form", "threshold"], name="stats_grid_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.form}"
