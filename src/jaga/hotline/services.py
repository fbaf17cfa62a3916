"""The hotline's intake: a report taken (web, public API, partners), its tracking code, its status."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, Role, User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.inputs import ADULT_AGE, age_band
from jaga.cases.models import Form, PlaceType, Sex
from jaga.cases.nik import regency_codes
from jaga.hotline import ratelimit
from jaga.hotline.models import FLAG_WEIGHTS, Channel, Flag, Report, ReportEvent, ReportUrl
from jaga.hotline.urls_normal import UrlError, host_of, normalise_url, url_hash

logger = logging.getLogger(__name__)


MAX_DESCRIPTION = 5000


MAX_URLS = 20


MAX_CONTACT = 500


MAX_BATCH = 100


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud over a phone without mistakes


LIVE_WORDS = ("live", "siaran langsung", "streaming", "sedang berlangsung", "video call", "vcs")


@dataclass
class ReportInput:
    description: str = ""
    forms: list[str] = field(default_factory=list)
    online: bool = False
    regency_code: str = ""
    place_type: str = ""
    occurred_on: date | None = None
    child_age: int | None = None
    child_sex: str = Sex.UNKNOWN
    urls: list[str] = field(default_factory=list)
    platform: str = ""
    in_danger: bool = False
    live: bool = False
    contact: str = ""
    contact_consent: bool = False
    client_id: str = ""


class BatchInvalid(Exception):
    """A partner batch with errors: ``errors`` maps each bad report's index to its field errors."""

    def __init__(self, errors: dict[str, dict[str, list[str]]]) -> None:
        super().__init__("invalid batch")
        self.errors = errors


@dataclass
class Submitted:
    report: Report
    secret: str  # empty when a partner's retry found the report it had already sent
    created: bool = True


def validate_report(data: ReportInput, *, today: date | None = None) -> list[str]:
    """Every rule of a report, all errors at once keyed by field; answers the normalised URLs."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not data.description.strip():
        errors["description"] = [_("Say what happened, in your own words.")]
    elif len(data.description) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep it under %(max)s characters.") % {"max": MAX_DESCRIPTION}]
    if not data.forms:
        errors["forms"] = [_("Choose at least one; choose Other if you are not sure.")]
    elif any(form not in Form.values for form in data.forms):
        errors["forms"] = [_("Use one of: %(choices)s.") % {"choices": ", ".join(Form.values)}]
    if data.regency_code and data.regency_code not in regency_codes():
        errors["regency_code"] = [_("This is not a regency/city code (for example 31.71 for Jakarta Pusat).")]
    if data.place_type and data.place_type not in PlaceType.values:
        errors["place_type"] = [_("Use one of: %(choices)s.") % {"choices": ", ".join(PlaceType.values)}]
    if data.occurred_on and data.occurred_on > today:
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    if data.child_age is not None and not 0 <= data.child_age < ADULT_AGE:
        errors["child_age"] = [_("The hotline takes reports about children: an age between 0 and 17.")]
    if data.child_sex not in Sex.values:
        errors["child_sex"] = [_("Use one of: %(choices)s.") % {"choices": ", ".join(Sex.values)}]
    if len(data.platform) > 100:
        errors["platform"] = [_("Keep it under %(max)s characters.") % {"max": 100}]
    if len(data.contact) > MAX_CONTACT:
        errors["contact"] = [_("Keep it under %(max)s characters.") % {"max": MAX_CONTACT}]
    if len(data.client_id) > 100:
        errors["client_id"] = [_("Keep it under %(max)s characters.") % {"max": 100}]
    normalised: list[str] = []
    if len(data.urls) > MAX_URLS:
        errors["urls"] = [_("At most %(max)s addresses in one report.") % {"max": MAX_URLS}]
    else:
        for number, raw in enumerate(data.urls, start=1):
            try:
                url = normalise_url(raw)
            except UrlError as exc:
                errors.setdefault("urls", []).append(_("Address %(n)s: %(why)s") % {"n": number, "why": exc})
                continue
            if url not in normalised:
                normalised.append(url)
    if Form.ONLINE in data.forms and not normalised and not data.platform.strip() and "urls" not in errors:
        errors["urls"] = [_("For online exploitation, give the address of the content or at least the platform.")]
    if errors:
        raise ValidationError(errors)
    return normalised


def flags_for(data: ReportInput) -> list[str]:
    """Urgency flags a report carries from the start (operators can change them)."""
    flags = []
    if data.in_danger:
        flags.append(Flag.IN_DANGER)
    if data.child_age is not None and data.child_age < 10:
        flags.append(Flag.VERY_YOUNG)
    text = data.description.lower()
    if data.live or any(word in text for word in LIVE_WORDS):
        flags.append(Flag.LIVE)
    if Form.TRAFFICKING in data.forms:
        flags.append(Flag.TRAFFICKING)
    return [str(flag) for flag in flags]


def urgency_of(flags: list[str]) -> int:
    return sum(FLAG_WEIGHTS.get(Flag(flag), 0) for flag in flags if flag in Flag.values)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"JG-{raw[:4]}-{raw[4:]}"


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    cleaned = cleaned.removeprefix("JG")
    return f"JG-{cleaned[:4]}-{cleaned[4:8]}" if len(cleaned) == 8 else ""


def store_report(data: ReportInput, urls: list[str], *, channel: str, partner: Organisation | None) -> Submitted:
    """Writes a validated report (``urls`` normalised), without limits or audit: callers add those."""
    secret = secrets.token_urlsafe(12)
    flags = flags_for(data)
    report = Report(
        channel=channel,
        partner=partner,
        client_id=data.client_id if partner else "",
        secret_hash=_hash_secret(secret),
        forms=sorted(set(data.forms)),
        online=data.online or Form.ONLINE in data.forms or bool(urls),
        regency_id=data.regency_code or None,
        place_type=data.place_type,
        occurred_on=data.occurred_on,
        child_age=data.child_age,
        age_band=age_band(data.child_age),
        child_sex=data.child_sex or Sex.UNKNOWN,
        platform=data.platform.strip(),
        description=data.description.strip(),
        contact=data.contact.strip() if data.contact_consent else "",
        contact_consent=data.contact_consent and bool(data.contact.strip()),
        flags=flags,
        urgency=urgency_of(flags),
    )
    for _attempt in range(5):  # a code collision (1 in 10^11) only costs another draw
        report.tracking_code = new_code()
        try:
            with transaction.atomic():
                report.save(force_insert=True)
            break
        except IntegrityError:
            if partner and data.client_id and Report.objects.filter(partner=partner, client_id=data.client_id).exists():
                raise
            continue
    ReportUrl.objects.bulk_create(
        [ReportUrl(report=report, url=url, url_hash=url_hash(url), host=host_of(url)[:255]) for url in urls]
    )
    ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.RECEIVED, detail=channel)
    return Submitted(report=report, secret=secret)


class HotlineFull(Exception):
    """The hour's total of public reports is reached: the report is not stored (429)."""


def _after_submit(
    report: Report, *, actor: User | None = None, request: HttpRequest | None = None, total: int | None = None
) -> None:
    """Audit a new report and watch the volume. A public report is audited without an actor or the
    reporter's address (reporters are anonymous); a partner's with its user and request. ``total``:
    the hour's count, when the caller has already counted this report."""
    record(
        "hotline.report.received",
        actor=actor,
        organisation=report.partner,
        target=report,
        request=request,
        details={"channel": report.channel, "forms": report.forms, "urgency": report.urgency},
    )
    if total is None:
        total = ratelimit.hit(ratelimit.TOTAL)
    if total == settings.JAGA_HOTLINE_ALERT_PER_HOUR:
        _volume_alert(total)


def _volume_alert(count: int) -> None:
    """Once per hour, when intake reaches the alert level: audit, log and mail the operators."""
    record("hotline.volume.alert", details={"reports_this_hour": count})
    logger.warning("hotline volume alert: %s reports this hour", count)
    recipients = list(
        User.objects.filter(is_active=True, role_grants__role=Role.HOTLINE_OPERATOR).values_list("email", flat=True)
    )

    def mail() -> None:
        send_mail(
            "[Jaga] Hotline: unusual volume of reports",
            f"{count} reports have arrived in the last hour. Check the hotline queue for a campaign or an attack.",
            None,
            recipients,
            fail_silently=True,
        )

    if recipients:
        transaction.on_commit(mail, robust=True)


@transaction.atomic
def report_submit(data: ReportInput, *, channel: str) -> Submitted:
    """A report from the public (web form or public API). Validates, stores, answers the code and secret.

    The hour's total is counted in the same transaction as the report, before it is stored: two
    reporters at once cannot both take the last place (the counter's row is locked until the commit),
    and a report refused for the total is not counted.
    """
    urls = validate_report(data)
    total = ratelimit.hit(ratelimit.TOTAL)
    if total > settings.JAGA_HOTLINE_LIMIT_TOTAL:
        raise HotlineFull
    submitted = store_report(data, urls, channel=channel, partner=None)
    _after_submit(submitted.report, total=total)
    return submitted


@transaction.atomic
def partner_submit(*, actor: User, inputs: list[ReportInput], request: HttpRequest | None = None) -> list[Submitted]:
    """A partner's batch: every report valid, or none stored. A ``client_id`` already sent answers
    the report it made (no new row), so retries after a lost answer are safe."""
    if not user_has_perm(actor, "hotline.submit_reports"):
        raise PermissionDenied
    if not inputs:
        raise ValidationError({"reports": [_("Send at least one report.")]})
    if len(inputs) > MAX_BATCH:
        raise ValidationError({"reports": [_("At most %(max)s reports in one request.") % {"max": MAX_BATCH}]})
    errors: dict[str, dict[str, list[str]]] = {}
    normalised: list[list[str]] = []
    seen: set[str] = set()
    for index, data in enumerate(inputs):
        problems: dict[str, list[str]] = {}
        try:
            normalised.append(validate_report(data))
        except ValidationError as exc:
            problems = exc.message_dict
            normalised.append([])
        if not data.client_id.strip():
            problems.setdefault("client_id", []).append(_("Give each report your own id, so that retries are safe."))
        elif data.client_id in seen:
            problems.setdefault("client_id", []).append(_("This id appears twice in the batch."))
        seen.add(data.client_id)
        if problems:
            errors[str(index)] = problems
    if errors:
        raise BatchInvalid(errors)
    organisation = actor.organisation
    existing = {
        report.client_id: report
        for report in Report.objects.filter(partner=organisation, client_id__in=[d.client_id for d in inputs])
    }
    answers = []
    for data, urls in zip(inputs, normalised, strict=True):
        if data.client_id in existing:
            answers.append(Submitted(report=existing[data.client_id], secret="", created=False))
            continue
        submitted = store_report(data, urls, channel=Channel.PARTNER, partner=organisation)
        _after_submit(submitted.report, actor=actor, request=request)
        answers.append(submitted)
    return answers


def report_status(code: str, secret: str) -> str | None:
    """The state of a report for whoever holds its code and secret; None for any mismatch (no hint which)."""
    report = Report.objects.filter(tracking_code=normalise_code(code)).only("secret_hash", "state").first()
    expected = report.secret_hash if report else _hash_secret("no such report")
    matches = hmac.compare_digest(expected, _hash_secret(secret.strip()))
    return report.state if report and matches else None
