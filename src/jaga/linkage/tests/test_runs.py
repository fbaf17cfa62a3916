"""Linkage runs a worker left behind, and starting runs from the page (the runs themselves:
test_in_app.py): a run that died or was never taken is marked failed with its audit row, so that the
next can start; a second start returns the run under way instead of queueing another."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.linkage.models import LinkageRun
from jaga.linkage.services import run_start, runs_expire_stale

pytestmark = pytest.mark.django_db


def test_a_run_whose_worker_died_and_one_never_taken_become_failed() -> None:
    now = timezone.now()
    died = LinkageRun.objects.create(state=LinkageRun.State.RUNNING, heartbeat_at=now - timedelta(hours=1))
    alive = LinkageRun.objects.create(state=LinkageRun.State.RUNNING, heartbeat_at=now - timedelta(seconds=20))
    forgotten = LinkageRun.objects.create(state=LinkageRun.State.QUEUED)
    LinkageRun.objects.filter(pk=forgotten.pk).update(created_at=now - timedelta(hours=7))
    waiting = LinkageRun.objects.create(state=LinkageRun.State.QUEUED)
    assert runs_expire_stale() == 2
    states = dict(LinkageRun.objects.values_list("pk", "state"))
    assert states[died.pk] == states[forgotten.pk] == LinkageRun.State.FAILED
    assert states[alive.pk] == LinkageRun.State.RUNNING and states[waiting.pk] == LinkageRun.State.QUEUED
    assert LinkageRun.objects.get(pk=died.pk).error.startswith("stale")
    stopped = AuditEvent.objects.filter(action="linkage.run.stopped")
    assert {row.details["was"] for row in stopped} == {"running", "queued"}
    assert runs_expire_stale() == 0, "the sweep is idempotent"


def test_starting_twice_gives_the_run_under_way_and_a_dead_one_does_not_block(
    linkage_officer: User, login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    first = run_start(actor=linkage_officer)
    assert run_start(actor=linkage_officer) == first and LinkageRun.objects.count() == 1
    LinkageRun.objects.filter(pk=first.pk).update(
        state=LinkageRun.State.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=2)
    )
    client = login_client(linkage_officer)
    answer = client.post("/linkage/runs/")
    second = LinkageRun.objects.exclude(pk=first.pk).get()
    assert answer.status_code == 302 and answer["Location"] == f"/linkage/runs/{second.pk}/"
    assert LinkageRun.objects.get(pk=first.pk).state == LinkageRun.State.FAILED
    assert client.get(f"/linkage/runs/{second.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="linkage.run.started", actor_id=linkage_officer.pk).count() == 2
    assert login_client(caseworker_jakarta).post("/linkage/runs/").status_code == 403
    assert LinkageRun.objects.count() == 2
