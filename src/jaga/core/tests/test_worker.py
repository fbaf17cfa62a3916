"""The background worker shows it is alive, and sweeps up jobs a dead worker left behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import User
from jaga.core.models import WorkerBeat

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_readyz_answers_503_until_a_worker_beats_then_200(anonymous: Client, settings: Any) -> None:
    silent = anonymous.get("/readyz")
    assert silent.status_code == 503 and silent.json()["worker"] == "silent"
    run_worker()
    ready = anonymous.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200 and (body["database"], body["worker"]) == ("ok", "ok")
    assert 0 <= body["worker_last_seen_seconds"] < 30
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(seconds=settings.JAGA_WORKER_SILENT_SECONDS + 1))
    assert anonymous.get("/readyz").status_code == 503


def test_the_worker_fails_a_job_a_dead_worker_left_and_the_admin_sees_the_worker(
    login_client: Callable[..., Client], caseworker_jakarta: User, system_admin: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jaga.cases.models import ImportJob

    client = login_client(caseworker_jakarta)
    client.post("/cases/imports/", {"file": SimpleUploadedFile("a.csv", b"registered_on\n2024-01-01\n")})
    ImportJob.objects.update(state="importing", heartbeat_at=timezone.now() - timedelta(minutes=30))
    run_worker()
    assert ImportJob.objects.get().state == "failed", "swept by the worker, without anyone opening a page"
    page = login_client(system_admin).get("/audit/").content.decode()
    assert "Pekerja latar belakang: terakhir terlihat" in page
