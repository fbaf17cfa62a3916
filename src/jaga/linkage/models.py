"""Linkage inside Jaga: each case's keyed encoding, the runs, the clusters (children) and the
pairs a linkage officer decides. Nothing here holds a name, a NIK or any other plain identifier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.cases.models import Case
from jaga.core.models import Created


class CaseEncoding(models.Model):
    """The case's child as keyed encodings (jaga.linkage.encoding), kept current when identity changes."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="linkage_encoding")
    fp = models.CharField(max_length=32)  # the key check: encodings made under another key are redone
    data = models.JSONField()  # column -> base64 filter or keyed hash
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"encoding of {self.case_id}"


class LinkageRun(Created):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    scheduled = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=80, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    # Configured when the run is queued (null: to be chosen from the model), then as used.
    match_threshold = models.FloatField(null=True, blank=True)
    review_threshold = models.FloatField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    scored_pairs = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    uncertain = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # {"organisations": [{"id", "name", "records", "linked", "duplicates"}], "provinces": [...]}
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Written every 30 s while a worker runs it (jaga.core.jobs.heartbeat): when it stops, the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"linkage run {self.pk} ({self.state})"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def duplicate_percent(self) -> float:
        """Records beyond the first of each child, as a share of all records."""
        return round(100 * (self.records - self.clusters) / self.records, 1) if self.records else 0.0


class ClusterMember(models.Model):
    """Which child a case belongs to, as of the latest finished run. ``cluster`` is the id of the
    cluster's first case: a case outside every run counts as its own child."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="cluster_membership")
    cluster = models.UUIDField(db_index=True)
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.case_id} in {self.cluster}"


class PairReview(Created):
    """Two cases the model is unsure about; a linkage officer decides from the evidence alone."""

    class Decision(models.TextChoices):
        OPEN = "open", _("To review")
        SAME = "same", _("Same child")
        DIFFERENT = "different", _("Different children")

    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    evidence = models.JSONField(default=dict)  # comparison -> level ("exact", "close", "missing", ...)
    run = models.ForeignKey(LinkageRun, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability"]
        constraints = [models.UniqueConstraint(fields=["case_a", "case_b"], name="pair_review_unique")]
        indexes = [models.Index(fields=["decision", "-probability"], name="pair_review_open")]

    def __str__(self) -> str:
        return f"pair {self.pk} ({self.decision})"


class ReferralAsk(Created):
    """A caseworker whose child is also known elsewhere asks that organisation to refer its file.

    The asking side never learns which case it is; the other side sees the ask on its case and
    decides, through an ordinary referral, whether to share.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        REFERRED = "referred", _("Referred")
        DISMISSED = "dismissed", _("Dismissed")

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referral_asks")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["to_organisation", "state"], name="referral_ask_to_state")]

    def __str__(self) -> str:
        return f"ask {self.pk} ({self.state})"
