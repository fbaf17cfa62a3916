"""Partners: organisations' part in the programmes, their contact people and agreements.

Contact people are personal data: their names, emails and phones are encrypted, shown only to
programme officers, and every view of them is audited.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.fields import EncryptedTextField
from jaga.core.models import CreatedBy


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


class Contact(CreatedBy):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    full_name = EncryptedTextField(_("full name"))
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class Agreement(CreatedBy):
    """An agreement or MoU between organisations, with its signed document."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding (MoU)")
        COOPERATION = "cooperation", _("Cooperation agreement (PKS)")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other")

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

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    def in_force(self, day: object = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]
