from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case, CaseEvent, Status
from jaga.cases.services import case_register
from jaga.factories import case_input

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def errors_of(actor: User, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        case_register(actor=actor, data=case_input(**overrides))
    return caught.value.message_dict


def test_it_registers_a_case_with_a_readable_reference(caseworker_jakarta: User) -> None:
    first = case_register(actor=caseworker_jakarta, data=case_input())
    second = case_register(actor=caseworker_jakarta, data=case_input())
    assert (first.reference, second.reference) == ("2026-00001", "2026-00002")
    assert first.forms == ["online"] and first.status == Status.REGISTERED
    child = first.child
    assert (child.age_at_registration, child.age_band, child.sex) == (13, "10-14", "female")
    assert not child.age_is_estimated
    event = AuditEvent.objects.get(action="cases.case.registered", target_id=str(first.pk))
    assert "Sinta" not in str(event.details) and "3171" not in str(event.details).replace("31.71", "")
    assert CaseEvent.objects.filter(case=first, kind="registered").exists()


def test_numbers_restart_each_year_and_per_organisation(caseworker_jakarta: User, caseworker_bali: User) -> None:
    case_register(actor=caseworker_jakarta, data=case_input())
    other_year = case_register(actor=caseworker_jakarta, data=case_input(registered_on=date(2025, 12, 31)))
    other_org = case_register(actor=caseworker_bali, data=case_input(exploitation_regency="51.71"))
    assert other_year.reference == "2025-00001" and other_org.reference == "2026-00001"


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("31710745081200", "16 digits"),
        ("9999074508120003", "not a known regency"),
        ("3171079913120003", "not a birth date"),
        ("3171074508120000", "never 0000"),
    ],
)
def test_it_refuses_an_invalid_nik_with_a_clear_message(caseworker_jakarta: User, nik: str, message: str) -> None:
    assert message in " ".join(errors_of(caseworker_jakarta, child={"nik": nik})["child.nik"])


def test_the_nik_must_agree_with_birth_date_and_sex(caseworker_jakarta: User) -> None:
    errors = errors_of(caseworker_jakarta, child={"nik": "3171070508120003", "date_of_birth": date(2012, 8, 6)})
    joined = " ".join(errors["child.nik"])
    assert "differs from the date of birth" in joined and "other sex" in joined


def test_it_refuses_a_birth_date_in_the_future(caseworker_jakarta: User) -> None:
    errors = errors_of(caseworker_jakarta, child={"nik": "", "date_of_birth": date(2099, 1, 1)})
    assert errors["child.date_of_birth"] == ["The date of birth cannot be in the future."]


def test_it_refuses_a_person_aged_18_at_the_time_of_exploitation(caseworker_jakarta: User) -> None:
    errors = errors_of(
        caseworker_jakarta, exploitation_date=date(2025, 1, 1), child={"nik": "", "date_of_birth": date(2006, 12, 31)}
    )
    assert "18 or older" in errors["child.date_of_birth"][0]
    # 17 at the time of exploitation and 18 at registration is still a child's case.
    case = case_register(
        actor=caseworker_jakarta,
        data=case_input(exploitation_date=date(2024, 12, 1), child={"nik": "", "date_of_birth": date(2007, 1, 1)}),
    )
    assert case.child.age_at_registration == 19


def test_it_refuses_unknown_regions_and_choices(caseworker_jakarta: User) -> None:
    errors = errors_of(caseworker_jakarta, exploitation_regency="31", source="rumour", forms=["bogus"])
    assert set(errors) == {"exploitation_regency", "source", "forms"}


def test_without_consent_a_lawful_basis_and_reason_are_required(caseworker_jakarta: User) -> None:
    errors = errors_of(caseworker_jakarta, consent={"given_by": "nobody"})
    assert set(errors) == {"consent.lawful_basis", "consent.justification"}
    assert set(errors_of(caseworker_jakarta, consent={"given_by": ""})) == {"consent.given_by"}
    case = case_register(
        actor=caseworker_jakarta,
        data=case_input(
            consent={
                "given_by": "nobody",
                "lawful_basis": "vital_interest",
                "justification": "Wali anak diduga pelaku",
            }
        ),
    )
    assert case.consents.get().justification == "Wali anak diduga pelaku"
    assert AuditEvent.objects.filter(action="cases.consent.lawful_basis_recorded", target_id=str(case.pk)).exists()


def test_a_refused_case_leaves_nothing_behind(caseworker_jakarta: User) -> None:
    errors_of(caseworker_jakarta, child={"nik": "123"})
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="cases.").exists()


def test_only_case_roles_register(analyst_national: User, system_admin: User) -> None:
    for actor in (analyst_national, system_admin):
        with pytest.raises(PermissionDenied):
            case_register(actor=actor, data=case_input())


def test_an_estimated_age_gives_an_age_band(caseworker_jakarta: User) -> None:
    case = case_register(
        actor=caseworker_jakarta, data=case_input(child={"nik": "", "date_of_birth": None, "estimated_age": 8})
    )
    assert (case.child.age_at_registration, case.child.age_band, case.child.age_is_estimated) == (8, "0-9", True)
