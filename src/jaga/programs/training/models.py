"""Training: modules with materials and question banks, sessions, participants, scores, certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.fields import EncryptedTextField
from jaga.core.models import Created, CreatedBy, FileJob, UUIDModel


class Audience(models.TextChoices):
    POLICE = "police", _("Police")
    SOCIAL_WORKERS = "social_workers", _("Social workers")
    TEACHERS = "teachers", _("Teachers")
    HOTEL_STAFF = "hotel_staff", _("Hotel and tourism staff")
    HEALTH_WORKERS = "health_workers", _("Health workers")
    JUSTICE = "justice", _("Prosecutors and judges")
    COMMUNITY = "community", _("Community and religious leaders")
    OTHER = "other", _("Other")


class Module(CreatedBy):
    """A training module: what it teaches to whom, its materials, its question bank and its pass mark."""

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Bahasa Indonesia")
        ENGLISH = "en", _("English")

    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN)
    objectives = models.TextField(_("objectives"), max_length=4000)
    outline = models.TextField(_("outline"), max_length=8000, blank=True, help_text=_("One topic per line."))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("The post-test score a participant needs for a certificate.")
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Material(UUIDModel):
    """One version of a module's material (slides, handbook); the newest version is the current one."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="materials")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    changes = models.CharField(_("what changed"), max_length=300, blank=True)
    file_name = models.CharField(max_length=200)
    file_type = models.CharField(max_length=100)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["module", "version"], name="material_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Question(Created):
    """A multiple-choice question of a module's bank; pre- and post-tests ask the active ones."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    options = models.JSONField(_("options"))  # list of 2 to 6 strings
    answer = models.PositiveSmallIntegerField(_("correct option"))  # index into options
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("asked in tests"), default=True)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class TrainingSession(CreatedBy):
    """A module given on given days, in a place or online, by trainers, to organisations."""

    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province or regency/city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trainers = models.CharField(_("trainers"), max_length=300)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations trained"), blank=True, related_name="training_sessions"
    )
    test_token = models.CharField(max_length=40, unique=True)  # the secret part of the participants' test link
    pre_test_open = models.BooleanField(_("pre-test open"), default=True)
    post_test_open = models.BooleanField(_("post-test open"), default=False)
    self_registration = models.BooleanField(_("participants may register themselves from the link"), default=True)
    # A self-paced online course's intake (one per course module, year and province, made by the course): its
    # participants register themselves, take the pre-test, read the lessons, then the post-test.
    self_paced = models.BooleanField(_("self-paced online course"), default=False)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.module} {self.starts_on}"


class Participant(Created):
    """A person trained. The name is personal data: encrypted, shown to programme officers and on the certificate."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="participants")
    full_name = EncryptedTextField(_("full name"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_name = models.CharField(_("organisation (when not in Jaga)"), max_length=200, blank=True)
    role = models.CharField(_("role or position"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    code = models.CharField(_("participant code"), max_length=8)  # typed on the test page; unique per session
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["session", "code"], name="participant_code_unique")]

    def __str__(self) -> str:
        return f"participant {self.code}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation is not None else self.organisation_name


class ParticipantImportJob(FileJob):
    """A spreadsheet of a session's participants, checked whole and imported whole by the worker."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="import_jobs")

    class Meta(FileJob.Meta):
        pass


class Score(UUIDModel):
    """A participant's pre- or post-test score, taken online, entered by an officer, or imported."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    class Source(models.TextChoices):
        ONLINE = "online", _("Taken online")
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("test"), max_length=4, choices=Kind.choices)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    asked = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(null=True, blank=True)  # question id -> chosen option, for online tests
    source = models.CharField(max_length=8, choices=Source.choices)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "kind"], name="test_result_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.score}"


class Certificate(UUIDModel):
    """Proof that a participant attended and passed; anyone can check its code on the public page."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"certificate {self.pk}"
