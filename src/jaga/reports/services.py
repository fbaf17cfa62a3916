"""The annual report's workflow: draft, review (comments per section), approval by the head of the
organisation that makes it, publication. Approval freezes the figures (both languages, with their
SHA-256); publication makes the files in the background; a correction is a new version that lists
what changed. Every step is audited in the same transaction; narrative texts are never put in the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record
from jaga.core.jobs import heartbeat
from jaga.notifications.models import Kind
from jaga.notifications.services import notify
from jaga.regions.models import Region
from jaga.reports import content as report_content
from jaga.reports import render
from jaga.reports.models import LANGS, AnnualReport, ReportComment, ReportFile

State = AnnualReport.State
MAX_TEXT = 10_000
FIRST_YEAR = 2000


def narrative_keys() -> list[str]:
    return ["foreword", "messages", *(f"section:{key}" for key in report_content.SECTION_KEYS)]


def scope_of(report: AnnualReport) -> report_content.Scope:
    return report_content.Scope(
        kind=report.scope,
        province=report.province_id or "",
        organisation_id=report.organisation_id,
        name="" if report.scope == AnnualReport.Scope.NATIONAL else report.scope_name,
    )


def _earlier(report: AnnualReport, lang: str) -> Any:
    def find(year: int) -> dict[str, Any] | None:
        edition = (
            AnnualReport.objects.filter(
                year=year,
                scope=report.scope,
                province=report.province,
                organisation=report.organisation,
                state=State.PUBLISHED,
            )
            .order_by("-version")
            .first()
        )
        return edition.content.get(lang) if edition is not None and edition.content else None

    return find


def content_of(report: AnnualReport, lang: str) -> dict[str, Any]:
    """The figures frozen at approval; before approval, the live figures."""
    if report.content:
        return dict(report.content[lang])
    return report_content.build(scope_of(report), report.year, lang, earlier=_earlier(report, lang))


def _reference(report: AnnualReport) -> str:
    return f"{report.year} {report.scope_name} v{report.version}"


def _fresh(report: AnnualReport) -> AnnualReport:
    """The report read again under a row lock: its state decides the step, whatever the caller holds."""
    return AnnualReport.objects.select_for_update(of=("self",)).select_related("previous").get(pk=report.pk)


def _check_edit(actor: User, report: AnnualReport) -> None:
    if not user_has_perm(actor, "reports.edit") or actor.organisation_id != report.owner_id:
        raise PermissionDenied


def _check_head(actor: User, report: AnnualReport) -> None:
    if not user_has_perm(actor, "reports.approve") or actor.organisation_id != report.owner_id:
        raise PermissionDenied


@transaction.atomic
def report_create(
    *,
    actor: User,
    year: int,
    scope: str,
    province: Region | None = None,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> AnnualReport:
    if not user_has_perm(actor, "reports.edit"):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        errors["year"] = [_("A year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": this_year}]
    own = actor.organisation
    if scope == AnnualReport.Scope.NATIONAL:
        province = organisation = None
        if not own.is_national:
            errors["scope"] = [_("Only a national organisation makes the national report.")]
    elif scope == AnnualReport.Scope.PROVINCE:
        organisation = None
        if province is None or province.level != Region.Level.PROVINCE:
            errors["province"] = [_("Choose the province.")]
        elif not own.covers(province.code):
            errors["province"] = [_("That province is outside your organisation's jurisdiction.")]
    elif scope == AnnualReport.Scope.ORGANISATION:
        province, organisation = None, own
    else:
        errors["scope"] = [_("Choose national, a province or your organisation.")]
    if errors:
        raise ValidationError(errors)
    live = AnnualReport.objects.filter(year=year, scope=scope, province=province, organisation=organisation).exclude(
        state=State.SUPERSEDED
    )
    if live.exists():
        raise ValidationError({"year": [_("This report exists already: open it from the list.")]})
    report = AnnualReport.objects.create(
        year=year, scope=scope, province=province, organisation=organisation, owner=own, created_by=actor
    )
    record(
        "reports.report.created",
        actor=actor,
        target=report,
        request=request,
        details={"year": year, "scope": scope, "province": report.province_id or ""},
    )
    return report


def _editable(report: AnnualReport) -> None:
    if not report.editable:
        raise ValidationError(_("The report is approved: its texts and figures no longer change."))


@transaction.atomic
def narrative_save(
    *, actor: User, report: AnnualReport, key: str, texts: dict[str, str], request: HttpRequest | None = None
) -> None:
    _check_edit(actor, report)
    report = _fresh(report)
    _editable(report)
    if key not in narrative_keys():
        raise ValidationError(_("Not a part of the report."))
    cleaned = {lang: (texts.get(lang) or "").replace("\r\n", "\n").strip() for lang in LANGS}
    too_long = [lang for lang, text in cleaned.items() if len(text) > MAX_TEXT]
    if too_long:
        raise ValidationError({f"text_{lang}": [_("At most %(n)s characters.") % {"n": MAX_TEXT}] for lang in too_long})
    narrative = dict(report.narrative)
    narrative[key] = cleaned
    report.narrative = narrative
    report.save(update_fields=["narrative"])
    record(
        "reports.narrative.saved",
        actor=actor,
        target=report,
        request=request,
        details={"part": key, "characters": {lang: len(t) for lang, t in cleaned.items()}},
    )


@transaction.atomic
def comment_add(
    *, actor: User, report: AnnualReport, section: str, text: str, request: HttpRequest | None = None
) -> ReportComment:
    if not (user_has_perm(actor, "reports.edit") or user_has_perm(actor, "reports.approve")):
        raise PermissionDenied
    if actor.organisation_id != report.owner_id:
        raise PermissionDenied
    _editable(report)
    text = text.strip()
    if section not in ["general", *narrative_keys()]:
        raise ValidationError({"section": [_("Choose the part of the report.")]})
    if not text:
        raise ValidationError({"text": [_("Write the comment.")]})
    comment = ReportComment.objects.create(report=report, section=section, text=text[:2000], created_by=actor)
    record("reports.comment.added", actor=actor, target=report, request=request, details={"part": section})
    return comment


@transaction.atomic
def comment_resolve(*, actor: User, comment: ReportComment, request: HttpRequest | None = None) -> None:
    _check_edit(actor, comment.report)
    comment.resolved_at = timezone.now()
    comment.save(update_fields=["resolved_at"])
    record(
        "reports.comment.resolved",
        actor=actor,
        target=comment.report,
        request=request,
        details={"part": comment.section},
    )


@transaction.atomic
def report_submit(*, actor: User, report: AnnualReport, request: HttpRequest | None = None) -> None:
    _check_edit(actor, report)
    report = _fresh(report)
    if report.state != State.DRAFT:
        raise ValidationError(_("Only a draft is sent for approval."))
    if report.version > 1 and not report.corrections.strip():
        raise ValidationError(_("Say what this version corrects before sending it for approval."))
    report.state, report.submitted_at = State.REVIEW, timezone.now()
    report.save(update_fields=["state", "submitted_at"])
    record("reports.report.submitted", actor=actor, target=report, request=request)
    notify(
        users=holders(report.owner_id, "reports.approve"),
        kind=Kind.REPORT_SUBMITTED,
        url=f"/reports/{report.pk}/",
        reference=_reference(report),
    )


@transaction.atomic
def report_return(*, actor: User, report: AnnualReport, reason: str, request: HttpRequest | None = None) -> None:
    _check_head(actor, report)
    report = _fresh(report)
    if report.state != State.REVIEW:
        raise ValidationError(_("Only a report in review is returned."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what to change.")]})
    ReportComment.objects.create(report=report, section="general", text=reason.strip()[:2000], created_by=actor)
    report.state = State.DRAFT
    report.save(update_fields=["state"])
    record("reports.report.returned", actor=actor, target=report, request=request)
    people = [u for u in [report.created_by] if u is not None]
    notify(users=people, kind=Kind.REPORT_RETURNED, url=f"/reports/{report.pk}/", reference=_reference(report))


def _flat(content: dict[str, Any]) -> dict[str, str]:
    """Every published figure of an edition by a readable name, for listing what a correction changed."""
    found: dict[str, str] = {}
    for item in content["sections"]:
        for label, value in item["figures"]:
            found[f"{item['title']} · {label}"] = value
        for table in item["blocks"]:
            for row in table["rows"]:
                for header, cell in zip(table["header"], row[1:], strict=False):
                    found[f"{item['title']} · {table['title']} · {row[0]} · {header}"] = cell
            if table["total"]:
                found[f"{item['title']} · {table['title']} · {_('Total')}"] = table["total"]
    return found


@transaction.atomic
def report_approve(*, actor: User, report: AnnualReport, request: HttpRequest | None = None) -> None:
    """Freezes the figures as of now in both languages, with their fingerprint."""
    _check_head(actor, report)
    report = _fresh(report)
    if report.state != State.REVIEW:
        raise ValidationError(_("Only a report in review is approved."))
    frozen = {lang: content_of(report, lang) for lang in LANGS}
    report.content, report.content_hash = frozen, render.content_hash(frozen)
    report.figures_as_of = timezone.now()
    report.state, report.approved_by, report.approved_at = State.APPROVED, actor, timezone.now()
    if report.previous is not None and report.previous.content:
        changed = {}
        for lang in LANGS:
            before, after = _flat(report.previous.content[lang]), _flat(frozen[lang])
            names = sorted(set(before) | set(after))
            changed[lang] = [
                [name, before.get(name, "—"), after.get(name, "—")]
                for name in names
                if before.get(name) != after.get(name)
            ]
        report.changed_figures = changed
    report.save()
    record(
        "reports.report.approved", actor=actor, target=report, request=request, details={"sha256": report.content_hash}
    )


def _render_queue(report: AnnualReport, *, publish: bool, queue: bool = True) -> None:
    from jaga.reports.tasks import render_report

    if report.render == AnnualReport.Render.RUNNING:
        raise ValidationError(_("The files are being made already."))
    report.render, report.render_progress, report.render_error = AnnualReport.Render.RUNNING, 0, ""
    report.publish_when_made = publish
    report.heartbeat_at = timezone.now()
    report.save(update_fields=["render", "render_progress", "render_error", "publish_when_made", "heartbeat_at"])
    if queue:
        render_report.enqueue(str(report.pk))  # in the same transaction: the queue is in the database


def report_publish(
    *, actor: User, report: AnnualReport, request: HttpRequest | None = None, background: bool = True
) -> None:
    """Queues the final files; the edition is published when they are made (``background`` False: made
    now, in this process, as the demo does)."""
    with transaction.atomic():
        _check_head(actor, report)
        report = _fresh(report)
        if report.state != State.APPROVED:
            raise ValidationError(_("Only an approved report is published."))
        _render_queue(report, publish=True, queue=background)
        record("reports.report.publish_requested", actor=actor, target=report, request=request)
    if not background:
        files_make(report.pk)


@transaction.atomic
def report_files_make(*, actor: User, report: AnnualReport, request: HttpRequest | None = None) -> None:
    """A draft's files (marked as a draft on every page), to read the whole report before approval."""
    _check_edit(actor, report)
    report = _fresh(report)
    if report.state not in (State.DRAFT, State.REVIEW, State.APPROVED):
        raise ValidationError(_("A published edition's files are made once."))
    _render_queue(report, publish=False)
    record("reports.files.requested", actor=actor, target=report, request=request)


def files_make(report_id: Any) -> None:
    """The worker's task: the HTML edition, the PDF and the data package in each language, then, when
    asked, publication (the previous version, if any, becomes superseded)."""
    report = AnnualReport.objects.select_related("province", "organisation", "previous").get(pk=report_id)
    steps = len(LANGS) * 3
    done = 0
    try:
        with heartbeat(AnnualReport, report.pk):
            made = []
            for lang in LANGS:
                data = content_of(report, lang)
                page = render.html(
                    data, narrative=report.narrative, lang=lang, state=report.state, extra=edition_extra(report, lang)
                )
                for kind in ("html", "pdf", "data"):
                    if kind == "html":
                        made.append((kind, lang, page.encode("utf-8")))
                    elif kind == "pdf":
                        made.append((kind, lang, render.pdf(page)))
                    else:
                        made.append((kind, lang, render.datapackage(data)))
                    done += 1
                    AnnualReport.objects.filter(pk=report.pk).update(render_progress=round(100 * done / steps))
    except Exception as exc:
        AnnualReport.objects.filter(pk=report.pk).update(
            render=AnnualReport.Render.FAILED, render_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        record("reports.files.failed", actor=None, target=report, details={"error": type(exc).__name__})
        raise
    _files_store(report, made)


@transaction.atomic
def _files_store(report: AnnualReport, made: Sequence[tuple[str, str, bytes]]) -> None:
    import hashlib

    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    ReportFile.objects.filter(report=report).delete()
    ReportFile.objects.bulk_create(
        [
            ReportFile(
                report=report, kind=kind, lang=lang, data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest()
            )
            for kind, lang, data in made
        ]
    )
    report.render, report.render_progress = AnnualReport.Render.DONE, 100
    fields = ["render", "render_progress"]
    if report.publish_when_made and report.state == State.APPROVED:
        report.state, report.published_at = State.PUBLISHED, timezone.now()
        fields += ["state", "published_at"]
        if report.previous is not None:
            AnnualReport.objects.filter(pk=report.previous.pk).update(state=State.SUPERSEDED)
        record("reports.report.published", actor=None, target=report, details={"sha256": report.content_hash})
        people = holders(report.owner_id, "reports.edit")
        notify(users=people, kind=Kind.REPORT_PUBLISHED, url=f"/laporan/{report.pk}/", reference=_reference(report))
    report.save(update_fields=fields)
    record("reports.files.made", actor=None, target=report, details={"files": len(made)})


def edition_extra(report: AnnualReport, lang: str) -> dict[str, Any]:
    return {
        "version": report.version,
        "published_at": report.published_at or (timezone.now() if report.publish_when_made else None),
        "content_hash": report.content_hash,
        "corrections": render.paragraphs(report.corrections),
        "changed_figures": (report.changed_figures or {}).get(lang, []),
        "previous_version": report.version - 1,
    }


@transaction.atomic
def report_correct(*, actor: User, report: AnnualReport, request: HttpRequest | None = None) -> AnnualReport:
    """A new version of a published edition, as a draft with the same texts, to be approved again."""
    _check_edit(actor, report)
    report = _fresh(report)
    if report.state != State.PUBLISHED:
        raise ValidationError(_("Only the published edition is corrected."))
    if hasattr(report, "correction"):
        raise ValidationError(_("A correction of this edition is under way already."))
    new = AnnualReport.objects.create(
        year=report.year,
        scope=report.scope,
        province=report.province,
        organisation=report.organisation,
        owner=report.owner,
        version=report.version + 1,
        previous=report,
        narrative=report.narrative,
        created_by=actor,
    )
    record(
        "reports.report.correction_started",
        actor=actor,
        target=new,
        request=request,
        details={"corrects": str(report.pk), "version": new.version},
    )
    return new


@transaction.atomic
def corrections_save(*, actor: User, report: AnnualReport, text: str, request: HttpRequest | None = None) -> None:
    _check_edit(actor, report)
    report = _fresh(report)
    _editable(report)
    report.corrections = text.strip()[:MAX_TEXT]
    report.save(update_fields=["corrections"])
    record("reports.corrections.saved", actor=actor, target=report, request=request)


def renders_expire_stale() -> int:
    """The worker's sweep: files whose making stopped beating (a dead worker) are marked failed, to retry."""
    cutoff = timezone.now() - timedelta(minutes=settings.JAGA_JOB_STALE_MINUTES)
    return AnnualReport.objects.filter(render=AnnualReport.Render.RUNNING, heartbeat_at__lt=cutoff).update(
        render=AnnualReport.Render.FAILED, render_error="The worker stopped while making the files; make them again."
    )
