"""Documents attached to a case: type recognised from the bytes, size-limited, encrypted at rest."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.cases.models import Attachment, Case, CaseEvent
from jaga.cases.timeline import case_event
from jaga.core import crypto
from jaga.core.files import active_content, detect_type


@transaction.atomic
def attachment_add(
    *, actor: User, case: Case, filename: str, data: bytes, request: HttpRequest | None = None
) -> Attachment:
    from jaga.cases.details import _check_case_edit

    _check_case_edit(actor, case)
    limit = settings.JAGA_ATTACHMENT_MAX_MB * 1024 * 1024
    if len(data) > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.JAGA_ATTACHMENT_MAX_MB}}
        )
    content_type = detect_type(data)
    if content_type is None:
        raise ValidationError({"file": _("Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files can be attached.")})
    danger = active_content(data)
    if danger:
        raise ValidationError({"file": danger})
    attachment = Attachment(
        case=case, filename=filename[:200], content_type=content_type, size=len(data), uploaded_by=actor
    )
    attachment.data = crypto.encrypt_bytes(data, context=attachment.crypto_context)
    attachment.save()
    case_event(case=case, kind=CaseEvent.Kind.ATTACHMENT_ADDED, actor=actor)
    record(
        "cases.attachment.added",
        actor=actor,
        target=case,
        request=request,
        details={"attachment": str(attachment.pk), "type": content_type, "size": len(data)},
    )
    return attachment


def attachment_read(*, actor: User, attachment: Attachment, request: HttpRequest | None = None) -> bytes:
    """The plain bytes, for someone allowed to see identities; every download is audited."""
    from jaga.cases.access import may_see_identity

    if not may_see_identity(actor):
        raise PermissionDenied
    record(
        "cases.attachment.downloaded",
        actor=actor,
        target=attachment.case,
        request=request,
        details={"attachment": str(attachment.pk)},
    )
    return crypto.decrypt_bytes(bytes(attachment.data), context=attachment.crypto_context)
