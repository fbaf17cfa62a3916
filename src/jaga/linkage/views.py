"""Linkage pages: runs and their figures, the review queue (evidence only), asks for referral."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases.access import access_case
from jaga.core.pagination import CappedPaginator
from jaga.linkage import services
from jaga.linkage.access import access_ask, access_pair, access_run
from jaga.linkage.models import LinkageRun, PairReview

PAGE_SIZE = 25
# What a reviewer reads: the comparison and how its encodings agreed; never a value.
COMPARISONS = {
    "name": gettext_lazy("Name"),
    "first_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "nik": gettext_lazy("NIK"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "regency": gettext_lazy("Regency/city"),
}
LEVELS = {
    "exact": (gettext_lazy("agree exactly"), "agree"),
    "nickname": (gettext_lazy("a nickname matches the name"), "agree"),
    "close": (gettext_lazy("agree closely (a typo or spelling variant)"), "agree"),
    "day and month swapped": (gettext_lazy("agree with day and month swapped"), "agree"),
    "similar": (gettext_lazy("somewhat similar"), "partial"),
    "year differs": (gettext_lazy("same day and month, another year"), "partial"),
    "year only": (gettext_lazy("same year only"), "partial"),
    "disagree": (gettext_lazy("disagree"), "disagree"),
    "missing": (gettext_lazy("missing on one side"), "missing"),
}
REFUSALS = {
    "name": gettext_lazy("the names differ too much for one child (siblings share a family name)"),
    "date_of_birth": gettext_lazy("the dates of birth differ, and not as a typo would"),
    "size": gettext_lazy("the group of records would be larger than one child plausibly has"),
}
STAGES = {
    "encoding new and changed records": gettext_lazy("Encoding new and changed records"),
    "scoring": gettext_lazy("Preparing"),
    "training: the share of pairs that match": gettext_lazy("Learning how many pairs match"),
    "training: how often unrelated records agree": gettext_lazy("Learning how often unrelated records agree"),
    "training: how often the same child agrees (EM)": gettext_lazy("Learning how often one child's records agree"),
    "scoring pairs": gettext_lazy("Scoring pairs"),
    "clustering": gettext_lazy("Grouping records into children"),
    "done": gettext_lazy("Done"),
}


@require_safe
@require_perm("linkage.review")
def dashboard_view(request: AuthedHttpRequest) -> HttpResponse:
    latest = services.latest_run()
    return render(
        request,
        "linkage/dashboard.html",
        {
            "latest": latest,
            "runs": LinkageRun.objects.all()[:10],
            "current": LinkageRun.objects.filter(state__in=["queued", "running"]).first(),
            "open_pairs": PairReview.objects.filter(decision=PairReview.Decision.OPEN).count(),
            "may_run": user_has_perm(request.user, "linkage.run"),
        },
    )


@require_POST
@require_perm("linkage.run")
def run_start_view(request: AuthedHttpRequest) -> HttpResponse:
    run = services.run_start(actor=request.user, request=request)
    messages.success(request, _("The linkage run is queued; this page shows its progress."))
    return redirect("linkage:run", run_id=run.pk)


@require_safe
@require_perm("linkage.review")
def run_view(request: AuthedHttpRequest, run_id: Any) -> HttpResponse:
    run = access_run(request.user, run_id)
    return render(request, "linkage/run.html", {"run": run, "stage": STAGES.get(run.stage, run.stage)})


def evidence_rows(pair: PairReview) -> list[tuple[Any, Any, str]]:
    rows = []
    for key, label in COMPARISONS.items():
        level = pair.evidence.get(key, "missing")
        text, kind = LEVELS.get(level, (level, "missing"))
        rows.append((label, text, kind))
    return rows


@require_safe
@require_perm("linkage.review")
def review_list_view(request: AuthedHttpRequest) -> HttpResponse:
    decision = request.GET.get("decision", PairReview.Decision.OPEN)
    if decision not in PairReview.Decision.values:
        decision = PairReview.Decision.OPEN
    pairs = PairReview.objects.filter(decision=decision).select_related(
        "case_a__organisation", "case_b__organisation", "case_a__exploitation_regency", "case_b__exploitation_regency"
    )
    page = CappedPaginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/review_list.html",
        {"page": page, "decision": decision, "decisions": PairReview.Decision.choices, "query": f"decision={decision}"},
    )


@require_http_methods(["GET", "POST"])
@require_perm("linkage.review")
def review_view(request: AuthedHttpRequest, pair_id: Any) -> HttpResponse:
    pair = access_pair(
        request.user,
        pair_id,
        PairReview.objects.select_related(
            "case_a__organisation",
            "case_b__organisation",
            "case_a__exploitation_regency__parent",
            "case_b__exploitation_regency__parent",
            "case_a__child",
            "case_b__child",
            "decided_by",
        ),
    )
    if request.method == "POST":
        try:
            services.pair_decide(
                actor=request.user,
                pair=pair,
                decision=request.POST.get("decision", ""),
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision saved. The next linkage run applies it."))
            following = PairReview.objects.filter(decision=PairReview.Decision.OPEN).first()
            if following is not None:
                return redirect("linkage:review", pair_id=following.pk)
            return redirect("linkage:review_list")
    return render(
        request,
        "linkage/review.html",
        {
            "pair": pair,
            "evidence": evidence_rows(pair),
            "sides": [pair.case_a, pair.case_b],
            "refused": REFUSALS.get(pair.evidence.get("refused", "")),
        },
    )


@require_POST
@require_perm("cases.edit")
def referral_ask_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    try:
        asked = services.referral_ask(actor=request.user, case=case, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        messages.error(request, _("Only the organisation that holds this case can ask."))
    else:
        if asked:
            messages.success(request, _("Asked. The other organisations decide whether to refer their file to you."))
        else:
            messages.info(request, _("You have already asked; the other organisations have not answered yet."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.edit")
def referral_ask_answer_view(request: AuthedHttpRequest, ask_id: Any) -> HttpResponse:
    ask = access_ask(request.user, ask_id)
    refer = request.POST.get("answer") == "refer"
    services.referral_ask_answer(actor=request.user, ask=ask, refer=refer, request=request)
    if refer:
        url = reverse("cases:detail", kwargs={"case_id": ask.to_case_id})
        return redirect(f"{url}?refer_to={ask.from_organisation_id}#referral")
    messages.success(request, _("The ask is dismissed."))
    return redirect("cases:detail", case_id=ask.to_case_id)
