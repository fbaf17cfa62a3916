"""The media-monitoring register's pages: the list, a new incident, one incident, the import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.core.pagination import CappedPaginator
from jaga.core.tables import ImportFileError, table_response
from jaga.regions.models import Region
from jaga.research import incident_imports, incidents
from jaga.research.forms import ImportForm, IncidentFilterForm, IncidentForm
from jaga.research.models import Incident


@require_safe
@require_perm("research.incidents")
def incident_list_view(request: AuthedHttpRequest) -> HttpResponse:
    years = sorted(set(Incident.objects.values_list("year", flat=True)), reverse=True)
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name"))
    filters = IncidentFilterForm(request.GET or None, years=years, provinces=provinces)
    # Counting the outlets groups the rows, and a grouped query drops the model's ordering: given again,
    # newest first, so that the pages neither repeat nor skip an incident.
    found = (
        Incident.objects.select_related("region")
        .annotate(outlets=Count("sources"))
        .order_by("-year", F("incident_on").desc(nulls_last=True), "-created_at", "-pk")
    )
    if filters.is_valid():
        d = filters.cleaned_data
        if d["year"]:
            found = found.filter(year=int(d["year"]))
        if d["province"]:
            found = found.filter(region__code__startswith=d["province"])
        if d["form"]:
            ids = [pk for pk, forms in found.values_list("pk", "forms") if d["form"] in forms]
            found = found.filter(pk__in=ids)
    page = CappedPaginator(found, 50).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    query = kept.urlencode()
    return render(
        request,
        "research/incident_list.html",
        {"page": page, "filters": filters, "counted": found.filter(same_as__isnull=True).count(), "query": query},
    )


@require_http_methods(["GET", "POST"])
@require_perm("research.incidents")
def incident_new_view(request: AuthedHttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incidents.incident_record(actor=request.user, data=form.to_input(), request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if incident.same_as_id:
                messages.info(
                    request,
                    _(
                        "Recorded, and grouped with the same incident reported by another outlet: "
                        "it counts once. Ungroup it below if it is another incident."
                    ),
                )
            else:
                messages.success(request, _("The incident is recorded."))
            return redirect("research:incident", incident_id=incident.pk)
    return render(request, "research/incident_form.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
@require_perm("research.incidents")
def incident_detail_view(request: AuthedHttpRequest, incident_id: Any) -> HttpResponse:
    incident = one_or_404(Incident.objects.select_related("region", "same_as", "created_by"), pk=incident_id)
    group = incident.same_as or incident
    others = Incident.objects.filter(same_as=group).exclude(pk=incident.pk).select_related("region")
    return render(
        request,
        "research/incident_detail.html",
        {
            "incident": incident,
            "sources": incident.sources.all(),
            "others": [group, *others] if incident.same_as else others,
        },
    )


@require_POST
@require_perm("research.incidents")
def incident_ungroup_view(request: AuthedHttpRequest, incident_id: Any) -> HttpResponse:
    incident = one_or_404(Incident.objects.filter(same_as__isnull=False), pk=incident_id)
    incidents.incident_ungroup(actor=request.user, incident=incident, request=request)
    messages.success(request, _("Ungrouped: it counts as an incident of its own."))
    return redirect("research:incident", incident_id=incident.pk)


@require_http_methods(["GET", "POST"])
@require_perm("research.incidents")
def incident_import_view(request: AuthedHttpRequest) -> HttpResponse:
    if request.GET.get("template") in ("xlsx", "csv"):
        header, rows = incident_imports.template_rows()
        fmt = request.GET["template"]
        return table_response(header, rows, fmt, f"jaga-media-incidents-template.{fmt}", sheet="incidents")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            made = incident_imports.incidents_import(
                actor=request.user, data=upload.read(), filename=upload.name, request=request
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            problems = exc.messages
        else:
            grouped = sum(1 for i in made if i.same_as_id)
            messages.success(
                request,
                _("%(n)s incidents imported (%(g)s grouped with the same incident from another outlet).")
                % {"n": len(made), "g": grouped},
            )
            return redirect("research:incidents")
    status = 400 if form.errors or problems else 200
    return render(
        request,
        "research/incident_import.html",
        {"form": form, "problems": problems, "columns": incident_imports.COLUMNS},
        status=status,
    )
