"""Replacing the blind-index key: lookups keep working meanwhile, `jaga keys reindex` remakes every index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case, Child
from jaga.cases.tests.test_access import api_client
from jaga.core import crypto
from jaga.hotline.models import ReportUrl
from jaga.hotline.tests.test_hotline import submit
from jaga.hotline.triage import duplicate_counts, related_reports

pytestmark = pytest.mark.django_db

NIK = "5171014101100002"
NEW_KEY = "a-new-blind-index-key-of-forty-characters!"


def found_by_nik(user: User) -> list[str]:
    response = api_client(user).post("/api/v1/cases/search/", {"q": NIK}, content_type="application/json")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_a_new_blind_index_key_with_the_old_one_kept_until_reindex(
    settings: Any, caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(
        caseworker_jakarta, child={"nik": NIK, "date_of_birth": date(2010, 1, 1), "phone": "0812 3456 7890"}
    )
    old_key = settings.JAGA_BLIND_INDEX_KEY
    settings.JAGA_BLIND_INDEX_KEY = NEW_KEY
    assert found_by_nik(caseworker_jakarta) == [], "without the old key the old index no longer matches"
    settings.JAGA_BLIND_INDEX_PREVIOUS_KEYS = [old_key]
    assert found_by_nik(caseworker_jakarta) == [str(case.pk)], "the old key is accepted while the indexes are remade"

    out = StringIO()
    call_command("keys", "reindex", "--batch-size", "1", stdout=out)
    assert "1 rows in 1 tables re-indexed" in out.getvalue() and "cases.Child" in out.getvalue()
    child = Child.objects.get(pk=case.pk)
    assert child.nik_index == crypto.blind_index(NIK, purpose="nik", key=NEW_KEY)
    assert child.phone_index == crypto.blind_index("081234567890", purpose="phone", key=NEW_KEY)
    event = AuditEvent.objects.get(action="core.keys.reindexed")
    assert event.details == {"rows": 1, "models": 1} and NIK not in str(event.details)

    settings.JAGA_BLIND_INDEX_PREVIOUS_KEYS = []
    assert found_by_nik(caseworker_jakarta) == [str(case.pk)], "after reindexing the new key alone finds it"
    again = StringIO()
    call_command("keys", "reindex", stdout=again)
    assert "0 rows in 0 tables" in again.getvalue(), "a second run has nothing left to do"


def test_reports_of_one_address_stay_grouped_across_the_key_change(settings: Any, regions: None) -> None:
    first = submit()
    old_key = settings.JAGA_BLIND_INDEX_KEY
    settings.JAGA_BLIND_INDEX_KEY, settings.JAGA_BLIND_INDEX_PREVIOUS_KEYS = NEW_KEY, [old_key]
    second = submit(description="Alamat yang sama, dilaporkan lagi setelah kunci diganti.")
    hashes = set(ReportUrl.objects.values_list("url_hash", flat=True))
    assert len(hashes) == 2, "the two reports' hashes were made with different keys"
    assert related_reports(first) == [second] and related_reports(second) == [first]
    assert duplicate_counts([first.pk, second.pk]) == {first.pk: 1, second.pk: 1}

    call_command("keys", "reindex", stdout=StringIO())
    settings.JAGA_BLIND_INDEX_PREVIOUS_KEYS = []
    assert set(ReportUrl.objects.values_list("url_hash", flat=True)) == {
        crypto.blind_index("https://contoh.example/a", purpose="hotline-url", key=NEW_KEY)
    }
    assert related_reports(first) == [second] and duplicate_counts([first.pk]) == {first.pk: 1}


def test_a_short_previous_key_stops_start_up(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAGA_", "DATABASE_URL", "DJANGO_"))}
    env.update({"JAGA_DATA_DIR": str(tmp_path), "JAGA_BLIND_INDEX_PREVIOUS_KEYS": "short"})
    result = subprocess.run([sys.executable, "-m", "jaga", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "Setting JAGA_BLIND_INDEX_PREVIOUS_KEYS:" in result.stderr
