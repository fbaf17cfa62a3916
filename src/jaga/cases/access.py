"""Who sees which case: the one road to a case for pages, the API and exports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jaga.accounts.permissions import user_has_perm


def visible_cases(user: Any, cases: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Need to know, for holders of ``cases.view``: with ``cases.view_all_org`` (supervisors) every case
    of the user's organisation and those referred to it (while the referral is accepted); without it
    (caseworkers) the cases they lead or work on as a co-worker, and the referred cases their
    organisation assigned to them. None for anyone else."""
    from django.db.models import Q

    from jaga.cases.models import Case, Coworker, Referral

    cases = Case.objects.all() if cases is None else cases
    if not user_has_perm(user, "cases.view"):
        return cases.none()
    accepted = Referral.objects.filter(to_organisation_id=user.organisation_id, state=Referral.State.ACCEPTED)
    own = Q(organisation_id=user.organisation_id)
    if not user_has_perm(user, "cases.view_all_org"):
        beside = list(Coworker.objects.filter(user_id=user.pk).values_list("case_id", flat=True))
        own &= Q(assigned_to_id=user.pk) | Q(pk__in=beside) if beside else Q(assigned_to_id=user.pk)
        accepted = accepted.filter(assigned_to_id=user.pk)
    # The referred ids are fetched first: a literal list lets the database use both indexes,
    # where an OR with a subquery makes it read every case.
    referred = list(accepted.values_list("case_id", flat=True))
    if not referred:
        return cases.filter(own)
    return cases.filter(own | Q(pk__in=referred))


def may_edit_case(user: Any, case: Any) -> bool:
    """``cases.edit`` on a case within the user's scope: the owner's people who work on it, or those of an
    organisation whose referral was accepted (what they add: tasks, services, perpetrators, legal)."""
    return user_has_perm(user, "cases.edit") and visible_cases(user).filter(pk=case.pk).exists()


def is_owner(user: Any, case: Any) -> bool:
    return bool(case.organisation_id == user.organisation_id)


def access_case(user: Any, case_id: Any) -> Any:
    """The case, or 404 when it is outside the user's scope (its existence is not told)."""
    from jaga.cases.models import Case

    case = visible_cases(user, Case.objects.select_related("organisation", "child")).filter(pk=case_id).first()
    if case is None:
        raise Http404
    if restriction_blocks(user, case):
        raise PermissionDenied(_("Processing of this case is restricted at the request of the child or guardian."))
    return case


def restriction_blocks(user: Any, case: Any) -> bool:
    """A restricted case (UU PDP) is read and changed only by those who handle the request."""
    return case.restricted_at is not None and not user_has_perm(user, "cases.subject_rights")


def may_see_identity(user: Any) -> bool:
    return user_has_perm(user, "cases.view_identity")


def access_referral(user: Any, referral_id: Any) -> Any:
    """A referral the user's organisation sent or received (the case's owner or the receiver); 404 otherwise."""
    from django.db.models import Q

    from jaga.cases.models import Referral

    referral = (
        Referral.objects.select_related("case", "to_organisation", "from_organisation")
        .filter(Q(to_organisation_id=user.organisation_id) | Q(case__organisation_id=user.organisation_id))
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def access_task(user: Any, task_id: Any) -> Any:
    """A task whose case is in the user's scope (``access_case``); 404 otherwise."""
    from jaga.cases.models import Task
    from jaga.core.lookups import one_or_404

    task = one_or_404(Task.objects.select_related("case"), pk=task_id)
    access_case(user, task.case_id)
    return task


def access_draft(user: Any, draft_id: Any) -> Any:
    """One of the user's own intake drafts (a draft is never shared); 404 otherwise."""
    from jaga.cases.models import IntakeDraft
    from jaga.core.lookups import one_or_404

    return one_or_404(IntakeDraft, pk=draft_id, user=user)
