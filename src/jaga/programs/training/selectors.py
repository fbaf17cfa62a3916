"""Knowledge gain: what the tests say participants learnt."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.db.models import QuerySet

from jaga.programs.training.models import Certificate, Participant


@dataclass
class Gain:
    participants: int
    attended: int
    pre_taken: int
    post_taken: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None  # post minus pre, in percentage points, over participants with both
    passed: int
    pass_share: float | None  # share of post-test takers at or above the pass mark, in %
    certificates: int


def gain(participants: QuerySet[Participant]) -> Gain:
    """Knowledge gain over any set of participants (one session, a module, a year, a region)."""
    rows = list(participants.select_related("session__module").prefetch_related("results"))
    scores: dict[Any, dict[str, int]] = defaultdict(dict)
    passed = 0
    for participant in rows:
        for result in participant.results.all():
            scores[participant.pk][result.kind] = result.score
        final = scores[participant.pk].get("post")
        if final is not None and final >= participant.session.module.pass_mark:
            passed += 1
    pre = [s["pre"] for s in scores.values() if "pre" in s]
    post = [s["post"] for s in scores.values() if "post" in s]
    both = [s["post"] - s["pre"] for s in scores.values() if "pre" in s and "post" in s]
    return Gain(
        participants=len(rows),
        attended=sum(1 for p in rows if p.attended),
        pre_taken=len(pre),
        post_taken=len(post),
        mean_pre=round(mean(pre), 1) if pre else None,
        mean_post=round(mean(post), 1) if post else None,
        mean_gain=round(mean(both), 1) if both else None,
        passed=passed,
        pass_share=round(100 * passed / len(post), 1) if post else None,
        certificates=Certificate.objects.filter(participant__in=participants, revoked_at=None).count(),
    )
