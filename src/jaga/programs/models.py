"""Programme tracking's models, one module per domain; Django finds them all here."""

from jaga.programs.advocacy.models import AdvocacyActivity, Ask, Stage, StageChange
from jaga.programs.campaigns.models import Campaign, CampaignActivity
from jaga.programs.code.models import CodeCriterion, CodeMember, CodeReport, CriterionProgress
from jaga.programs.partners.models import Agreement, Contact, PartnerProgramme, Programme
from jaga.programs.results.models import Indicator, IndicatorTarget
from jaga.programs.training.models import (
    Audience,
    Certificate,
    Material,
    Module,
    Participant,
    ParticipantImportJob,
    Question,
    Score,
    TrainingSession,
)

__all__ = [
    "AdvocacyActivity",
    "Agreement",
    "Ask",
    "Audience",
    "Campaign",
    "CampaignActivity",
    "Certificate",
    "CodeCriterion",
    "CodeMember",
    "CodeReport",
    "Contact",
    "CriterionProgress",
    "Indicator",
    "IndicatorTarget",
    "Material",
    "Module",
    "Participant",
    "ParticipantImportJob",
    "PartnerProgramme",
    "Programme",
    "Question",
    "Score",
    "Stage",
    "StageChange",
    "TrainingSession",
]
