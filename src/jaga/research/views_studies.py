"""Survey studies: the researchers' pages (team only, every view and export audited) and the public form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.models import User
from jaga.accounts.permissions import holders
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import client_ip, record
from jaga.core.doors import public
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.core.ratelimit import address_key, hit, seconds_to_next_window
from jaga.core.tables import table_response
from jaga.research import analysis, collect, studies, xlsform
from jaga.research.example_form import example_xlsform
from jaga.research.forms import AnalysisForm, CodesForm, InstrumentForm, ResponsesImportForm, StudyForm, TeamForm
from jaga.research.models import Response, Study


def _lang() -> str:
    return "en" if (translation.get_language() or "id").startswith("en") else "id"


@require_http_methods(["GET", "POST"])
@require_perm("research.studies")
def study_list_view(request: AuthedHttpRequest) -> HttpResponse:
    if request.GET.get("example") == "xlsform":
        response = HttpResponse(
            example_xlsform(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="jaga-eska-awareness-xlsform.xlsx"'
        return response
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            study = studies.study_create(
                actor=request.user, data=studies.StudyInput(**form.cleaned_data), request=request
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The study is made: load its XLSForm."))
            return redirect("research:study", study_id=study.pk)
    mine = [s for s in Study.objects.select_related("lead").prefetch_related("team") if s.on_team(request.user)]
    return render(
        request, "research/study_list.html", {"studies": mine, "form": form}, status=400 if form.errors else 200
    )


def _study(request: AuthedHttpRequest, study_id: Any) -> Study:
    study = one_or_404(Study.objects.select_related("lead"), pk=study_id)
    studies.team_only(request.user, study)
    return study


@require_http_methods(["GET", "POST"])
@require_perm("research.studies")
def study_detail_view(request: AuthedHttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    upload, importer, codes = InstrumentForm(), ResponsesImportForm(), CodesForm()
    people = [(str(u.pk), u.full_name) for u in holders(None, "research.studies").exclude(pk=study.lead_id)]
    team = TeamForm(initial={"members": [str(pk) for pk in study.team.values_list("pk", flat=True)]}, people=people)
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "instrument":
                upload = InstrumentForm(request.POST, request.FILES)
                if upload.is_valid():
                    file = upload.cleaned_data["file"]
                    made = studies.instrument_upload(
                        actor=request.user, study=study, data=file.read(), filename=file.name, request=request
                    )
                    messages.success(request, _("Version %(v)s of the form is loaded.") % {"v": made.version})
                    return redirect("research:study", study_id=study.pk)
            elif action == "import":
                importer = ResponsesImportForm(request.POST, request.FILES)
                if importer.is_valid():
                    file = importer.cleaned_data["file"]
                    stored, unknown = studies.responses_import(
                        actor=request.user,
                        study=study,
                        data=file.read(),
                        filename=file.name,
                        source=importer.cleaned_data["source"],
                        request=request,
                    )
                    messages.success(request, _("%(n)s responses imported.") % {"n": stored})
                    if unknown:
                        messages.info(
                            request,
                            _("Columns no question answers were left out: %(names)s.")
                            % {"names": ", ".join(unknown[:12])},
                        )
                    return redirect("research:study", study_id=study.pk)
            elif action == "team":
                team = TeamForm(request.POST, people=people)
                if team.is_valid():
                    chosen_people = list(User.objects.filter(pk__in=team.cleaned_data["members"]))
                    studies.team_set(actor=request.user, study=study, members=chosen_people, request=request)
                    messages.success(request, _("Saved."))
                    return redirect("research:study", study_id=study.pk)
            elif action == "codes":
                codes = CodesForm(request.POST)
                if codes.is_valid():
                    made_codes = studies.codes_make(
                        actor=request.user, study=study, count=codes.cleaned_data["count"], request=request
                    )
                    return table_response(
                        ["code"], [[c] for c in made_codes], "csv", "invitation-codes.csv", sheet="codes"
                    )
        except xlsform.FormError as exc:
            upload.add_error("file", str(exc))
        except ValidationError as exc:
            problems = exc.messages
    record("research.study.viewed", actor=request.user, target=study, request=request)
    known = analysis.known_questions(study)
    choices = [(path, q.label(_lang())) for path, q in known.items() if q.type in analysis.TABULAR and not q.repeat]
    breakdowns = [(p, label) for p, label in choices if known[p].type != "select_multiple"]
    chosen = AnalysisForm(request.GET or None, choices=choices, breakdowns=breakdowns) if choices else None
    table = None
    if chosen is not None and chosen.is_valid():
        try:
            table = analysis.crosstab(study, chosen.cleaned_data["question"], chosen.cleaned_data["by"] or "", _lang())
        except analysis.AnalysisError as exc:
            chosen.add_error(None, str(exc))
        else:
            fmt = request.GET.get("format", "")
            record(
                "research.table.viewed",
                actor=request.user,
                target=study,
                request=request,
                details={"question": chosen.cleaned_data["question"], "by": chosen.cleaned_data["by"], "format": fmt},
            )
            if fmt == "xlsx":
                return table_response(table.header(), table.body(), "xlsx", "jaga-survey-table.xlsx", sheet="table")
            if fmt == "zip":
                response = HttpResponse(analysis.datapackage(table, study), content_type="application/zip")
                response["Content-Disposition"] = 'attachment; filename="jaga-survey-table.zip"'
                return response
    context = {
        "study": study,
        "instruments": study.instruments.all(),
        "upload": upload,
        "importer": importer,
        "codes": codes,
        "problems": problems,
        "analysis": chosen,
        "table": table,
        "team": team,
        "lead": request.user.pk == study.lead_id,
        "chart": _chart(table),
        "responses": Response.objects.filter(study=study, erased_at__isnull=True).count(),
        "query": request.GET.urlencode(),
    }
    status = 400 if problems or upload.errors or importer.errors or codes.errors or team.errors else 200
    return render(request, "research/study_detail.html", context, status=status)


def _chart(table: analysis.Crosstab | None) -> Any:
    """Bars of each answer's total (hidden ones drawn as outlines), beside the table."""
    if table is None:
        return None
    from jaga.stats import charts

    rows = []
    for row in table.body()[: len(table.rows)]:
        shown = row[-1]
        number: int | None = round(float(shown)) if shown.replace(".", "", 1).isdigit() else None
        rows.append((row[0], number, shown))
    return charts.bars(table.title, rows)


@require_safe
@require_perm("research.studies")
def study_responses_view(request: AuthedHttpRequest, study_id: Any) -> HttpResponse:
    """The responses, each read with the form version it answered (labels of that version)."""
    study = _study(request, study_id)
    record("research.responses.viewed", actor=request.user, target=study, request=request)
    lang = _lang()
    rows = []
    for response in study.responses.filter(erased_at__isnull=True).select_related("instrument")[:200]:
        answers = studies.answers_of(response)
        readable = []
        for question in xlsform.questions(response.instrument.definition):
            value = answers.get(question.path)
            if value in (None, "", []):
                continue
            shown = (
                ", ".join(question.choice_label(v, lang) for v in value)
                if isinstance(value, list)
                else question.choice_label(str(value), lang)
            )
            readable.append((question.label(lang), shown))
        rows.append((response, readable))
    return render(request, "research/study_responses.html", {"study": study, "rows": rows})


@require_POST
@require_perm("research.studies")
def respondent_file_view(request: AuthedHttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    data, figures = analysis.respondent_file(study)
    record("research.respondent_file.downloaded", actor=request.user, target=study, request=request, details=figures)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="jaga-survey-respondents.zip"'
    return response


@require_http_methods(["GET", "POST"])
@public("a survey participant answers (the link's token is the key)")
def survey_view(request: HttpRequest, token: str) -> HttpResponse:
    study = one_or_404(Study, token=token)
    instrument = studies.current(study)
    lang = _lang()
    questions = xlsform.questions(instrument.definition) if instrument else []
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    if request.method == "POST" and instrument is not None:
        if hit(address_key("survey", client_ip(request))) > settings.JAGA_SURVEY_LIMIT_PER_ADDRESS:
            page = render(request, "research/survey_done.html", {"study": study, "busy": True}, status=429)
            page["Retry-After"] = str(seconds_to_next_window())
            return page
        raw = collect.from_post(questions, request.POST)
        response, errors = studies.response_submit(
            study=study,
            raw=raw,
            code=request.POST.get("code", ""),
            lang=lang,
            consent=request.POST.get("consent") == "yes",
        )
        if response is not None:
            return render(request, "research/survey_done.html", {"study": study})
    context = {
        "study": study,
        "instrument": instrument,
        "fields": _fields(questions, raw, errors, lang),
        "errors": errors,
        "consent": study.consent(lang),
        "lang": lang,
    }
    return render(request, "research/survey.html", context, status=400 if errors else 200)


def _fields(questions: list[xlsform.Question], raw: dict[str, Any], errors: dict[str, str], lang: str) -> list[Any]:
    """What the template draws for each question (repeats: MAX_REPEATS instances)."""
    drawn: list[dict[str, Any]] = []
    for question in questions:
        if question.repeat:
            continue
        drawn.append(_field(question, question.path, raw.get(question.path, ""), errors.get(question.path, ""), lang))
    for repeat in dict.fromkeys(q.repeat for q in questions if q.repeat):
        members = [q for q in questions if q.repeat == repeat]
        instances = raw.get(repeat, [])
        for index in range(xlsform.MAX_REPEATS):
            given = instances[index] if index < len(instances) else {}
            drawn.append({"repeat_start": f"{members[0].group} {index + 1}"})
            for question in members:
                drawn.append(
                    _field(
                        question,
                        f"{repeat}-{index}-{question.path}",
                        given.get(question.path, ""),
                        errors.get(f"{question.path}[{index + 1}]", ""),
                        lang,
                    )
                )
    return drawn


def _field(question: xlsform.Question, name: str, value: Any, error: str, lang: str) -> dict[str, Any]:
    return {
        "q": question,
        "name": name,
        "id": "q-" + name.replace("/", "-"),
        "label": question.label(lang),
        "value": value,
        "values": value if isinstance(value, list) else [value],
        "error": error,
        "choices": [(c, question.choice_label(c, lang)) for c, _labels in question.choices],
    }
