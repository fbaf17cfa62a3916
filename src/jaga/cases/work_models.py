"""The work on a case: its assessment, its case plan, its closure request (each approved by a
supervisor) and its tasks with due dates. Free texts are encrypted: people type names into them.

``cases.workflow`` is the state machine that moves a case's status when these are approved;
``cases.casetasks`` makes and closes the tasks. These models live here, beside ``models.py``,
and are imported by it so that Django registers them in the ``cases`` app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.cases.choices import RiskLevel, Service
from jaga.core.fields import EncryptedTextField
from jaga.core.models import Created, CreatedBy

RISK_RATINGS = RiskLevel.choices  # the case's risk levels


def service_choices() -> list[tuple[str, Any]]:
    return list(Service.choices)


def closure_reason_choices() -> list[tuple[str, Any]]:
    from jaga.cases.models import ClosureReason

    return list(ClosureReason.choices)


class Need(models.TextChoices):
    NONE = "none", _("No need")
    SOME = "some", _("Some need")
    URGENT = "urgent", _("Urgent need")


class Submitted(Created):
    """Written by the caseworker, sent for approval, approved or returned with a comment by a supervisor."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The supervisor's comment when returning (or approving): encrypted, it may describe the child.
    comment = EncryptedTextField(_("comment"), blank=True)

    ITEM = ""  # "assessment", "plan" or "closure": the name the workflow, URLs and notifications use

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def label(self) -> str:
        from jaga.notifications.services import ITEMS

        return str(ITEMS[self.ITEM])

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class Assessment(Submitted):
    """Needs by domain, a risk rating and a narrative."""

    ITEM = "assessment"
    DOMAINS = ("safety", "health", "psychosocial", "legal", "education", "family_economy")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    safety = models.CharField(_("safety"), max_length=10, choices=Need.choices, default=Need.NONE)
    health = models.CharField(_("health"), max_length=10, choices=Need.choices, default=Need.NONE)
    psychosocial = models.CharField(_("psychosocial"), max_length=10, choices=Need.choices, default=Need.NONE)
    legal = models.CharField(_("legal"), max_length=10, choices=Need.choices, default=Need.NONE)
    education = models.CharField(_("education"), max_length=10, choices=Need.choices, default=Need.NONE)
    family_economy = models.CharField(_("family and economy"), max_length=10, choices=Need.choices, default=Need.NONE)
    risk_rating = models.CharField(_("risk rating"), max_length=10, choices=RISK_RATINGS)
    narrative = EncryptedTextField(_("assessment narrative"), blank=True)

    class Meta(Submitted.Meta):
        indexes = [models.Index(fields=["state", "case"], name="assessment_state")]

    def __str__(self) -> str:
        return f"assessment {self.pk}"


class CasePlan(Submitted):
    """Goals and the actions that reach them (each an owner and a due date)."""

    ITEM = "plan"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plans")
    goals = EncryptedTextField(_("goals"))

    class Meta(Submitted.Meta):
        indexes = [models.Index(fields=["state", "case"], name="caseplan_state")]

    def __str__(self) -> str:
        return f"case plan {self.pk}"


class PlanAction(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("action"))
    service = models.CharField(_("service needed"), max_length=20, blank=True, choices=service_choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("due date"))

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk}"


class ClosureRequest(Submitted):
    """A caseworker asks to close the case: why and with what outcome."""

    ITEM = "closure"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="closure_requests")
    reason = models.CharField(_("closure reason"), max_length=30, choices=closure_reason_choices)
    outcome = EncryptedTextField(_("outcome for the child"), blank=True)

    class Meta(Submitted.Meta):
        indexes = [models.Index(fields=["state", "case"], name="closurerequest_state")]

    def __str__(self) -> str:
        return f"closure request {self.pk}"


class ServiceOffer(models.Model):
    """A service an organisation declares it provides: the "refer to" list offers it for that service."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="service_offers")
    service = models.CharField(max_length=20, choices=service_choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "service"], name="service_offer_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} offers {self.service}"


class Coworker(models.Model):
    """A caseworker who works on a case beside its lead (a supervisor adds them); they see the case too."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="coworkers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coworked_cases")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="coworker_unique")]
        indexes = [models.Index(fields=["user", "case"], name="coworker_user")]

    def __str__(self) -> str:
        return f"co-worker of {self.case_id}"


class Task(CreatedBy):
    """Something to do for a case by a date: standard deadlines, the plan's actions, or by hand."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Complete the assessment")
        PLAN = "plan", _("Write the case plan")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        PLAN_ACTION = "plan_action", _("Case plan action")
        MANUAL = "manual", _("Task")

    class State(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Not needed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What to do, for actions and tasks by hand (encrypted: it may name a person); standard kinds use their label.
    title = EncryptedTextField(_("what to do"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_tasks",
    )
    due_on = models.DateField(_("due date"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    plan_action = models.ForeignKey(PlanAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["owner", "state", "due_on", "id"], name="task_owner_due"),
            models.Index(fields=["case", "state", "due_on"], name="task_case_due"),
            models.Index(fields=["state", "due_on"], name="task_state_due"),
        ]

    def __str__(self) -> str:
        return f"task {self.pk}"

    @property
    def label(self) -> str:
        return self.title or str(self.get_kind_display())

    def overdue_on(self, today: date) -> bool:
        return self.state == self.State.OPEN and self.due_on < today
