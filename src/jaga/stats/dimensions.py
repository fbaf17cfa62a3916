"""The dimensions statistics may count by: non-identifying fields only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat, ExtractMonth, ExtractQuarter
from django.utils.translation import gettext_lazy as _

from jaga.cases.models import AgeBand, Form, LegalProcess, Modus, Perpetrator, PlaceType, Referral, Service, Sex, Source


@dataclass(frozen=True)
class Dimension:
    name: str
    label: Any
    path: Any  # an ORM path from Case, or an expression
    choices: Callable[[], list[tuple[str, Any]]]  # value -> label, in display order
    multi: bool = False  # a case may have several values (sums along it double-count)

    @property
    def expression(self) -> Any:
        return F(self.path) if isinstance(self.path, str) else self.path


def _choices(enum: Any) -> Callable[[], list[tuple[str, Any]]]:
    return lambda: [(str(value), label) for value, label in enum.choices]


def _provinces() -> list[tuple[str, Any]]:
    from jaga.regions.models import Region

    return list(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))


def _regencies() -> list[tuple[str, Any]]:
    from jaga.regions.models import Region

    return list(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name"))


def _numbers(first: int, last: int) -> Callable[[], list[tuple[str, Any]]]:
    return lambda: [(str(n), str(n)) for n in range(first, last + 1)]


def _age_sex() -> list[tuple[str, Any]]:
    return [
        (f"{band}|{sex}", f"{band_label} · {sex_label}")
        for band, band_label in AgeBand.choices
        for sex, sex_label in Sex.choices
    ]


def _years() -> list[tuple[str, Any]]:
    from jaga.cases.models import Case

    years = sorted(set(Case.objects.values_list("year", flat=True).distinct()))
    return [(str(year), str(year)) for year in years]


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in [
        Dimension("year", _("Year"), "year", _years),
        Dimension("quarter", _("Quarter"), ExtractQuarter("registered_on"), _numbers(1, 4)),
        Dimension("month", _("Month"), ExtractMonth("registered_on"), _numbers(1, 12)),
        Dimension("province", _("Province"), "exploitation_regency__parent_id", _provinces),
        Dimension("regency", _("Regency/city"), "exploitation_regency_id", _regencies),
        Dimension("form", _("Form of exploitation"), "form_links__form", _choices(Form), multi=True),
        Dimension("modus", _("Modus"), "modus", _choices(Modus)),
        Dimension("place_type", _("Place type"), "place_type", _choices(PlaceType)),
        Dimension("sex", _("Sex"), "child__sex", _choices(Sex)),
        Dimension("age_band", _("Age"), "child__age_band", _choices(AgeBand)),
        Dimension("age_sex", _("Age and sex"), Concat("child__age_band", Value("|"), "child__sex"), _age_sex),
        Dimension("source", _("Source of the report"), "source", _choices(Source)),
        Dimension("service", _("Services received"), "services__service", _choices(Service), multi=True),
        Dimension("referral", _("Referral outcome"), "referrals__state", _choices(Referral.State), multi=True),
        Dimension("legal_stage", _("Legal stage"), "legal__stage", _choices(LegalProcess.Stage)),
        Dimension(
            "perpetrator_role", _("Perpetrator role"), "perpetrators__role", _choices(Perpetrator.Role), multi=True
        ),
        Dimension(
            "perpetrator_origin",
            _("Domestic or foreign perpetrator"),
            "perpetrators__origin",
            _choices(Perpetrator.Origin),
            multi=True,
        ),
    ]
}

# SIMFONI-PPA's categories (KemenPPPA's national reporting system), mapped from Jaga's; the table is
# in docs/simfoni.md. Stored with the aggregates for the SIMFONI export, not shown on dashboards.
SIMFONI_TYPES = {
    "prostitution": "eksploitasi",
    "online": "seksual",
    "trafficking": "trafficking",
    "travel_tourism": "eksploitasi",
    "child_marriage": "lainnya",
    "other": "lainnya",
}
SIMFONI_PLACES = {
    "home": "rumah_tangga",
    "lodging": "fasilitas_umum",
    "entertainment_venue": "tempat_kerja",
    "street": "fasilitas_umum",
    "online": "lainnya",
    "other": "lainnya",
}
SIMFONI_LABELS = {
    "simfoni_type": [
        ("seksual", "Seksual"),
        ("eksploitasi", "Eksploitasi"),
        ("trafficking", "Trafficking"),
        ("lainnya", "Lainnya"),
    ],
    "simfoni_place": [
        ("rumah_tangga", "Rumah Tangga"),
        ("tempat_kerja", "Tempat Kerja"),
        ("fasilitas_umum", "Fasilitas Umum"),
        ("lainnya", "Lainnya"),
    ],
    "simfoni_age": [("0-5", "0-5 tahun"), ("6-12", "6-12 tahun"), ("13-17", "13-17 tahun")],
}


def _mapped(path: str, mapping: dict[str, str]) -> Any:
    return Case(*[When(**{path: source}, then=Value(target)) for source, target in mapping.items()], default=Value(""))


SIMFONI_DIMENSIONS = {
    "simfoni_type": Dimension(
        "simfoni_type",
        "SIMFONI: jenis kekerasan",
        _mapped("form_links__form", SIMFONI_TYPES),
        lambda: SIMFONI_LABELS["simfoni_type"],
        multi=True,
    ),
    "simfoni_place": Dimension(
        "simfoni_place",
        "SIMFONI: tempat kejadian",
        _mapped("place_type", SIMFONI_PLACES),
        lambda: SIMFONI_LABELS["simfoni_place"],
    ),
    "simfoni_age": Dimension(
        "simfoni_age",
        "SIMFONI: kelompok umur",
        Case(
            When(child__age_at_registration__lte=5, then=Value("0-5")),
            When(child__age_at_registration__lte=12, then=Value("6-12")),
            When(child__age_at_registration__lte=17, then=Value("13-17")),
            default=Value(""),
        ),
        lambda: SIMFONI_LABELS["simfoni_age"],
    ),
}
DIMENSIONS.update(SIMFONI_DIMENSIONS)

# What the dashboards show; the cross-tab tool offers every dimension.
DASHBOARD_DIMENSIONS = [
    "form",
    "sex",
    "age_band",
    "age_sex",
    "source",
    "place_type",
    "service",
    "referral",
    "legal_stage",
    "perpetrator_role",
    "perpetrator_origin",
]
MAX_CROSSTAB_DIMENSIONS = 3
MAX_CROSSTAB_CELLS = 400
NOT_RECORDED = ""
