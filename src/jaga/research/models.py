"""Research records: incidents seen in the media (without names), their sources, and duplicates grouped."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaga.cases.choices import Modus, PlaceType
from jaga.cases.record_models import LegalProcess, Perpetrator
from jaga.core.fields import EncryptedTextField
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

    def form_labels(self) -> str:
        from jaga.cases.choices import Form

        labels = dict(Form.choices)
        return ", ".join(str(labels.get(form, form)) for form in self.forms)

    def children_labels(self) -> list[tuple[str, int]]:
        """("15-17, girls", 2) for each group the report gives."""
        sexes = {"female": _("girls"), "male": _("boys"), "unknown": _("sex not reported")}
        unknown_age = _("age not reported")
        found = []
        for key, n in self.children.items():
            band, _sep, sex = key.partition("|")
            found.append((f"{unknown_age if band == 'unknown' else band}, {sexes.get(sex, sex)}", int(n)))
        return found

    def perpetrator_labels(self) -> list[tuple[str, int]]:
        roles, origins = dict(Perpetrator.Role.choices), dict(Perpetrator.Origin.choices)
        found = []
        for key, n in self.perpetrators.items():
            role, _sep, origin = key.partition("|")
            found.append((f"{roles.get(role, role)}, {origins.get(origin, origin)}", int(n)))
        return found

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


class Study(CreatedBy):
    """A survey study: its ethics approval, consent text, retention date and team. Only the team sees its
    responses; everyone else sees its instruments and its published, disclosure-controlled tables."""

    class Access(models.TextChoices):
        LINK = "link", _("Anyone with the link, anonymously")
        CODE = "code", _("Participants with an invitation code")

    title = models.CharField(_("title"), max_length=200)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="+")
    ethics_reference = models.CharField(_("ethics approval reference"), max_length=120)
    ethics_approved_on = models.DateField(_("ethics approval date"))
    consent_id = models.TextField(_("consent text (Bahasa Indonesia)"), max_length=4000)
    consent_en = models.TextField(_("consent text (English)"), max_length=4000, blank=True)
    retention_until = models.DateField(_("responses kept until"))
    access = models.CharField(_("who may answer"), max_length=10, choices=Access.choices, default=Access.LINK)
    codes = models.JSONField(default=list)  # invitation codes not yet used
    token = models.CharField(max_length=40, unique=True)  # the public link's secret part
    open = models.BooleanField(_("open for answers"), default=True)
    weight_question = models.CharField(
        _("question holding each response's weight (optional)"), max_length=80, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.title

    def consent(self, lang: str) -> str:
        return self.consent_en if lang == "en" and self.consent_en else self.consent_id

    def on_team(self, user: Any) -> bool:
        return bool(user.pk == self.lead_id or self.team.filter(pk=user.pk).exists())


class Instrument(Created):
    """One version of a study's XLSForm: the file as uploaded and the form as pyxform reads it."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="instruments")
    version = models.PositiveSmallIntegerField()
    form_id = models.CharField(max_length=100)
    form_version = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=200)
    xlsform = models.BinaryField()
    definition = models.JSONField()  # pyxform's JSON of the form
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["study", "version"], name="instrument_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Response(Created):
    """One submission: its answers (encrypted; question path -> value), the form version it answered."""

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        KOBO = "kobo", _("KoboToolbox export")
        ODK = "odk", _("ODK Central export")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    source = models.CharField(max_length=10, choices=Source.choices)
    participant_code = models.CharField(max_length=20, blank=True)
    answers = EncryptedTextField()  # JSON
    external_id = models.CharField(max_length=80, blank=True)  # the export's own id (_uuid, KEY): not imported twice
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
