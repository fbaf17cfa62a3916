"""Training: modules, materials, questions, sessions, participants and scores.

Every write takes the actor, checks `programs.manage` and writes its audit row in the same transaction.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.audit.services import record
from jaga.core.files import active_content
from jaga.programs.access import require_manager
from jaga.programs.training.models import Material, Module, Participant, Question, Score, TrainingSession

MATERIAL_MAX_BYTES = 20 * 1024 * 1024


MATERIAL_TYPES = {  # what the content starts with or holds -> (extension, MIME type)
    "pdf": ("pdf", "application/pdf"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones


SEXES = {
    "female": "female", "f": "female", "perempuan": "female", "p": "female", "wanita": "female",
    "male": "male", "m": "male", "laki-laki": "male", "l": "male", "pria": "male",
}  # fmt: skip


def _apply(obj: Any, fields: dict[str, Any]) -> list[str]:
    """Sets ``fields`` on ``obj``; answers the names of those that changed (for the audit row)."""
    changed = sorted(name for name, value in fields.items() if getattr(obj, name) != value)
    for name, value in fields.items():
        setattr(obj, name, value)
    return changed


def _module_checked(module: Module) -> None:
    module.full_clean()
    if not 1 <= module.pass_mark <= 100:
        raise ValidationError({"pass_mark": [_("The pass mark is a percentage from 1 to 100.")]})


@transaction.atomic
def module_create(*, actor: User, request: HttpRequest | None = None, **fields: Any) -> Module:
    require_manager(actor)
    module = Module(created_by=actor, **fields)
    _module_checked(module)
    module.save()
    record("programs.training.module_created", actor=actor, target=module, request=request)
    return module


@transaction.atomic
def module_update(*, actor: User, module: Module, request: HttpRequest | None = None, **fields: Any) -> None:
    """A changed pass mark applies to certificates issued from now on; issued ones stand."""
    require_manager(actor)
    changed = _apply(module, fields)
    _module_checked(module)
    module.save()
    record("programs.training.module_changed", actor=actor, target=module, request=request, details={"fields": changed})


def material_type(name: str, content: bytes) -> tuple[str, str]:
    """The material's type, read from its content (not its name): PDF, PowerPoint or Word, with nothing that runs."""
    danger = active_content(content)
    if danger:
        raise ValidationError({"file": [danger]})
    if content.startswith(b"%PDF-"):
        return MATERIAL_TYPES["pdf"]
    if content.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            names = []
        for prefix in ("ppt/", "word/"):
            if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
                return MATERIAL_TYPES[prefix]
    raise ValidationError({"file": [_("Upload a PDF, PowerPoint (.pptx) or Word (.docx) file.")]})


@transaction.atomic
def material_add(
    *, actor: User, module: Module, title: str, changes: str, name: str, content: bytes, request: Any = None
) -> Material:
    """A new version of the module's material; earlier versions stay downloadable."""
    require_manager(actor)
    if len(content) > MATERIAL_MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    extension, mime = material_type(name, content)
    module = Module.objects.select_for_update().get(pk=module.pk)  # one version number per upload
    version = (module.materials.aggregate(top=Max("version"))["top"] or 0) + 1
    material = Material(
        module=module,
        version=version,
        title=title,
        changes=changes,
        file_name=f"{module.pk}-v{version}.{extension}",
        file_type=mime,
        content=content,
        uploaded_by=actor,
    )
    material.full_clean()
    material.save()
    record(
        "programs.training.material_added", actor=actor, target=module, request=request, details={"version": version}
    )
    return material


@transaction.atomic
def question_add(
    *, actor: User, module: Module, text: str, options: list[str], answer: int, request: Any = None
) -> Question:
    require_manager(actor)
    options = [option.strip() for option in options if option.strip()]
    errors: dict[str, list[str]] = {}
    if not 2 <= len(options) <= 6:
        errors["options"] = [_("Give from 2 to 6 options.")]
    elif len({option.casefold() for option in options}) != len(options):
        errors["options"] = [_("Two options are the same.")]
    elif not 0 <= answer < len(options):
        errors["answer"] = [_("The correct option must be one of the options given.")]
    if errors:
        raise ValidationError(errors)
    position = (module.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    question = Question(module=module, text=text.strip(), options=options, answer=answer, position=position)
    question.full_clean()
    question.save()
    record("programs.training.question_added", actor=actor, target=module, request=request)
    return question


@transaction.atomic
def question_set_active(*, actor: User, question: Question, active: bool, request: Any = None) -> None:
    require_manager(actor)
    question.active = active
    question.save(update_fields=["active"])
    record(
        "programs.training.question_changed",
        actor=actor,
        target=question.module,
        request=request,
        details={"question": str(question.pk), "active": active},
    )


@transaction.atomic
def session_create(
    *, actor: User, organisations: list[Organisation], request: Any = None, **fields: Any
) -> TrainingSession:
    require_manager(actor)
    session = TrainingSession(created_by=actor, test_token=secrets.token_urlsafe(18), **fields)
    _session_checked(session)
    session.save()
    session.organisations.set(organisations)
    record("programs.training.session_created", actor=actor, target=session, request=request)
    return session


def _session_checked(session: TrainingSession) -> None:
    session.full_clean()
    errors: dict[str, list[str]] = {}
    if session.ends_on < session.starts_on:
        errors["ends_on"] = [_("The end date is before the start date.")]
    if not session.online and not session.place.strip():
        errors["place"] = [_("Give the place, or mark the session as online.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_update(
    *, actor: User, session: TrainingSession, organisations: list[Organisation], request: Any = None, **fields: Any
) -> None:
    """Dates, place, trainers and organisations change; the test link and the participants stay."""
    require_manager(actor)
    changed = _apply(session, fields)
    _session_checked(session)
    session.save()
    session.organisations.set(organisations)
    record(
        "programs.training.session_changed", actor=actor, target=session, request=request, details={"fields": changed}
    )


@transaction.atomic
def session_tests_set(
    *, actor: User, session: TrainingSession, pre: bool, post: bool, self_registration: bool, request: Any = None
) -> None:
    require_manager(actor)
    session.pre_test_open, session.post_test_open, session.self_registration = pre, post, self_registration
    session.save(update_fields=["pre_test_open", "post_test_open", "self_registration"])
    record(
        "programs.training.tests_set",
        actor=actor,
        target=session,
        request=request,
        details={"pre": pre, "post": post, "self_registration": self_registration},
    )


def new_participant_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if code not in taken:
            taken.add(code)
            return code


@dataclass
class ParticipantInput:
    full_name: str
    sex: str
    organisation: Organisation | None = None
    organisation_name: str = ""
    role: str = ""
    attended: bool = False


def _participant(session: TrainingSession, data: ParticipantInput, taken: set[str]) -> Participant:
    participant = Participant(
        session=session,
        full_name=data.full_name.strip(),
        sex=data.sex,
        organisation=data.organisation,
        organisation_name="" if data.organisation else data.organisation_name.strip(),
        role=data.role.strip(),
        attended=data.attended,
        code=new_participant_code(taken),
    )
    participant.full_clean(exclude=["session"])
    return participant


@transaction.atomic
def participant_add(
    *, actor: User | None, session: TrainingSession, data: ParticipantInput, request: Any = None
) -> Participant:
    """Added by an officer, or (``actor`` None) registered by the participant from the test link."""
    if actor is not None:
        require_manager(actor)
    elif not session.self_registration:
        raise PermissionDenied
    taken = set(session.participants.values_list("code", flat=True))
    participant = _participant(session, data, taken)
    participant.save()
    record(
        "programs.training.participant_added",
        actor=actor,
        target=session,
        request=request,
        details={"participant": str(participant.pk), "via": "officer" if actor else "test link"},
    )
    return participant


@transaction.atomic
def participant_remove(*, actor: User, participant: Participant, request: Any = None) -> None:
    require_manager(actor)
    record(
        "programs.training.participant_removed",
        actor=actor,
        target=participant.session,
        request=request,
        details={"participant": str(participant.pk)},
    )
    participant.delete()


@transaction.atomic
def attendance_set(*, actor: User, session: TrainingSession, present: set[str], request: Any = None) -> int:
    """Marks who attended (the participants whose ids are in ``present``) and who did not."""
    require_manager(actor)
    participants = session.participants.all()
    participants.filter(pk__in=present).update(attended=True)
    participants.exclude(pk__in=present).update(attended=False)
    count = participants.filter(attended=True).count()
    record("programs.training.attendance_set", actor=actor, target=session, request=request, details={"present": count})
    return count


@transaction.atomic
def score_enter(*, actor: User, participant: Participant, kind: str, score: int, request: Any = None) -> Score:
    """A score from a paper test; replaces an earlier entered or imported one, never an online one."""
    require_manager(actor)
    if not 0 <= score <= 100:
        raise ValidationError({"score": [_("A score is a percentage from 0 to 100.")]})
    existing = participant.results.filter(kind=kind).first()
    if existing and existing.source == Score.Source.ONLINE:
        raise ValidationError({"score": [_("This participant took this test online; that score stands.")]})
    result, _created = Score.objects.update_or_create(
        participant=participant,
        kind=kind,
        defaults={"score": score, "source": Score.Source.ENTERED, "taken_at": timezone.now()},
    )
    record(
        "programs.training.score_entered",
        actor=actor,
        target=participant.session,
        request=request,
        details={"participant": str(participant.pk), "kind": kind, "score": score},
    )
    return result


def _self_paced_label() -> str:
    from django.utils import translation

    with translation.override("id"):  # stored data: in the project's first language
        return _("Self-paced online course")


def self_paced_session(*, module: Module, year: int, province: Any = None) -> TrainingSession:
    """The intake of a self-paced online course for a year and province (or none): made when first needed.

    Intakes are ordinary sessions (online, both tests open, self-registration on), so every training count,
    the knowledge gain and the certificates treat a course's learners like any other participants, counted by
    year and province; ``self_paced`` sets them apart as their own audience.
    """
    from datetime import date

    with transaction.atomic():
        Module.objects.select_for_update().filter(pk=module.pk).first()  # one intake per year and province
        found = TrainingSession.objects.filter(
            module=module, self_paced=True, starts_on=date(year, 1, 1), region=province
        ).first()
        if found is not None:
            return found
        session = TrainingSession.objects.create(
            module=module,
            self_paced=True,
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            online=True,
            region=province,
            trainers=_self_paced_label(),
            test_token=secrets.token_urlsafe(18),
            pre_test_open=True,
            post_test_open=True,
            self_registration=True,
        )
        record("programs.training.session_created", target=session, details={"self_paced": True})
        return session


@transaction.atomic
def course_completed(*, participant: Participant, request: Any = None) -> None:
    """A self-paced learner finished the lessons: that is their attendance (the post-test opens)."""
    if not participant.session.self_paced or participant.attended:
        return
    participant.attended = True
    participant.save(update_fields=["attended"])
    record(
        "programs.training.course_completed",
        target=participant.session,
        request=request,
        details={"participant": str(participant.pk)},
    )
