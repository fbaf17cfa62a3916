"""Programme tracking: partners (organisations, their contact people, agreements and MoUs).

Contact people are personal data: their names, emails and phones are encrypted, shown only to
programme officers, and every view of them is audited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.fields import EncryptedTextField
from jaga.core.models import FileJob


class Programme(models.TextChoices):
    """The four programmes of the seed study."""

    RESEARCH = "research", _("Research and data collection")
    ADVOCACY = "advocacy", _("Advocacy")
    TRAINING = "training", _("Training")
    CAMPAIGNS = "campaigns", _("Campaigns and education")


class PartnerProgramme(models.Model):
    """An organisation takes part in a programme."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="programme_links")
    programme = models.CharField(max_length=20, choices=Programme.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "programme"], name="partner_programme_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.programme}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    full_name = EncryptedTextField(_("full name"))
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class Agreement(models.Model):
    """An agreement or MoU between organisations, with its signed document."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding (MoU)")
        COOPERATION = "cooperation", _("Cooperation agreement (PKS)")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    parties = models.ManyToManyField(Organisation, verbose_name=_("parties"), related_name="agreements")
    scope = models.TextField(_("scope"), max_length=4000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty when open-ended."))
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    def in_force(self, day: object = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]


class Stage(models.TextChoices):
    """Where an advocacy ask stands; it moves forward (or back) with evidence."""

    IDENTIFIED = "identified", _("Identified")
    ENGAGED = "engaged", _("Engaged")
    COMMITTED = "committed", _("Committed")
    DRAFTED = "drafted", _("Drafted")
    ADOPTED = "adopted", _("Adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class Ask(models.Model):
    """What advocacy asks of an institution: a regional regulation, a budget line, a code of conduct."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province")
        REGENCY = "regency", _("Regency/city")

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Regulation (e.g. a regional regulation on child protection)")
        BUDGET = "budget", _("Budget line (e.g. for the UPTD PPA)")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct (e.g. for tourism)")
        POLICY = "policy", _("Policy or programme")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.CharField(_("target institution"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("the ask"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lead = models.ForeignKey(
        Organisation, verbose_name=_("lead organisation"), on_delete=models.PROTECT, related_name="advocacy_asks"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED)
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-stage_since", "title"]

    def __str__(self) -> str:
        return self.title


class AdvocacyActivity(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        HEARING = "hearing", _("Hearing")
        POLICY_BRIEF = "policy_brief", _("Policy brief")
        COALITION_STATEMENT = "coalition_statement", _("Coalition statement")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    people = models.CharField(
        _("people"), max_length=300, blank=True, help_text=_("Roles or offices, not private individuals.")
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"


class StageChange(models.Model):
    """An ask moved to another stage, with the evidence for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    changed_on = models.DateField(_("date"))
    evidence = models.TextField(_("evidence"), max_length=4000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class Campaign(models.Model):
    """A campaign or socialisation effort: a theme, an audience, a period, regions and partners."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    provinces = models.ManyToManyField("regions.Region", verbose_name=_("provinces"), blank=True, related_name="+")
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class CampaignActivity(models.Model):
    """One workshop, school visit, broadcast or post, and whom it reached."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        SCHOOL_VISIT = "school_visit", _("School visit")
        SEMINAR = "seminar", _("Seminar")
        WEBINAR = "webinar", _("Webinar")
        SOCIAL_MEDIA = "social_media", _("Social-media post")
        RADIO_TV = "radio_tv", _("Radio or TV")
        PRINT = "print", _("Print")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BROADCAST = "broadcast", _("Broadcast")
        PRINT = "print", _("Print")

    CHANNEL_OF = {
        "workshop": "in_person",
        "school_visit": "in_person",
        "seminar": "in_person",
        "webinar": "online",
        "social_media": "online",
        "radio_tv": "broadcast",
        "print": "print",
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    held_on = models.DateField(_("date"))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province or regency/city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for an online or national activity."),
    )
    girls = models.PositiveIntegerField(_("girls (under 18)"), default=0)
    boys = models.PositiveIntegerField(_("boys (under 18)"), default=0)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    impressions = models.PositiveIntegerField(_("impressions (online)"), default=0)
    engagement = models.PositiveIntegerField(_("engagement (online: reactions, shares, comments)"), default=0)
    materials = models.CharField(_("materials"), max_length=300, blank=True, help_text=_("Titles or links."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"

    @property
    def participants(self) -> int:
        return self.girls + self.boys + self.women + self.men


# --- Training ---------------------------------------------------------------------------------------


class Audience(models.TextChoices):
    POLICE = "police", _("Police")
    SOCIAL_WORKERS = "social_workers", _("Social workers")
    TEACHERS = "teachers", _("Teachers")
    HOTEL_STAFF = "hotel_staff", _("Hotel and tourism staff")
    HEALTH_WORKERS = "health_workers", _("Health workers")
    JUSTICE = "justice", _("Prosecutors and judges")
    COMMUNITY = "community", _("Community and religious leaders")
    OTHER = "other", _("Other")


class Module(models.Model):
    """A training module: what it teaches to whom, its materials, its question bank and its pass mark."""

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Bahasa Indonesia")
        ENGLISH = "en", _("English")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN)
    objectives = models.TextField(_("objectives"), max_length=4000)
    outline = models.TextField(_("outline"), max_length=8000, blank=True, help_text=_("One topic per line."))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("The post-test score a participant needs for a certificate.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Material(models.Model):
    """One version of a module's material (slides, handbook); the newest version is the current one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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


class Question(models.Model):
    """A multiple-choice question of a module's bank; pre- and post-tests ask the active ones."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    options = models.JSONField(_("options"))  # list of 2 to 6 strings
    answer = models.PositiveSmallIntegerField(_("correct option"))  # index into options
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("asked in tests"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class TrainingSession(models.Model):
    """A module given on given days, in a place or online, by trainers, to organisations."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.module} {self.starts_on}"


class Participant(models.Model):
    """A person trained. The name is personal data: encrypted, shown to programme officers and on the certificate."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["session", "code"], name="participant_code_unique")]

    def __str__(self) -> str:
        return f"participant {self.code}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name


class ParticipantImportJob(FileJob):
    """A spreadsheet of a session's participants, checked whole and imported whole by the worker."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="import_jobs")

    class Meta(FileJob.Meta):
        pass


class Score(models.Model):
    """A participant's pre- or post-test score, taken online, entered by an officer, or imported."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    class Source(models.TextChoices):
        ONLINE = "online", _("Taken online")
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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


class Certificate(models.Model):
    """Proof that a participant attended and passed; anyone can check its code on the public page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"certificate {self.pk}"


# --- Private sector: The Code -----------------------------------------------------------------------


class CodeCriterion(models.IntegerChoices):
    """The six criteria of The Code of Conduct for the Protection of Children from Sexual Exploitation."""

    POLICY = 1, _("1. A policy and procedures against the sexual exploitation of children")
    TRAINING = 2, _("2. Staff trained in children's rights, prevention and reporting")
    CONTRACTS = 3, _("3. A clause in contracts throughout the value chain")
    INFORMATION = 4, _("4. Information to travellers on children's rights and how to report")
    STAKEHOLDERS = 5, _("5. Support and engagement of local stakeholders in prevention")
    REPORTING = 6, _("6. Annual report on implementing the criteria")


class CodeMember(models.Model):
    """A company in The Code: its sector and membership."""

    class Sector(models.TextChoices):
        HOTEL = "hotel", _("Hotel")
        TRAVEL_AGENT = "travel_agent", _("Travel agent")
        TOUR_OPERATOR = "tour_operator", _("Tour operator")
        TRANSPORT = "transport", _("Transport")
        ONLINE_PLATFORM = "online_platform", _("Online platform")
        ISP = "isp", _("Internet service provider")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.OneToOneField(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="code_membership"
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    status = models.CharField(_("membership"), max_length=10, choices=Status.choices, default=Status.APPLICANT)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"code member {self.organisation_id}"


class CriterionProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")

    member = models.ForeignKey(CodeMember, on_delete=models.CASCADE, related_name="progress")
    criterion = models.PositiveSmallIntegerField(_("criterion"), choices=CodeCriterion.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(_("evidence"), max_length=4000, blank=True)
    evidence_on = models.DateField(_("date of the evidence"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion"]
        constraints = [models.UniqueConstraint(fields=["member", "criterion"], name="criterion_progress_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.status}"


class CodeReport(models.Model):
    """A company's annual report under The Code, submitted by its partner user and verified by an officer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned for changes")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(CodeMember, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year reported on"))
    staff_trained = models.PositiveIntegerField(_("staff trained in the year"))
    criteria = models.JSONField()  # {"1": {"status": "met", "evidence": "..."}, ... "5": ...}
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note to the company"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="code_report_unique")]

    def __str__(self) -> str:
        return f"code report {self.year}"


# --- Results framework ------------------------------------------------------------------------------


class Indicator(models.Model):
    """A result the programmes promise, with a baseline; its actual value is computed from the data."""

    class Measure(models.TextChoices):
        CASES_REGISTERED = "cases_registered", _("Cases registered")
        SHARE_REFERRED = "share_referred", _("Share of cases referred to services (%)")
        ASKS_ADOPTED = "asks_adopted", _("Advocacy asks adopted or implemented")
        PROFESSIONALS_TRAINED = "professionals_trained", _("Professionals trained")
        KNOWLEDGE_GAIN = "knowledge_gain", _("Mean knowledge gain (percentage points)")
        COMPANIES_ALL_SIX = "companies_all_six", _("Companies meeting all six criteria of The Code")
        CAMPAIGN_REACH = "campaign_reach", _("People reached in person by campaigns")

    PROGRAMME_OF = {
        "cases_registered": "research",
        "share_referred": "research",
        "asks_adopted": "advocacy",
        "professionals_trained": "training",
        "knowledge_gain": "training",
        "companies_all_six": "advocacy",
        "campaign_reach": "campaigns",
    }

    measure = models.CharField(_("indicator"), max_length=30, choices=Measure.choices, unique=True)
    baseline = models.FloatField(_("baseline"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))

    class Meta:
        ordering = ["measure"]

    def __str__(self) -> str:
        return self.measure

    @property
    def programme(self) -> str:
        return self.PROGRAMME_OF[self.measure]


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the national target."),
    )
    target = models.FloatField(_("target"))

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "province"], name="indicator_target_unique"),
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=models.Q(province=None), name="indicator_target_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}"
