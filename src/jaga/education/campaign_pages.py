"""Campaign landing pages (/kampanye/<address>/): a campaign's message, lessons to read and the report form,
with visits counted per day without cookies, third-party scripts or addresses; a QR code for posters; the
counted reach shown on the campaign's page (``JAGA_CAMPAIGN_PARTS``) beside the reach typed in for events."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.education.models import CampaignPage, Lesson, PageVisit
from jaga.education.services import bump
from jaga.programs.campaigns.models import Campaign


@transaction.atomic
def page_create(
    *,
    actor: User,
    campaign: Campaign,
    title_id: str,
    message_id: str,
    title_en: str = "",
    message_en: str = "",
    lessons: list[Lesson] | None = None,
    published: bool = True,
    request: HttpRequest | None = None,
) -> CampaignPage:
    if not user_has_perm(actor, "education.write"):
        raise PermissionDenied
    errors = {}
    if not title_id.strip():
        errors["title_id"] = [_("Write it in Bahasa Indonesia; the English can follow.")]
    if not message_id.strip():
        errors["message_id"] = [_("Write it in Bahasa Indonesia; the English can follow.")]
    if errors:
        raise ValidationError(errors)
    base = slugify(title_id)[:70] or "kampanye"
    slug, n = base, 1
    while CampaignPage.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    page = CampaignPage.objects.create(
        slug=slug,
        campaign=campaign,
        title_id=title_id.strip(),
        title_en=title_en.strip(),
        message_id=message_id.strip(),
        message_en=message_en.strip(),
        published=published,
        created_by=actor,
    )
    page.lessons.set(lessons or [])
    record("education.campaign_page.created", actor=actor, target=campaign, request=request, details={"page": slug})
    return page


def visit(page: CampaignPage) -> None:
    bump(PageVisit, page=page)


def visits(campaign: Campaign | None = None, year: int | None = None) -> int:
    found = PageVisit.objects.all()
    if campaign is not None:
        found = found.filter(page__campaign=campaign)
    if year is not None:
        found = found.filter(day__year=year)
    return int(found.aggregate(n=Sum("count"))["n"] or 0)


def campaign_part(campaign: Campaign) -> dict[str, Any] | None:
    """For the campaign's page: its landing pages and the visits counted (None without a page)."""
    pages = list(CampaignPage.objects.filter(campaign=campaign))
    if not pages:
        return None
    return {"template": "education/_campaign_part.html", "pages": pages, "visits": visits(campaign)}
