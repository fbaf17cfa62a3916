"""The report's sections on the hotline and the programmes: research, advocacy, training, campaigns and
education, The Code, and the results framework.

Counts of people (reports received, people trained) are suppressed table by table; counts of things
(sessions, asks, companies, campaign activities) and the indicators are published as they are. For one
organisation, the programmes are its own: the sessions that trained it, the asks it leads, the
campaigns it is a partner of; the hotline, The Code and the results framework are national or
provincial and are left out, with a note.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.hotline.stats import report_statistics
from jaga.programs.advocacy.models import Ask, Stage, StageChange
from jaga.programs.campaigns.models import CampaignActivity
from jaga.programs.campaigns.services import reach
from jaga.programs.code.models import CodeCriterion, CodeMember, CriterionProgress
from jaga.programs.results.models import Indicator
from jaga.programs.results.services import PERCENT, framework
from jaga.programs.training.models import Audience, Participant, TrainingSession
from jaga.programs.training.selectors import gain
from jaga.reports.content import Scope, Section, block, change, counted, section

Measure = Indicator.Measure
PEOPLE = (Measure.CASES_REGISTERED, Measure.PROFESSIONALS_TRAINED)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _in(path: str, province: str) -> Q:
    if not province:
        return Q()
    return Q(**{f"{path}__code": province}) | Q(**{f"{path}__code__startswith": f"{province}."})


def _shown(n: int) -> str:
    """A lone count of people as published: hidden from 1 to 4."""
    table = counted("n", "", [("", n)], unit="")
    return str(table["total"])


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def hotline_section(scope: Scope, year: int) -> Section | None:
    if scope.kind == "organisation":
        return None
    since, until = _year_bounds(year)
    found = report_statistics(since=since, until=until, province=scope.province)
    last = report_statistics(since=_year_bounds(year - 1)[0], until=since, province=scope.province)
    reports = _("Reports")
    now_shown, before_shown = _shown(found["total"]), _shown(last["total"])
    times = []
    for key, label in [
        ("time_to_triage", _("Received to first triage")),
        ("time_to_referral", _("Received to referral")),
    ]:
        hours = found[key]
        enough = hours["count"] >= 5
        times.append(
            (
                str(label),
                [_hours(hours["median"]) if enough else "…", _hours(hours["p90"]) if enough else "…"],
                hours["median"] if enough else None,
            )
        )
    return section(
        "hotline",
        _("The hotline"),
        text=[change(str(_("Reports to the hotline")), year, now_shown, before_shown)],
        figures=[(reports, now_shown)],
        blocks=[
            counted("channel", _("Reports by channel"), found["by_channel"], unit=reports),
            counted("state", _("Reports by where they stand"), found["by_state"], unit=reports),
            counted("outcome", _("Outcomes of reports"), found["by_outcome"], unit=reports, total=False),
            counted("hotline_form", _("Reports by form of exploitation"), found["by_form"], unit=reports, total=False),
            block(
                "response",
                _("Response times in hours"),
                [_("Median"), _("90th percentile")],
                times,
                chart="bars",
                unit=str(_("hours")),
            ),
        ],
        notes=[_("A report is counted in the year it was received; one report may lead to several outcomes.")],
    )


def research_section(scope: Scope, year: int) -> Section:
    """Incidents reported in the media (the research programme's register), as the statistics publish them."""
    from jaga.research.incident_stats import figures

    if scope.kind == "organisation":
        return section(
            "research", _("Research"), text=[_("The media-monitoring register is national: see the national report.")]
        )
    found, last = figures(year, scope.province), figures(year - 1, scope.province)
    word = str(_("Incidents reported in the media"))
    blocks = [
        block(
            f"media_{k}",
            t["title"],
            [t["unit"]],
            [(r["label"], [r["shown"]], r["count"]) for r in t["rows"]],
            total=t["total"],
            chart="bars" if k else "",  # the provinces: a long table, no chart
            persons=True,
        )
        for k, t in enumerate(found["tables"])
    ]
    return section(
        "research",
        _("Research: incidents in the media"),
        text=[
            change(word, year, found["tables"][0]["total"], last["tables"][0]["total"]),
            _("Surveys are not yet recorded in Jaga."),
        ],
        figures=[(word, found["tables"][0]["total"])],
        blocks=blocks if found["incidents"] else [],
        notes=[found["note"]],
    )


def advocacy_section(scope: Scope, year: int) -> Section:
    asks: QuerySet[Ask] = Ask.objects.filter(_in("region", scope.province))
    if scope.kind == "organisation":
        asks = asks.filter(lead_id=scope.organisation_id)
    stages = dict(asks.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    moved = StageChange.objects.filter(ask__in=asks, changed_on__year=year)
    adopted = moved.filter(to_stage__in=[Stage.ADOPTED, Stage.IMPLEMENTED]).values("ask").distinct().count()
    before = (
        StageChange.objects.filter(
            ask__in=asks, changed_on__year=year - 1, to_stage__in=[Stage.ADOPTED, Stage.IMPLEMENTED]
        )
        .values("ask")
        .distinct()
        .count()
    )
    rows = [(str(label), [str(stages.get(value, 0))], stages.get(value, 0)) for value, label in Stage.choices]
    changes = [
        (str(change_.ask.title), [str(dict(Stage.choices)[change_.to_stage]), change_.changed_on.isoformat()], None)
        for change_ in moved.select_related("ask").order_by("changed_on")
    ]
    blocks = [
        block(
            "stages",
            _("Asks by stage at the year's end"),
            [_("Asks")],
            rows,
            chart="bars",
            total=str(sum(stages.values())),
        )
    ]
    if changes:
        blocks.append(block("moves", _("Asks that moved during the year"), [_("To stage"), _("Date")], changes))
    return section(
        "advocacy",
        _("Advocacy"),
        text=[change(str(_("Asks adopted or implemented")), year, str(adopted), str(before))],
        figures=[
            (_("Asks followed"), str(sum(stages.values()))),
            (_("Adopted or implemented in the year"), str(adopted)),
        ],
        blocks=blocks,
    )


def _sessions(scope: Scope, year: int) -> QuerySet[TrainingSession]:
    sessions = TrainingSession.objects.filter(_in("region", scope.province), starts_on__year=year)
    if scope.kind == "organisation":
        sessions = sessions.filter(organisations=scope.organisation_id)
    return sessions


def training_section(scope: Scope, year: int) -> Section:
    sessions = _sessions(scope, year)
    participants = Participant.objects.filter(session__in=sessions)
    attended = participants.filter(attended=True)
    before = Participant.objects.filter(session__in=_sessions(scope, year - 1), attended=True).count()
    by_audience = dict(
        attended.filter(session__self_paced=False)
        .values_list("session__module__audience")
        .annotate(n=Count("pk"))
        .values_list("session__module__audience", "n")
    )
    online = attended.filter(session__self_paced=True).count()  # their own audience: the online course's learners
    by_sex = dict(attended.values_list("sex").annotate(n=Count("pk")).values_list("sex", "n"))
    learnt = gain(participants)
    people = _("People trained")
    now_shown = _shown(attended.count())
    scores = [
        (str(_("Pre-test, mean score")), [_hours(learnt.mean_pre)], learnt.mean_pre),
        (str(_("Post-test, mean score")), [_hours(learnt.mean_post)], learnt.mean_post),
        (str(_("Gain, in points")), [_hours(learnt.mean_gain)], learnt.mean_gain),
        (str(_("Passed the post-test")), [_hours(learnt.pass_share)], learnt.pass_share),
    ]
    enough = learnt.post_taken >= 5
    return section(
        "training",
        _("Training"),
        text=[change(str(people), year, now_shown, _shown(before))],
        figures=[
            (_("Sessions"), str(sessions.filter(self_paced=False).count())),
            (people, now_shown),
            (_("Completed a self-paced online course"), _shown(online)),
            (_("Certificates issued"), _shown(learnt.certificates)),
        ],
        blocks=[
            counted(
                "audience",
                _("People trained by institution type"),
                [(label, by_audience.get(value, 0)) for value, label in Audience.choices]
                + [(_("Self-paced online course"), online)],
                unit=people,
            ),
            counted(
                "trained_sex",
                _("People trained by sex"),
                [(label, by_sex.get(value, 0)) for value, label in Participant.Sex.choices],
                unit=people,
            ),
            *(
                [block("scores", _("Knowledge gain (scores out of 100, %)"), ["%"], scores, chart="bars", unit="%")]
                if enough
                else []
            ),
        ],
        notes=[
            _(
                "Knowledge gain is the post-test score minus the pre-test score of those who took both; it is "
                "shown when at least 5 people took the post-test."
            )
        ],
    )


def campaigns_section(scope: Scope, year: int) -> Section:
    activities = CampaignActivity.objects.filter(_in("region", scope.province), held_on__year=year)
    earlier = CampaignActivity.objects.filter(_in("region", scope.province), held_on__year=year - 1)
    if scope.kind == "organisation":
        activities = activities.filter(campaign__partners=scope.organisation_id)
        earlier = earlier.filter(campaign__partners=scope.organisation_id)
    found, last = reach(activities), reach(earlier)
    people = _("People reached in person")
    rows = [(str(label), [str(n), str(impressions)], n) for _c, label, n, impressions in found.by_channel]
    online: list[tuple[Any, str]] = []
    if scope.national:  # lessons and campaign pages are national: counted per day, never per person
        from jaga.education.campaign_pages import visits
        from jaga.education.services import reach as lesson_reach

        learnt = lesson_reach(year)
        online = [
            (_("Visits to campaign pages"), str(visits(year=year))),
            (_("Lessons read online"), str(learnt["read"])),
            (_("Lesson quizzes completed"), str(learnt["quizzes"])),
        ]
    return section(
        "campaigns",
        _("Campaigns and education"),
        text=[change(str(people), year, str(found.participants), str(last.participants))],
        figures=[
            (_("Activities"), str(activities.count())),
            (people, str(found.participants)),
            (_("Online impressions"), str(found.impressions)),
            *online,
        ],
        blocks=[
            block(
                "reached",
                _("People reached in person"),
                [people],
                [
                    (str(label), [str(n)], n)
                    for label, n in [
                        (_("Girls"), found.girls),
                        (_("Boys"), found.boys),
                        (_("Women"), found.women),
                        (_("Men"), found.men),
                    ]
                ],
                chart="bars",
                total=str(found.participants),
            ),
            block("channels", _("Reach by channel"), [people, _("Online impressions")], rows),
        ],
        notes=[
            _(
                "Reach is what the activities recorded: people counted at events, and impressions reported by the "
                "platforms for online activities. One person reached twice counts twice."
            )
        ],
    )


def code_section(scope: Scope, year: int) -> Section | None:
    if scope.kind == "organisation":
        return None
    members = CodeMember.objects.filter(_in("organisation__jurisdiction", scope.province))
    active = members.filter(status=CodeMember.Status.MEMBER)
    met = CriterionProgress.objects.filter(
        member__in=active, status=CriterionProgress.Status.MET, evidence_on__year__lte=year
    )
    per = dict(met.values_list("criterion").annotate(n=Count("member", distinct=True)).values_list("criterion", "n"))
    all_six = met.values("member").annotate(n=Count("criterion", distinct=True)).filter(n=len(CodeCriterion)).count()
    count = active.count()
    joined = active.filter(Q(joined_on__isnull=True) | Q(joined_on__year__lte=year)).count()
    joined_before = active.filter(joined_on__year__lte=year - 1).count()
    rows = [(str(c.label), [str(per.get(int(c), 0))], per.get(int(c), 0)) for c in CodeCriterion]
    percent = [
        (
            str(c.label),
            [f"{round(100 * per.get(int(c), 0) / count)}%" if count else "—"],
            round(100 * per.get(int(c), 0) / count) if count else None,
        )
        for c in CodeCriterion
    ]
    return section(
        "code",
        _("The Code: tourism and travel companies"),
        text=[
            _("Members of The Code: %(members)s; meeting all six criteria: %(all)s.")
            % {"members": count, "all": all_six},
            change(str(_("Members who had joined by the year's end")), year, str(joined), str(joined_before)),
        ],
        figures=[(_("Members"), str(count)), (_("Meeting all six criteria"), str(all_six))],
        blocks=[
            block("criteria", _("Members meeting each criterion"), [_("Members")], rows),
            block(
                "criteria_share", _("Share of members meeting each criterion"), ["%"], percent, chart="bars", unit="%"
            ),
        ],
    )


def results_section(scope: Scope, year: int) -> Section | None:
    if scope.kind == "organisation":
        return None
    rows: list[tuple[str, list[Any], Any]] = []
    found = framework(year, scope.province)
    reached = sum(1 for row in found if row.progress is not None and row.progress >= 100)
    reached_before = sum(
        1 for row in framework(year - 1, scope.province) if row.progress is not None and row.progress >= 100
    )
    value: dict[str, float | None] = {str(row.indicator.measure): row.actual for row in found}
    # Counts of people pass the disclosure control; a share over fewer than 5 people is not shown either.
    base: dict[str, str] = {
        Measure.SHARE_REFERRED: Measure.CASES_REGISTERED,
        Measure.KNOWLEDGE_GAIN: Measure.PROFESSIONALS_TRAINED,
    }
    for row in found:
        measure = str(row.indicator.measure)
        unit = "%" if measure in PERCENT else ""
        target = "—" if row.target is None else f"{row.target:g}{unit}"
        people = value.get(base.get(measure, measure)) if measure in (*base, *PEOPLE) else None
        if row.actual is None:
            actual, progress = "—", None
        elif people is not None and 0 < people < settings.JAGA_STATS_THRESHOLD:
            actual, progress = (_shown(int(people)) if measure in PEOPLE else "…"), None
        else:
            actual, progress = f"{row.actual:g}{unit}", row.progress
        rows.append(
            (f"{row.label} ({row.programme})", [target, actual, "—" if progress is None else f"{progress}%"], progress)
        )
    return section(
        "results",
        _("Results framework"),
        text=[
            _("Each indicator's value in the year against its target; progress is the value as a share of the target."),
            change(str(_("Indicators at or above their target")), year, str(reached), str(reached_before)),
        ],
        blocks=[
            block(
                "framework",
                _("Indicators against targets"),
                [_("Target"), _("Actual"), _("Progress")],
                rows,
                chart="bars",
                unit="%",
            )
        ],
        notes=[
            _(
                "Indicators that count people (cases registered, professionals trained) pass the disclosure "
                "control; a share over fewer than 5 people is not shown."
            )
        ],
    )


def sections(scope: Scope, year: int) -> list[Section]:
    built = [
        hotline_section(scope, year),
        research_section(scope, year),
        advocacy_section(scope, year),
        training_section(scope, year),
        campaigns_section(scope, year),
        code_section(scope, year),
        results_section(scope, year),
    ]
    return [s for s in built if s is not None]
