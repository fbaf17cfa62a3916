"""The Code pages (officers' dashboard and company page, a company's annual report) and the results framework."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.forms import add_errors
from jaga.core.tables import table_response
from jaga.programs.results import services as results
from jaga.programs.results.forms import BaselineForm, ResultsFilterForm, TargetForm

RESULT_FORMS: dict[str, tuple[Any, Any]] = {
    "baseline": (BaselineForm, results.baseline_set),
    "target": (TargetForm, results.target_set),
}


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def results_view(request: AuthedHttpRequest) -> HttpResponse:
    from django.utils import timezone

    from jaga.stats import charts

    this_year = timezone.localdate().year
    query = request.GET.copy()
    query.setdefault("year", str(this_year))
    filters = ResultsFilterForm(query)
    year, province = this_year, ""
    if filters.is_valid():
        year, province = filters.cleaned_data["year"], filters.cleaned_data["province"]
    forms: dict[str, Any] = {
        "baseline": BaselineForm(prefix="baseline"),
        "target": TargetForm(prefix="target", initial={"year": year}),
    }
    action = request.POST.get("action", "")
    if request.method == "POST" and action in RESULT_FORMS:
        form_class, setter = RESULT_FORMS[action]
        form = forms[action] = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                setter(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?{query.urlencode()}")
    rows = results.framework(year, province)
    if request.GET.get("format") == "xlsx":
        header = ["programme", "indicator", "indicator_label", "baseline", "baseline_year", "year", "province",
                  "target", "actual", "progress_percent"]  # fmt: skip
        table = [[r.indicator.programme, r.indicator.measure, str(r.label), r.indicator.baseline,
                  r.indicator.baseline_year, year, province, r.target, r.actual, r.progress] for r in rows]  # fmt: skip
        return table_response(header, table, "xlsx", f"jaga-results-{year}.xlsx", sheet="results")
    chart = charts.bars(
        _("Progress against the target (%)"),
        [(r.label, r.progress, "—" if r.progress is None else f"{r.progress}%") for r in rows if r.target],
        unit="%",
    )
    query.pop("format", None)
    return render(
        request,
        "programs/results.html",
        {
            "rows": rows,
            "year": year,
            "province": dict(getattr(filters.fields["province"], "choices", [])).get(province, ""),
            "filters": filters,
            "chart": chart,
            "baseline_form": forms["baseline"],
            "target_form": forms["target"],
            "query": query.urlencode(),
        },
    )
