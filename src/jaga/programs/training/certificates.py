"""Certificates: earned by attendance and the post-test, verifiable by code, revocable with a reason."""

from __future__ import annotations

import io
import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.programs.access import require_manager
from jaga.programs.training.models import Certificate, Participant, Score, TrainingSession

CERTIFICATE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: 12 symbols are 60 bits


CERTIFICATE_PREFIX = "SERT"  # not the hotline's "JG-": a tracking code typed here matches nothing


def new_certificate_code() -> str:
    symbols = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(12))
    return f"{CERTIFICATE_PREFIX}-{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def earned(participant: Participant) -> bool:
    post = next((r for r in participant.results.all() if r.kind == Score.Kind.POST), None)
    return participant.attended and post is not None and post.score >= participant.session.module.pass_mark


def certificate_issue_if_earned(participant: Participant, *, actor: User | None, request: Any = None) -> bool:
    if hasattr(participant, "certificate") or not earned(participant):
        return False
    certificate = Certificate.objects.create(participant=participant, code=new_certificate_code(), issued_by=actor)
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
    if session.self_paced:  # a course taken alone: no session dates or trainers, the day it was passed
        lines[-1] = ("Helvetica", 12, height - 342, "kursus mandiri daring / self-paced online course  ·  "
                     f"{certificate.issued_at.date().isoformat()}")  # fmt: skip
    for font, size, y, text in lines:
        pdf.setFont(font, size)
        pdf.drawCentredString(centre, y, _latin(text)[:110])
    pdf.setFont("Helvetica", 10)
    if not session.self_paced:
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
