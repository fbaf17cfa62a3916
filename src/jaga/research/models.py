"""Research records: incidents seen in the media (without names), their sources, and duplicates grouped."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaga.cases.choices import Modus, PlaceType
from jaga.cases.record_models import LegalProcess
from jaga.core.models import Created, CreatedBy


class Incident(CreatedBy):
    """An incident of ESKA reported in the news or a public document. ``same_as``: the first record of the
    same incident reported by another outlet (grouped, counted once)."""

    summary = models.TextField(_("summary (no names)"), max_length=2000)
    incident_on = models.DateField(_("date of the incident"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)  # of the incident, else of the first report
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("regency/city or province"), on_delete=models.PROTECT, related_name="+"
    )
    place_type = models.CharField(_("place type"), max_length=30, choices=PlaceType.choices, blank=True)
    forms = models.JSONField(_("forms of exploitation"), default=list)
    modus = models.CharField(_("modus"), max_length=30, choices=Modus.choices, blank=True)
    children = models.JSONField(default=dict)  # {"10-14|female": 2, ...}: age band | sex -> number
    perpetrators = models.JSONField(default=dict)  # {"facilitator|domestic": 1, ...}: role | origin -> number
    legal_stage = models.CharField(_("legal stage"), max_length=20, choices=LegalProcess.Stage.choices, blank=True)
    same_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("same incident as"),
    )

    class Meta:
        ordering = ["-year", "-incident_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}"

    @property
    def province_id(self) -> str:
        return str(self.region_id).split(".")[0]

    @property
    def children_total(self) -> int:
        return sum(int(n) for n in self.children.values())

    def child_count(self, key: str) -> int:
        return int(self.children.get(key, 0))

    def facts(self) -> dict[str, Any]:
        return {"region": self.region_id, "forms": sorted(self.forms), "children": self.children_total}


class IncidentSource(Created):
    """Where the incident was reported: the outlet, the address (never fetched by the server) and the date."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sources")
    outlet = models.CharField(_("outlet"), max_length=200)
    url = models.CharField(_("address (URL)"), max_length=600, blank=True)
    url_hash = models.CharField(max_length=64, blank=True, db_index=True)
    published_on = models.DateField(_("publication date"))

    class Meta:
        ordering = ["published_on"]
