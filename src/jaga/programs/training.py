"""Training: modules with versioned materials and a question bank, sessions, participants, tests and certificates.

Participants take the pre- and post-test from the session's link (or its QR code) without an
account: they type their participant code, or register themselves when the session allows it.
Scores can also be entered or imported. A participant who attended and reached the module's pass
mark in the post-test gets a certificate whose code anyone can check on the public page.
"""

from __future__ import annotations

import io
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.audit.services import record
from jaga.cases.imports import ImportFileError, read_table
from jaga.core.files import active_content
from jaga.programs.access import require_manager
from jaga.programs.models import (
    Certificate,
    Material,
    Module,
    Participant,
    Question,
    Score,
    TrainingSession,
)

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = {  # what the content starts with or holds -> (extension, MIME type)
    "pdf": ("pdf", "application/pdf"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CERTIFICATE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: 12 symbols are 60 bits
CERTIFICATE_PREFIX = "SERT"  # not the hotline's "JG-": a tracking code typed here matches nothing
IMPORT_MAX_ROWS = 2000
IMPORT_COLUMNS = ["full_name", "organisation", "role", "sex", "attended", "pre_score", "post_score"]
SEXES = {
    "female": "female", "f": "female", "perempuan": "female", "p": "female", "wanita": "female",
    "male": "male", "m": "male", "laki-laki": "male", "l": "male", "pria": "male",
}  # fmt: skip


# --- Modules, materials, questions -----------------------------------------------------------------


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


# --- Sessions and participants ---------------------------------------------------------------------


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


def _new_code(taken: set[str]) -> str:
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
        code=_new_code(taken),
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


class ImportRejected(ValueError):
    """The file is not imported; ``errors`` lists (row, column, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def _score(value: str) -> int | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ValueError(_("is not a number")) from None
    if not 0 <= number <= 100:
        raise ValueError(_("must be a percentage from 0 to 100"))
    return round(number)


def _yes_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"yes", "ya", "y", "1", "true", "hadir"}:
        return True
    if lowered in {"no", "tidak", "n", "0", "false", "", "absen"}:
        return False
    raise ValueError(_("must be yes or no"))


IMPORT_LIMITS = {"full_name": 200, "organisation": 200, "role": 120}


@transaction.atomic
def participants_import(*, actor: User, session: TrainingSession, data: bytes, request: Any = None) -> int:
    """Participants (and optionally attendance and scores) from XLSX or CSV: every row is checked, then all or none.

    Columns: full_name, sex (required); organisation (a Jaga organisation's name, or any other
    name), role, attended (yes/no), pre_score and post_score (0 to 100). Raises ``ImportRejected``
    or ``ImportFileError``; messages name the row and column, never the value.
    """
    require_manager(actor)
    rows = read_table(data)
    header = [cell.strip().lower() for cell in next(rows, [])]
    if not header or not any(header):
        raise ImportFileError(_("The file is empty. Download the template and fill it in."))
    unknown = [name for name in header if name and name not in IMPORT_COLUMNS]
    missing = [name for name in ("full_name", "sex") if name not in header]
    if unknown or missing:
        problems = []
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        raise ImportFileError(_("The header is not the template's (%(problems)s).") % {"problems": "; ".join(problems)})
    organisations = {org.name.casefold(): org for org in Organisation.objects.filter(is_active=True)}
    taken = set(session.participants.values_list("code", flat=True))
    errors: list[tuple[int, str, str]] = []
    ready: list[tuple[Participant, int | None, int | None]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(ready) + len(errors) >= IMPORT_MAX_ROWS:
            raise ImportFileError(_("A session import takes at most 2,000 rows."))
        cells = dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=False))
        before = len(errors)
        if not cells.get("full_name", "").strip():
            errors.append((number, "full_name", _("is required")))
        for column, most in IMPORT_LIMITS.items():  # the same limits as the forms: refused, never cut
            if len(cells.get(column, "")) > most:
                errors.append((number, column, _("is longer than %(max)s characters") % {"max": most}))
        sex = SEXES.get(cells.get("sex", "").strip().lower())
        if sex is None:
            errors.append((number, "sex", _("must be female or male (perempuan or laki-laki)")))
        values: dict[str, Any] = {}
        for column, parse in (("attended", _yes_no), ("pre_score", _score), ("post_score", _score)):
            try:
                values[column] = parse(cells.get(column, ""))
            except ValueError as exc:
                errors.append((number, column, str(exc)))
        if len(errors) > before:
            continue
        name = cells.get("organisation", "").strip()
        data_in = ParticipantInput(
            full_name=cells["full_name"],
            sex=sex or "",
            organisation=organisations.get(name.casefold()),
            organisation_name=name,
            role=cells.get("role", ""),
            attended=values["attended"],
        )
        try:
            participant = _participant(session, data_in, taken)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                column = {"organisation_name": "organisation"}.get(field, field)
                errors.extend((number, column, message) for message in messages)
            continue
        ready.append((participant, values["pre_score"], values["post_score"]))
    if errors:
        raise ImportRejected(errors)
    if not ready:
        raise ImportFileError(_("The file has a header but no participants."))
    Participant.objects.bulk_create([participant for participant, _pre, _post in ready])
    results = [
        Score(participant=participant, kind=kind, score=score, source=Score.Source.IMPORTED)
        for participant, pre, post in ready
        for kind, score in (("pre", pre), ("post", post))
        if score is not None
    ]
    Score.objects.bulk_create(results)
    record(
        "programs.training.participants_imported",
        actor=actor,
        target=session,
        request=request,
        details={"participants": len(ready), "scores": len(results)},
    )
    return len(ready)


def import_template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "participants"
    sheet.append(IMPORT_COLUMNS)
    sheet.append(["Nama Contoh", "Polda Bali", "Penyidik PPA", "perempuan", "ya", 55, 85])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Tests taken from the link ---------------------------------------------------------------------


def session_for_token(token: str) -> TrainingSession | None:
    if not token or len(token) > 40:
        return None
    return TrainingSession.objects.select_related("module").filter(test_token=token).first()


def participant_for_code(session: TrainingSession, code: str) -> Participant | None:
    code = "".join(code.split()).upper()
    if not code or len(code) > 8:
        return None
    return session.participants.filter(code=code).first()


def questions(session: TrainingSession) -> list[Question]:
    return list(session.module.questions.filter(active=True))


def test_open(session: TrainingSession, kind: str) -> bool:
    return session.pre_test_open if kind == Score.Kind.PRE else session.post_test_open


@transaction.atomic
def test_submit(
    *, session: TrainingSession, participant: Participant, kind: str, answers: dict[str, str], request: Any = None
) -> Score:
    """Scores a test taken from the link. Every question must be answered; each test is taken once."""
    if participant.session_id != session.pk:
        raise PermissionDenied
    if kind not in Score.Kind.values or not test_open(session, kind):
        raise ValidationError(_("This test is not open. Ask your trainer."))
    if participant.results.filter(kind=kind).exists():
        raise ValidationError(_("You have already taken this test."))
    asked = questions(session)
    if not asked:
        raise ValidationError(_("This module has no questions yet. Ask your trainer."))
    chosen: dict[str, int] = {}
    unanswered = []
    for number, question in enumerate(asked, start=1):
        value = answers.get(str(question.pk), "")
        if not value.isdigit() or int(value) >= len(question.options):
            unanswered.append(str(number))
        else:
            chosen[str(question.pk)] = int(value)
    if unanswered:
        raise ValidationError(
            _("Answer every question: %(numbers)s not answered.") % {"numbers": ", ".join(unanswered)}
        )
    correct = sum(1 for question in asked if chosen[str(question.pk)] == question.answer)
    try:
        with transaction.atomic():
            result = Score.objects.create(
                participant=participant,
                kind=kind,
                score=round(100 * correct / len(asked)),
                correct=correct,
                asked=len(asked),
                answers=chosen,
                source=Score.Source.ONLINE,
            )
    except IntegrityError:  # the same test sent twice at once
        raise ValidationError(_("You have already taken this test.")) from None
    record(
        "programs.training.test_taken",
        target=session,
        request=request,
        details={"participant": str(participant.pk), "kind": kind, "score": result.score},
    )
    if kind == Score.Kind.POST:
        certificate_issue_if_earned(participant, actor=None, request=request)
    return result


# --- Knowledge gain ----------------------------------------------------------------------------------


@dataclass
class Gain:
    participants: int
    attended: int
    pre_taken: int
    post_taken: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None  # post minus pre, in percentage points, over participants with both
    passed: int
    pass_share: float | None  # share of post-test takers at or above the pass mark, in %
    certificates: int


def gain(participants: QuerySet[Participant]) -> Gain:
    """Knowledge gain over any set of participants (one session, a module, a year, a region)."""
    rows = list(participants.select_related("session__module").prefetch_related("results"))
    scores: dict[str, dict[str, int]] = defaultdict(dict)
    passed = 0
    for participant in rows:
        for result in participant.results.all():
            scores[participant.pk][result.kind] = result.score
        post = scores[participant.pk].get("post")
        if post is not None and post >= participant.session.module.pass_mark:
            passed += 1
    pre = [s["pre"] for s in scores.values() if "pre" in s]
    post = [s["post"] for s in scores.values() if "post" in s]
    both = [s["post"] - s["pre"] for s in scores.values() if "pre" in s and "post" in s]
    return Gain(
        participants=len(rows),
        attended=sum(1 for p in rows if p.attended),
        pre_taken=len(pre),
        post_taken=len(post),
        mean_pre=round(mean(pre), 1) if pre else None,
        mean_post=round(mean(post), 1) if post else None,
        mean_gain=round(mean(both), 1) if both else None,
        passed=passed,
        pass_share=round(100 * passed / len(post), 1) if post else None,
        certificates=Certificate.objects.filter(participant__in=participants, revoked_at=None).count(),
    )


# --- Certificates ------------------------------------------------------------------------------------


def _certificate_code() -> str:
    symbols = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(12))
    return f"{CERTIFICATE_PREFIX}-{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def earned(participant: Participant) -> bool:
    post = next((r for r in participant.results.all() if r.kind == Score.Kind.POST), None)
    return participant.attended and post is not None and post.score >= participant.session.module.pass_mark


def certificate_issue_if_earned(participant: Participant, *, actor: User | None, request: Any = None) -> bool:
    if hasattr(participant, "certificate") or not earned(participant):
        return False
    certificate = Certificate.objects.create(participant=participant, code=_certificate_code(), issued_by=actor)
    record(
        "programs.training.certificate_issued",
        actor=actor,
        target=participant.session,
        request=request,
        details={"certificate": str(certificate.pk)},
    )
    return True


@transaction.atomic
def certificates_issue(*, actor: User, session: TrainingSession, request: Any = None) -> int:
    """Issues a certificate to every participant who attended and passed and has none yet."""
    require_manager(actor)
    participants = session.participants.select_related("session__module", "certificate").prefetch_related("results")
    return sum(certificate_issue_if_earned(p, actor=actor, request=request) for p in participants)


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str, request: Any = None) -> None:
    require_manager(actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    record(
        "programs.training.certificate_revoked",
        actor=actor,
        target=certificate.participant.session,
        request=request,
        details={"certificate": str(certificate.pk)},
    )


def certificate_lookup(code: str) -> Certificate | None:
    """The certificate with this code (spaces, hyphens, case and the prefix optional; O read as 0, I and L as 1)."""
    symbols = "".join(ch for ch in code.upper() if ch.isalnum())
    symbols = symbols.translate(str.maketrans("OIL", "011"))
    symbols = symbols.removeprefix(CERTIFICATE_PREFIX)
    if len(symbols) != 12 or any(ch not in CERTIFICATE_ALPHABET for ch in symbols):
        return None
    normal = f"{CERTIFICATE_PREFIX}-{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"
    return (
        Certificate.objects.select_related("participant__session__module", "participant__organisation")
        .filter(code=normal)
        .first()
    )


def _latin(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1; anything else is transliterated or replaced."""
    import unicodedata

    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


def _period(starts: date, ends: date) -> str:
    return starts.isoformat() if starts == ends else f"{starts.isoformat()} - {ends.isoformat()}"


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """An A4 landscape certificate in Indonesian and English, with the code and a QR code of ``verify_url``."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    participant = certificate.participant
    session = participant.session
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(_latin(f"Sertifikat {certificate.code}"))
    pdf.setAuthor("Jaga")
    pdf.setLineWidth(3)
    pdf.rect(28, 28, width - 56, height - 56)
    centre = width / 2
    lines = [
        ("Helvetica-Bold", 30, height - 120, "SERTIFIKAT"),
        ("Helvetica-Oblique", 14, height - 142, "Certificate"),
        ("Helvetica", 14, height - 190, "Diberikan kepada / Awarded to"),
        ("Helvetica-Bold", 24, height - 225, participant.full_name),
        ("Helvetica", 12, height - 248, participant.organisation_label),
        ("Helvetica", 14, height - 290, "yang telah mengikuti dan lulus pelatihan / who attended and passed"),
        ("Helvetica-Bold", 18, height - 318, session.module.title),
        ("Helvetica", 12, height - 342, f"{_period(session.starts_on, session.ends_on)}  ·  "
         f"{'daring / online' if session.online else session.place}"),
    ]  # fmt: skip
    for font, size, y, text in lines:
        pdf.setFont(font, size)
        pdf.drawCentredString(centre, y, _latin(text)[:110])
    pdf.setFont("Helvetica", 10)
    pdf.drawString(60, 90, _latin(f"Pelatih / Trainers: {session.trainers}")[:120])
    pdf.drawString(60, 74, f"Diterbitkan / Issued: {certificate.issued_at.date().isoformat()}")
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(60, 56, f"Kode verifikasi / Verification code: {certificate.code}")
    widget = QrCodeWidget(verify_url)
    x0, y0, x1, y1 = widget.getBounds()
    size = 100
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - 60 - size, 44)
    pdf.setFont("Helvetica", 8)
    pdf.drawRightString(width - 60, 36, _latin(verify_url)[:90])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
