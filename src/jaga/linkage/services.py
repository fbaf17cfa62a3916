"""Linkage inside Jaga: encodings kept current, runs in the background, reviews, asks for referral.

Encodings are made in the server process from the decrypted identity, with the linkage key
(JAGA_LINKAGE_KEY, separate from the field-encryption and blind-index keys). A run reads only the
encodings, never the identity fields; what it stores (clusters, pairs, evidence levels, counts)
names no one. See docs/adr/0011-linkage-encodings.md and docs/adr/0012-linkage-matching.md.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.models import Case, Child
from jaga.core import events
from jaga.core.bulk import bulk_insert, instantiate
from jaga.core.jobs import heartbeat
from jaga.linkage import matching
from jaga.linkage.encoding import COLUMNS, Keys, encode_lenient
from jaga.linkage.matching.clustering import HARD_CONFLICTS
from jaga.linkage.models import CaseEncoding, ClusterMember, LinkageRun, PairReview, ReferralAsk

log = logging.getLogger(__name__)
ENCODED = [c for c in COLUMNS if c != "id"]


@functools.cache
def _keys(secret: str) -> Keys:
    return Keys(secret.encode())


def keys() -> Keys:
    return _keys(settings.JAGA_LINKAGE_KEY)


def thresholds() -> matching.Thresholds:
    return matching.Thresholds(settings.JAGA_LINKAGE_MATCH_THRESHOLD, settings.JAGA_LINKAGE_REVIEW_THRESHOLD)


# --- Encodings ---------------------------------------------------------------------------------


def _standard(child: Child, case: Case) -> dict[str, str]:
    regency = case.residence_regency_id or case.exploitation_regency_id or ""
    # Without a birth date, an age the caseworker estimated at registration still says the birth year.
    estimated = not child.date_of_birth and child.age_is_estimated and child.age_at_registration is not None
    return {
        "full_name": child.full_name,
        "aliases": child.aliases,
        "date_of_birth": child.date_of_birth,
        "age": str(child.age_at_registration) if estimated else "",
        "recorded_on": case.registered_on.isoformat() if estimated else "",
        "sex": child.sex if child.sex in ("female", "male") else "",
        "nik": child.nik,
        "phone": child.phone,
        "address": child.address,
        "regency_code": regency,
    }


def encoding_of(child: Child, case: Case) -> dict[str, str] | None:
    """The encodings of one child (None when there is nothing to encode)."""
    encoded, dropped = encode_lenient(keys(), str(case.pk), _standard(child, case))
    for column in dropped:  # a stored value the encoder refuses: link on the rest
        log.warning("linkage: case %s field %s not encodable; encoded without it", case.pk, column)
    encoded.pop("id")
    return encoded


def encoding_update(child: Child) -> None:
    """When a child's identity is registered or changed (``events.child_identity_changed``): the encoding
    follows the identity (an erased child has none: ``case_forget``)."""
    if child.erased_at is not None:
        return
    case = Case.objects.only("residence_regency_id", "exploitation_regency_id", "registered_on").get(pk=child.case_id)
    data = encoding_of(child, case)
    if data is not None:
        CaseEncoding.objects.update_or_create(case_id=child.case_id, defaults={"fp": data["fp"], "data": data})


def case_forget(case: Case) -> dict[str, int]:
    """When a child's identity is erased (``events.case_erased``): linkage forgets the child, and says
    what it removed (the erasure's audit row lists it)."""
    pairs = PairReview.objects.filter(Q(case_a_id=case.pk) | Q(case_b_id=case.pk))
    return {
        "linkage encodings": CaseEncoding.objects.filter(case_id=case.pk).delete()[0],
        "linkage cluster memberships": ClusterMember.objects.filter(case_id=case.pk).delete()[0],
        "linkage pairs to review": pairs.delete()[0],
    }


def encodings_refresh(progress: matching.Progress | None = None) -> int:
    """Encodes every case that has no current encoding (bulk imports, a new linkage key). Returns how many."""
    fp = keys().fingerprint
    stale = Child.objects.filter(erased_at__isnull=True).exclude(
        case_id__in=CaseEncoding.objects.filter(fp=fp).values("case_id")
    )
    ids = list(stale.values_list("case_id", flat=True))
    total, done = len(ids), 0
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        children = Child.objects.filter(case_id__in=batch).select_related("case")
        rows = []
        for child in children:
            data = encoding_of(child, child.case)
            rows.append(instantiate(CaseEncoding, case_id=child.case_id, fp=fp, data=data, updated_at=timezone.now()))
        with transaction.atomic():
            CaseEncoding.objects.filter(case_id__in=batch).delete()
            bulk_insert(rows)
        done += len(rows)
        if progress:
            progress("encoding new and changed records", 0.05 * done / max(total, 1))
    return done


# --- Runs ---------------------------------------------------------------------------------------


STALE_AFTER = timedelta(hours=6)  # a run still waiting this long was never taken by a worker
REVIEW_LIMIT = 5000  # uncertain pairs put in the queue per run, strongest first (the run counts them all)


def runs_expire_stale() -> int:
    """The sweep (``JAGA_WORKER_SWEEPS``, and before a run starts): a running run whose heartbeat stopped
    for ``JAGA_JOB_STALE_MINUTES`` died with its worker, a run waiting ``STALE_AFTER`` was never taken;
    both become failed, so that a new run can start. Returns how many."""
    now = timezone.now()
    silent = now - timedelta(minutes=settings.JAGA_JOB_STALE_MINUTES)
    stale = Q(state=LinkageRun.State.QUEUED, created_at__lt=now - STALE_AFTER) | Q(
        state=LinkageRun.State.RUNNING, heartbeat_at__lt=silent
    )
    expired = 0
    for run in LinkageRun.objects.filter(stale):
        with transaction.atomic():
            if LinkageRun.objects.filter(pk=run.pk, state=run.state).update(
                state=LinkageRun.State.FAILED, error="stale: the worker stopped", finished_at=now
            ):
                record("linkage.run.stopped", actor=None, target=run, details={"was": run.state})
                expired += 1
    return expired


def run_start(*, actor: User | None, request: HttpRequest | None = None, scheduled: bool = False) -> LinkageRun:
    """Queues a run unless one is already waiting or running (that one is returned)."""
    if actor is not None and not user_has_perm(actor, "linkage.run"):
        raise PermissionDenied
    runs_expire_stale()
    with transaction.atomic():
        current = LinkageRun.objects.select_for_update().filter(state__in=["queued", "running"]).first()
        if current is not None:
            return current
        run = _new_run(actor=actor, scheduled=scheduled, request=request)
        from jaga.linkage.tasks import run_linkage

        run_linkage.enqueue(str(run.pk))  # in the run's transaction: both are stored, or neither
    return run


def run_now(*, scheduled: bool = True) -> LinkageRun:
    """A run in this process (the scheduler's `jaga linkage run`, the demo), unless one is under way."""
    runs_expire_stale()
    if LinkageRun.objects.filter(state__in=["queued", "running"]).exists():
        raise ValidationError(_("A linkage run is already queued or running."))
    run = _new_run(actor=None, scheduled=scheduled)
    return run_execute(str(run.pk))


def _new_run(*, actor: User | None, scheduled: bool, request: HttpRequest | None = None) -> LinkageRun:
    """A queued run with today's thresholds, and its audit row."""
    limits = thresholds()
    run = LinkageRun.objects.create(
        started_by=actor, scheduled=scheduled, match_threshold=limits.match, review_threshold=limits.review
    )
    record("linkage.run.started", actor=actor, target=run, request=request, details={"scheduled": scheduled})
    return run


def run_execute(run_id: str) -> LinkageRun:
    """The run itself (the worker calls it): encode what is new, score, cluster, store, count."""

    run = LinkageRun.objects.get(pk=run_id)
    if run.state != LinkageRun.State.QUEUED:
        return run

    def progress(stage: str, fraction: float) -> None:
        LinkageRun.objects.filter(pk=run.pk).update(stage=stage[:80], progress=int(100 * fraction))

    LinkageRun.objects.filter(pk=run.pk).update(state=LinkageRun.State.RUNNING, heartbeat_at=timezone.now())
    try:
        with heartbeat(LinkageRun, run.pk):
            _execute(run, progress)
    except Exception as exc:
        # Splink and DuckDB errors name columns and SQL, never values; the message is kept short anyway.
        log.exception("linkage run %s failed", run.pk)
        LinkageRun.objects.filter(pk=run.pk).update(
            state=LinkageRun.State.FAILED, error=type(exc).__name__[:300], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    return run


def _execute(run: LinkageRun, progress: matching.Progress) -> None:
    """Encode what is new, score, cluster, store, count."""
    encodings_refresh(progress)
    rows = []
    cases = {}
    eligible = CaseEncoding.objects.filter(
        fp=keys().fingerprint, case__restricted_at__isnull=True, case__child__erased_at__isnull=True
    ).select_related("case")
    for encoding in eligible.iterator(chunk_size=5000):
        rows.append({"id": str(encoding.case_id), **encoding.data})
        cases[str(encoding.case_id)] = (encoding.case.organisation_id, encoding.case.exploitation_regency_id)
    limits = matching.Thresholds(run.match_threshold, run.review_threshold)
    decided = PairReview.objects.exclude(decision=PairReview.Decision.OPEN).values_list(
        "case_a_id", "case_b_id", "decision"
    )
    same = [(str(a), str(b)) for a, b, d in decided if d == PairReview.Decision.SAME]
    different = [(str(a), str(b)) for a, b, d in decided if d == PairReview.Decision.DIFFERENT]
    if len(rows) < 2:
        result = matching.Result(len(rows), [], [], [], {r["id"]: r["id"] for r in rows}, limits)
    else:
        con = matching.connect()
        matching.load_rows(con, "records", rows)
        progress("scoring", 0.1)
        result = matching.run(
            con,
            ["records"],
            limits,
            same=same,
            different=different,
            progress=progress,
            uncertain_limit=REVIEW_LIMIT,
        )
        con.close()
    _store(run, result, cases)


@transaction.atomic
def _store(run: LinkageRun, result: matching.Result, cases: dict[str, tuple[Any, str]]) -> None:
    ClusterMember.objects.all().delete()
    bulk_insert(
        [
            instantiate(ClusterMember, case_id=UUID(case), cluster=UUID(cluster), run_id=run.pk)
            for case, cluster in result.clusters.items()
        ]
    )
    # Open pairs are replaced by this run's; decided ones are kept (and were respected above).
    PairReview.objects.filter(decision=PairReview.Decision.OPEN).delete()
    decided = {tuple(sorted((str(a), str(b)))) for a, b in PairReview.objects.values_list("case_a_id", "case_b_id")}
    reviews: list[PairReview] = []
    # Uncertain pairs, and strong pairs that the chain checks refused for a reason a person may
    # overrule (names or birth dates that differ; never two NIKs or two sexes).
    contested = [p for p in result.refused if p.refused not in HARD_CONFLICTS]
    for pair in sorted([*result.uncertain, *contested], key=lambda p: -p.probability):
        a, b = sorted((pair.a, pair.b))
        if (a, b) in decided:
            continue
        if len(reviews) >= REVIEW_LIMIT:  # a queue nobody can finish helps nobody: the strongest first
            break
        reviews.append(
            instantiate(
                PairReview,
                case_a_id=a,
                case_b_id=b,
                probability=pair.probability,
                evidence={**pair.agreement, **({"refused": pair.refused} if pair.refused else {})},
                run_id=run.pk,
                decision=PairReview.Decision.OPEN,
                created_at=timezone.now(),
            )
        )
    bulk_insert(reviews)
    run.summary = {**_summary(result.clusters, cases), "trained": result.trained, "notes": result.notes}
    run.match_threshold, run.review_threshold = result.thresholds.match, result.thresholds.review
    run.records = result.records
    run.clusters = result.cluster_count
    run.scored_pairs = result.scored_pairs
    run.matched = len(result.matched)
    run.uncertain = len(reviews)
    run.refused = len(result.refused)
    run.state = LinkageRun.State.DONE
    run.stage = "done"
    run.progress = 100
    run.finished_at = timezone.now()
    run.save()
    record(
        "linkage.run.finished",
        actor=None,
        target=run,
        details={"records": run.records, "clusters": run.clusters, "uncertain": run.uncertain},
    )
    events.linkage_run_finished.send(sender=LinkageRun, run=run)  # statistics count children: recount


def _summary(clusters: dict[str, str], cases: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    """Per organisation and province: records, records linked to another, and duplicates within."""
    from jaga.accounts.models import Organisation
    from jaga.regions.models import Region

    sizes = Counter(clusters.values())
    by_org: dict[Any, list[str]] = defaultdict(list)
    by_province: dict[str, list[str]] = defaultdict(list)
    for case, (organisation, regency) in cases.items():
        by_org[organisation].append(case)
        by_province[(regency or "")[:2]].append(case)

    def figures(members: list[str]) -> dict[str, Any]:
        records = len(members)
        linked = sum(1 for m in members if sizes[clusters[m]] > 1)
        within = records - len({clusters[m] for m in members})
        return {"records": records, "linked": linked, "duplicates": within, "rate": round(within / records, 4)}

    names = dict(Organisation.objects.filter(pk__in=list(by_org)).values_list("pk", "name"))
    provinces = dict(Region.objects.filter(code__in=list(by_province)).values_list("code", "name"))
    return {
        "organisations": sorted(
            ({"id": str(o), "name": names.get(o, ""), **figures(m)} for o, m in by_org.items()),
            key=lambda row: -row["records"],
        ),
        "provinces": sorted(
            ({"code": p, "name": provinces.get(p, ""), **figures(m)} for p, m in by_province.items()),
            key=lambda row: row["code"],
        ),
    }


def latest_run() -> LinkageRun | None:
    return LinkageRun.objects.filter(state=LinkageRun.State.DONE).order_by("-finished_at").first()


# --- Review -------------------------------------------------------------------------------------


@transaction.atomic
def pair_decide(*, actor: User, pair: PairReview, decision: str, request: HttpRequest | None = None) -> PairReview:
    """A linkage officer's decision; later runs respect it. Changing one's mind is allowed and audited."""
    if not user_has_perm(actor, "linkage.review"):
        raise PermissionDenied
    if decision not in (PairReview.Decision.SAME, PairReview.Decision.DIFFERENT):
        raise ValidationError(_("Choose 'same child' or 'different children'."))
    previous = pair.decision
    pair.decision = decision
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.save(update_fields=["decision", "decided_by", "decided_at"])
    record(
        "linkage.pair.decided",
        actor=actor,
        target=pair,
        request=request,
        details={"decision": decision, "previous": previous, "probability": f"{pair.probability:.4f}"},
    )
    return pair


# --- On a case ----------------------------------------------------------------------------------


def other_records(case: Case) -> list[Case]:
    """The cases of other organisations in the same cluster (for counting and asking, never for showing)."""
    membership = ClusterMember.objects.filter(case=case).first()
    if membership is None:
        return []
    return list(
        Case.objects.filter(cluster_membership__cluster=membership.cluster)
        .exclude(organisation_id=case.organisation_id)
        .select_related("organisation")
    )


def case_page_part(user: Any, case: Any) -> dict[str, Any]:
    """What a case's page shows of linkage (JAGA_CASE_PAGE_PARTS): other organisations that know the
    child, and the referral asks received for this case."""
    return {"elsewhere": known_elsewhere(case), "asks": asks_received(user, case)}


def known_elsewhere(case: Case) -> int:
    """How many other organisations hold a record of this child."""
    return len({other.organisation_id for other in other_records(case)})


@transaction.atomic
def referral_ask(*, actor: User, case: Case, request: HttpRequest | None = None) -> int:
    """Asks each other organisation holding this child to refer its file. Returns how many were asked."""
    if not user_has_perm(actor, "cases.edit") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    asked = 0
    others = other_records(case)
    for other in others:
        open_ask = ReferralAsk.objects.filter(from_case=case, to_case=other, state=ReferralAsk.State.OPEN)
        if open_ask.exists():
            continue
        ask = ReferralAsk.objects.create(
            from_case=case,
            to_case=other,
            from_organisation=case.organisation,
            to_organisation=other.organisation,
            requested_by=actor,
        )
        record("linkage.referral.asked", actor=actor, target=ask, request=request, details={"case": str(case.pk)})
        asked += 1
    if not others:
        raise ValidationError(_("No other organisation is known to hold this child's record."))
    return asked


def asks_received(user: User, case: Case | None = None) -> list[ReferralAsk]:
    """Open asks to the user's organisation (on one case, or all)."""
    query = ReferralAsk.objects.filter(to_organisation_id=user.organisation_id, state=ReferralAsk.State.OPEN)
    if case is not None:
        query = query.filter(to_case=case)
    return list(query.select_related("from_organisation", "to_case"))


@transaction.atomic
def referral_ask_answer(*, actor: User, ask: ReferralAsk, refer: bool, request: HttpRequest | None = None) -> None:
    """The receiving side dismisses the ask, or marks it answered by a referral it made."""
    if ask.to_organisation_id != actor.organisation_id or not user_has_perm(actor, "cases.edit"):
        raise PermissionDenied
    ask.state = ReferralAsk.State.REFERRED if refer else ReferralAsk.State.DISMISSED
    ask.save(update_fields=["state"])
    record("linkage.referral.answered", actor=actor, target=ask, request=request, details={"state": ask.state})
