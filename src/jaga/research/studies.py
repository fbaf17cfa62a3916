"""Survey studies: made by a researcher with their ethics approval, consent text, retention date and team;
instruments uploaded as XLSForms (each upload a new version; old responses keep theirs); answers from the
web form or imported from KoboToolbox / ODK Central exports. Only the team reads responses; every view and
export is audited."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.research import collect, xlsform
from jaga.research.models import Instrument, Response, Study

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_CODES = 2000


@dataclass
class StudyInput:
    title: str
    ethics_reference: str
    ethics_approved_on: date | None
    consent_id: str
    consent_en: str
    retention_until: date | None
    access: str = Study.Access.LINK
    weight_question: str = ""


def team_only(actor: User, study: Study) -> None:
    """Only the study's team (and its lead) reads or changes it."""
    if not user_has_perm(actor, "research.studies") or not study.on_team(actor):
        raise PermissionDenied


def _problems(data: StudyInput) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not data.title.strip():
        found["title"] = [_("Give the study a title.")]
    if not data.ethics_reference.strip():
        found["ethics_reference"] = [_("A study of people needs its ethics approval: give its reference.")]
    if data.ethics_approved_on is None or data.ethics_approved_on > today:
        found["ethics_approved_on"] = [_("The date of the ethics approval, not in the future.")]
    if not data.consent_id.strip():
        found["consent_id"] = [_("Write the consent text participants read before they answer.")]
    if data.retention_until is None or data.retention_until <= today:
        found["retention_until"] = [_("Until when the responses are kept: a date in the future.")]
    if data.access not in Study.Access.values:
        found["access"] = [_("Choose who may answer.")]
    return found


@transaction.atomic
def study_create(*, actor: User, data: StudyInput, request: HttpRequest | None = None) -> Study:
    if not user_has_perm(actor, "research.studies"):
        raise PermissionDenied
    errors = _problems(data)
    if errors or data.ethics_approved_on is None or data.retention_until is None:
        raise ValidationError(errors)
    study = Study.objects.create(
        title=data.title.strip(),
        lead=actor,
        ethics_reference=data.ethics_reference.strip(),
        ethics_approved_on=data.ethics_approved_on,
        consent_id=data.consent_id.strip(),
        consent_en=data.consent_en.strip(),
        retention_until=data.retention_until,
        access=data.access,
        weight_question=data.weight_question.strip(),
        token=secrets.token_urlsafe(18),
        created_by=actor,
    )
    record(
        "research.study.created", actor=actor, target=study, request=request, details={"ethics": study.ethics_reference}
    )
    return study


@transaction.atomic
def team_set(*, actor: User, study: Study, members: list[User], request: HttpRequest | None = None) -> None:
    if actor.pk != study.lead_id:
        raise PermissionDenied
    allowed = [m for m in members if user_has_perm(m, "research.studies")]
    study.team.set(allowed)
    record(
        "research.study.team_set",
        actor=actor,
        target=study,
        request=request,
        details={"members": [str(m.pk) for m in allowed]},
    )


@transaction.atomic
def instrument_upload(
    *, actor: User, study: Study, data: bytes, filename: str, request: HttpRequest | None = None
) -> Instrument:
    """A new version of the study's form; the earlier versions and their responses stay as they were."""
    team_only(actor, study)
    definition = xlsform.load(data, filename)  # FormError with pyxform's message
    version = (study.instruments.aggregate(n=Max("version"))["n"] or 0) + 1
    instrument = Instrument.objects.create(
        study=study,
        version=version,
        form_id=str(definition.get("id_string", ""))[:100],
        form_version=str(definition.get("version", ""))[:60],
        title=str(definition.get("title", ""))[:200],
        filename=filename[:200],
        xlsform=data,
        definition=definition,
        created_by=actor,
    )
    record(
        "research.instrument.uploaded",
        actor=actor,
        target=study,
        request=request,
        details={"version": version, "form_version": instrument.form_version},
    )
    return instrument


def current(study: Study) -> Instrument | None:
    return study.instruments.order_by("-version").first()


@transaction.atomic
def codes_make(*, actor: User, study: Study, count: int, request: HttpRequest | None = None) -> list[str]:
    """Invitation codes to hand out (each answers once)."""
    team_only(actor, study)
    if not 1 <= count <= 500 or len(study.codes) + count > MAX_CODES:
        raise ValidationError({"count": [_("From 1 to 500 at a time, %(max)s in all.") % {"max": MAX_CODES}]})
    made = ["".join(secrets.choice(CODE_ALPHABET) for _n in range(8)) for _k in range(count)]
    study.codes = [*study.codes, *made]
    study.save(update_fields=["codes"])
    record("research.study.codes_made", actor=actor, target=study, request=request, details={"count": count})
    return made


def _answers_json(answers: dict[str, Any]) -> str:
    return json.dumps(answers, ensure_ascii=False, sort_keys=True)


@transaction.atomic
def response_submit(
    *, study: Study, raw: dict[str, Any], code: str = "", lang: str = "id", consent: bool = False
) -> tuple[Response | None, dict[str, str]]:
    """A participant's answers from the web form: stored when consent was given and every answer fits."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    instrument = current(study)
    errors: dict[str, str] = {}
    if not study.open or instrument is None:
        return None, {"__all__": _("This survey is closed.")}
    if not consent:
        errors["consent"] = _("Answering needs your agreement to the text above.")
    code = code.strip().upper()
    if study.access == Study.Access.CODE and code not in study.codes:
        errors["code"] = _("This code is not valid, or it was used already.")
    answers, problems = collect.check(xlsform.questions(instrument.definition), raw, lang)
    errors.update(problems)
    if errors:
        return None, errors
    response = Response.objects.create(
        study=study,
        instrument=instrument,
        source=Response.Source.WEB,
        participant_code=code,
        answers=_answers_json(answers),
    )
    if code:
        study.codes = [c for c in study.codes if c != code]
        study.save(update_fields=["codes"])
    record("research.response.submitted", actor=None, target=study, details={"version": instrument.version})
    return response, {}


@transaction.atomic
def responses_import(
    *, actor: User, study: Study, data: bytes, filename: str, source: str, request: HttpRequest | None = None
) -> tuple[int, list[str]]:
    """A Kobo or ODK export, checked against the form version it names (else the newest): every row stored,
    or none (a ValidationError lists "row N, question: message"). Returns (stored, columns left out)."""
    team_only(actor, study)
    if source not in (Response.Source.KOBO, Response.Source.ODK):
        raise ValidationError({"source": [_("KoboToolbox or ODK Central.")]})
    instruments = {i.form_version: i for i in study.instruments.all()}
    newest = current(study)
    if newest is None:
        raise ValidationError(_("Load the study's XLSForm first."))
    try:
        raws, unknown = collect.read_export(data, filename, xlsform.questions(newest.definition))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(
            str(exc)
            if isinstance(exc, ValueError) and not isinstance(exc, UnicodeDecodeError)
            else _("The file is not UTF-8 text.")
        ) from exc
    seen = set(study.responses.exclude(external_id="").values_list("external_id", flat=True))
    errors: list[str] = []
    made: list[Response] = []
    for number, raw in enumerate(raws, start=2):
        instrument = instruments.get(raw.pop("_version"), newest)
        external = raw.pop("_id")
        if external and external in seen:
            errors.append(
                _("Row %(row)s: this submission (%(id)s) is imported already.") % {"row": number, "id": external}
            )
            continue
        answers, problems = collect.check(xlsform.questions(instrument.definition), raw)
        errors += [
            _("Row %(row)s, %(question)s: %(message)s") % {"row": number, "question": q, "message": m}
            for q, m in problems.items()
        ]
        seen.add(external)
        made.append(
            Response(
                study=study, instrument=instrument, source=source, external_id=external, answers=_answers_json(answers)
            )
        )
    if errors:
        raise ValidationError(errors[:200])
    if not made:
        raise ValidationError(_("The file has no submissions."))
    Response.objects.bulk_create(made)
    record(
        "research.responses.imported",
        actor=actor,
        target=study,
        request=request,
        details={"rows": len(made), "source": source, "left_out_columns": unknown[:20]},
    )
    return len(made), unknown


def answers_of(response: Response) -> dict[str, Any]:
    return dict(json.loads(response.answers or "{}"))
