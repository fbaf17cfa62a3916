"""The case registry's vocabularies: sources, forms of exploitation, modus, places, statuses, services.

The models import them from here, and so may anything that needs the words without the tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    FAMILY = "family", _("Family")
    CHILD = "child", _("The child")
    NGO_OUTREACH = "ngo_outreach", _("NGO outreach")
    ONLINE_PLATFORM = "online_platform", _("Online platform")
    OTHER = "other", _("Other")


class Form(models.TextChoices):
    """Forms of exploitation (Luxembourg Terminology Guidelines)."""

    PROSTITUTION = "prostitution", _("Exploitation in prostitution")
    ONLINE = "online", _("Online sexual exploitation")
    TRAFFICKING = "trafficking", _("Trafficking for sexual purposes")
    TRAVEL_TOURISM = "travel_tourism", _("Exploitation in travel and tourism")
    CHILD_MARRIAGE = "child_marriage", _("Child, early and forced marriage")
    OTHER = "other", _("Other")


class Modus(models.TextChoices):
    ONLINE_GROOMING = "online_grooming", _("Online grooming")
    SEXTORTION = "sextortion", _("Sextortion")
    APP_PROSTITUTION = "app_prostitution", _("Prostitution arranged through apps or chat")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    DECEPTIVE_JOB_OFFER = "deceptive_job_offer", _("Deceptive job offer")
    OTHER = "other", _("Other")


class PlaceType(models.TextChoices):
    HOME = "home", pgettext_lazy("place type", "Home")
    LODGING = "lodging", _("Lodging or hotel")
    ENTERTAINMENT_VENUE = "entertainment_venue", _("Entertainment venue")
    ONLINE = "online", _("Online")
    STREET = "street", _("Street")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSED = "assessed", _("Assessed")
    CASE_PLAN = "case_plan", _("Case plan")
    SERVICES = "services", _("Services")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    TRANSFERRED = "transferred", _("Transferred")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Case plan goals met")
    TRANSFERRED_ELSEWHERE = "transferred_elsewhere", _("Continued by another service")
    CHILD_TURNED_18 = "child_turned_18", _("The child turned 18")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    FAMILY_DECLINED = "family_declined", _("The child or family declined services")
    DUPLICATE = "duplicate", _("Duplicate record")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class AgeBand(models.TextChoices):
    UNDER_10 = "0-9", "0-9"
    FROM_10 = "10-14", "10-14"
    FROM_15 = "15-17", "15-17"


class Service(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SHELTER = "shelter", _("Shelter")
    REINTEGRATION = "reintegration", _("Reintegration and education")
    FAMILY_SUPPORT = "family_support", _("Family support")
    RESTITUTION = "restitution", _("Restitution")
