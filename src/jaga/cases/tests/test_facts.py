"""Facts corrected after registration keep their history; lowering the risk needs a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.facts import case_facts_update
from jaga.cases.models import Case, CaseChange

pytestmark = pytest.mark.django_db


def posted(case: Case, **overrides: object) -> dict[str, object]:
    return {
        "source": "police",
        "forms": ["online"],
        "modus": "",
        "place_type": "",
        "exploitation_regency": "31.71",
        "residence_regency": "",
        "risk_level": "high",
        "sex": "female",
        "disability": "",
        "schooling": "",
        "reason": "",
        **overrides,
    }


def test_a_caseworker_corrects_the_facts_and_the_history_keeps_old_and_new(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta, risk_level="high")
    client = login_client(caseworker_jakarta)
    url = f"/cases/{case.pk}/facts/"
    lowered = client.post(url, posted(case, risk_level="low"))
    assert lowered.status_code == 400 and "risiko" in lowered.content.decode().lower()
    assert Case.objects.get(pk=case.pk).risk_level == "high", "nothing saved without the reason"
    reason = "Anak sudah di rumah aman bersama Ibu Sinta Maharani"
    saved = client.post(url, posted(case, risk_level="low", forms=["online", "trafficking"], reason=reason))
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "low" and sorted(case.forms) == ["online", "trafficking"]
    history = {c.field: (c.old, c.new) for c in CaseChange.objects.filter(case=case)}
    assert history == {"risk_level": ("high", "low"), "forms": ("online", "online;trafficking")}
    assert case.events.filter(kind="facts_changed").count() == 1
    event = AuditEvent.objects.get(action="cases.case.facts_changed")
    assert sorted(event.details["fields"]) == ["forms", "risk_level"]
    with connection.cursor() as cursor:  # the reason is free text: encrypted
        cursor.execute(f"SELECT reason FROM {CaseChange._meta.db_table}")
        assert all("Sinta" not in (row[0] or "") for row in cursor.fetchall())
    assert "Fakta dikoreksi" in client.get(f"/cases/{case.pk}/").content.decode(), "on the timeline"
    page = client.get(url).content.decode()
    history_table = page.split("Riwayat fakta")[1]
    assert "Sinta" not in history_table, "the history shows the values, not the free-text reason"
    assert "<td>Tinggi</td><td>Rendah</td>" in history_table, "labels, not codes"


def test_bad_values_and_identity_fields_are_refused_by_name(
    caseworker_jakarta: User, caseworker_bali: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    with pytest.raises(ValidationError) as refused:
        case_facts_update(actor=caseworker_jakarta, case=case, changes={"exploitation_regency": "99.99", "forms": []})
    assert set(refused.value.message_dict) == {"exploitation_regency", "forms"}
    with pytest.raises(ValidationError) as identity:
        case_facts_update(actor=caseworker_jakarta, case=case, changes={"full_name": "X"})
    assert "full_name" in identity.value.message_dict
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case_facts_update(actor=caseworker_bali, case=case, changes={"risk_level": "high"})
    assert case_facts_update(actor=caseworker_jakarta, case=case, changes={"source": "police"}) == []
    assert not CaseChange.objects.exists()


def test_the_same_forms_in_another_order_are_no_change(
    caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    """The page posts the forms in the order of the choices (prostitution before online): no history."""
    case = register_case(caseworker_jakarta, forms=["online", "prostitution"])
    assert case_facts_update(actor=caseworker_jakarta, case=case, changes={"forms": ["prostitution", "online"]}) == []
    assert not CaseChange.objects.exists()
