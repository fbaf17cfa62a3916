"""Checked lookups for linkage runs, pairs to review and referral asks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jaga.accounts.permissions import user_has_perm
from jaga.core.lookups import one_or_404


def access_run(actor: Any, run_id: Any) -> Any:
    """A linkage run, for a linkage officer (``linkage.review``); 404 when there is none."""
    from jaga.linkage.models import LinkageRun

    if not user_has_perm(actor, "linkage.review"):
        raise PermissionDenied
    return one_or_404(LinkageRun, pk=run_id)


def access_pair(actor: Any, pair_id: Any, source: Any = None) -> Any:
    """A pair to review (``linkage.review``), from ``source`` (a queryset with its relations) if given."""
    from jaga.linkage.models import PairReview

    if not user_has_perm(actor, "linkage.review"):
        raise PermissionDenied
    return one_or_404(PairReview if source is None else source, pk=pair_id)


def access_ask(actor: Any, ask_id: Any) -> Any:
    """A referral ask sent to the actor's organisation (``cases.edit``); 404 for any other."""
    from jaga.linkage.models import ReferralAsk

    if not user_has_perm(actor, "cases.edit"):
        raise PermissionDenied
    return one_or_404(ReferralAsk, pk=ask_id, to_organisation_id=actor.organisation_id)
