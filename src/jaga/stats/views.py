from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import record
from jaga.cases.models import AgeBand, Form
from jaga.core.doors import public
from jaga.core.tables import table_response
from jaga.stats import charts
from jaga.stats.access import province_scope
from jaga.stats.aggregates import (
    Dashboard,
    Published,
    counting,
    dashboard,
    latest_refresh,
    province_map_rows,
    years_available,
)
from jaga.stats.crosstab import CrosstabError, crosstab
from jaga.stats.dimensions import DIMENSIONS
from jaga.stats.forms import CrosstabForm, DashboardForm
from jaga.stats.measures import other_measures
from jaga.stats.tasks import refresh_statistics


def _board(request: HttpRequest, *, public: bool) -> tuple[DashboardForm, Dashboard | None]:
    years = years_available()
    scope = "" if public else province_scope(request.user)
    form = DashboardForm(request.GET or None, years=years, public=public, scope=scope or "")
    if not years:
        return form, None
    data = form.cleaned_data if form.is_valid() else {}
    year = int(data.get("year") or years[0])
    province = scope or data.get("province") or ""
    return form, dashboard(year=year, province=province, form="" if public else data.get("form") or "")


def _words(children: bool) -> dict[str, str]:
    """The titles of the dashboard in the word of what is counted (the same in the heading and the text)."""
    if children:
        return {
            "unit": _("Children"),
            "map": _("Children by province"),
            "months": _("Children by month of registration"),
            "regencies": _("Children by regency/city"),
            "legend": _("Darker: more children."),
        }
    return {
        "unit": _("Cases"),
        "map": _("Cases by province"),
        "months": _("Cases by month of registration"),
        "regencies": _("Cases by regency/city"),
        "legend": _("Darker: more cases."),
    }


def _charts(board: Dashboard, words: dict[str, str]) -> dict[str, Any]:
    def rows(table: Published) -> list[charts.Row]:
        return [(label, table.numbers.get(value), shown) for value, label, shown in table.rows]

    age = board.tables["age_sex"]
    bands = [label for _value, label in AgeBand.choices]
    lookup = {value: (label, age.numbers.get(value), shown) for value, label, shown in age.rows}

    def side(sex: str) -> list[charts.Row]:
        return [lookup.get(f"{band}|{sex}", (band, 0, "0")) for band, _label in AgeBand.choices]

    regency_map = None
    if board.regencies is not None and any(board.regencies.numbers.values()):  # only where counts allow
        regency_map = charts.regency_map(
            words["regencies"],
            board.province,
            [(code, str(name), shown, board.regencies.numbers.get(code)) for code, name, shown in board.regencies.rows],
        )
    return {
        "regency_map": regency_map,
        "months": charts.columns(words["months"], rows(board.months)),
        "map": charts.province_map(words["map"], province_map_rows(board), current=board.province),
        "pyramid": charts.pyramid(_("Age and sex of the children"), bands, side("female"), side("male")),
        "bars": {dim: charts.bars(table.title, rows(table)) for dim, table in board.tables.items() if dim != "age_sex"},
    }


def _render(request: HttpRequest, *, public: bool) -> HttpResponse:
    form, board = _board(request, public=public)
    query = request.GET.copy()
    query.pop("table", None)
    export = reverse("statistik:export" if public else "stats:export", kwargs={"fmt": "csv"}).removesuffix(".csv")
    context: dict[str, Any] = {
        "form": form,
        "board": board,
        "public": public,
        "refresh": latest_refresh(),
        "query": query.urlencode(),
        "export_base": export,
    }
    if board is not None:
        context["counting"] = counting()
        words = _words(context["counting"] == "children")
        context["words"] = words
        context.update(_charts(board, words))
        context["map_rows"] = province_map_rows(board)
        context["parts"] = other_measures(board.year, board.province)
        context["province_name"] = dict(board.provinces).get(board.province, "")
        context["form_name"] = dict(Form.choices).get(board.form, "")
    return render(request, "stats/dashboard.html", context)


@require_safe
@public("public statistics, disclosure-controlled")
def public_dashboard_view(request: HttpRequest) -> HttpResponse:
    """/statistik/: for anyone, disclosure-controlled, fixed dimensions and single years."""
    return _render(request, public=True)


@require_safe
@require_perm("stats.view")
def dashboard_view(request: AuthedHttpRequest) -> HttpResponse:
    return _render(request, public=False)


def _table_rows(table: Published) -> list[list[str]]:
    rows = [[str(label), shown] for _value, label, shown in table.rows]
    if table.total:
        rows.append([_("Total"), table.total])
    return rows


@require_safe
@require_perm("stats.export")
def export_view(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    return _export(request, fmt, public=False)


def _export(request: HttpRequest, fmt: str, public: bool) -> HttpResponse:
    """One dashboard table as CSV or XLSX, with the same suppression as on the page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, board = _board(request, public=public)
    name = request.GET.get("table", "")
    tables = {**(board.tables if board else {}), **({"month": board.months} if board else {})}
    if board is not None and board.regencies is not None:
        tables["regency"] = board.regencies
    unit = _("Children") if counting() == "children" else _("Cases")
    if name == "province" and board is not None:
        header = [_("Province"), unit]
        rows = [[name_, shown] for _code, name_, shown, _n in province_map_rows(board)]
    elif name in tables:
        table = tables[name]
        header = [str(table.title), unit]
        rows = _table_rows(table)
    else:
        raise Http404
    assert board is not None
    filename = f"jaga-{name}-{board.year}{('-' + board.province) if board.province else ''}.{fmt}"
    if not public:
        record("stats.table.exported", actor=request.user, request=request, details={"table": name, "format": fmt})
    return table_response(header, rows, fmt, filename, sheet=name, bom=False)


@require_safe
@public("public statistics, disclosure-controlled")
def public_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, fmt, public=True)


@require_safe
@require_perm("stats.view")
def crosstab_view(request: AuthedHttpRequest) -> HttpResponse:
    scope = province_scope(request.user)
    form = CrosstabForm(request.GET or None, years=years_available())
    result = None
    if form.is_valid():
        try:
            result = crosstab(
                dims=form.cleaned_data["dims"],
                year=int(form.cleaned_data["year"]) if form.cleaned_data["year"] else None,
                province=scope or form.cleaned_data.get("province") or "",
            )
        except CrosstabError as exc:
            form.add_error(None, str(exc))
        else:
            record(
                "stats.crosstab.viewed",
                actor=request.user,
                request=request,
                details={"dims": form.cleaned_data["dims"], "year": form.cleaned_data["year"]},
            )
            fmt = request.GET.get("format", "")
            if fmt in ("csv", "xlsx"):
                header = [str(DIMENSIONS[d].label) for d in result.dims] + [_("Cases")]
                rows = [[*map(str, names), shown] for _values, names, shown in result.rows()]
                return table_response(header, rows, fmt, f"jaga-crosstab.{fmt}", sheet="crosstab", bom=False)
    query = request.GET.copy()
    query.pop("format", None)
    titles = [DIMENSIONS[d].label for d in result.dims] if result else []
    return render(
        request, "stats/crosstab.html", {"form": form, "result": result, "titles": titles, "query": query.urlencode()}
    )


@require_POST
@require_perm("stats.export")
def refresh_view(request: AuthedHttpRequest) -> HttpResponse:
    refresh_statistics.enqueue()
    record("stats.refresh.requested", actor=request.user, request=request)
    messages.success(request, _("The figures are being recomputed in the background; reload in a minute."))
    return redirect("stats:dashboard")


@require_safe
@public("public statistics, disclosure-controlled")
def public_datapackage_view(request: HttpRequest) -> HttpResponse:
    """The open-data package (datapackage.json and its CSVs) as one ZIP."""
    from jaga.stats.exports import datapackage_zip

    if latest_refresh() is None:
        raise Http404
    response = HttpResponse(datapackage_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="jaga-eska-statistics.zip"'
    return response


@require_safe
@require_perm("stats.export")
def interchange_view(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    """DHIS2 data values (JSON) or SIMFONI-PPA categories (CSV) for one year."""
    import json

    from jaga.stats import exports

    years = years_available()
    raw = request.GET.get("year", "")
    if not years or (raw and (not raw.isdigit() or int(raw) not in years)):
        raise Http404
    year = int(raw) if raw else years[0]
    record("stats.interchange.exported", actor=request.user, request=request, details={"kind": kind, "year": year})
    if kind == "dhis2":
        response = HttpResponse(
            json.dumps(exports.dhis2_data_value_set(year), indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="jaga-dhis2-{year}.json"'
    else:
        response = HttpResponse(exports.simfoni_csv(year), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="jaga-simfoni-{year}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@require_perm("stats.research_extract")
def research_view(request: AuthedHttpRequest) -> HttpResponse:
    """The researcher's page: what the extract holds, and the download (POST: it is recorded)."""
    from jaga.stats.research import COLUMNS, DICTIONARY, QUASI, research_extract

    if request.method == "POST":
        _extract, data = research_extract(actor=request.user, request=request)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="jaga-research-extract.zip"'
        return response
    return render(
        request,
        "stats/research.html",
        {"columns": COLUMNS, "dictionary": DICTIONARY, "quasi": QUASI, "refresh": latest_refresh()},
    )
