"""Factories for the main objects, for tests: ``UserFactory.create(roles=[Role.CASEWORKER])``,
``CaseFactory.create(actor=worker, child={"nik": ""})``, ``ReportFactory.create(description=...)``.

Objects that carry rules (a case with its child, consent, timeline and audit row; a hotline report
with its code; a training session with its test link) are made through the services, as users make
them, so a test never holds a row the product could not have written. Plain rows (organisations,
users and their roles) are made directly. Every value is synthetic. Organisations with a
jurisdiction need the regions, which the test database holds from the start (``conftest``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from factory.django import DjangoModelFactory

from jaga.accounts.models import Organisation, Role, User, UserRole
from jaga.cases.inputs import CaseInput, ChildInput, ConsentInput
from jaga.cases.models import Case
from jaga.hotline.models import Report
from jaga.hotline.services import ReportInput
from jaga.programs.training.models import Audience, Module, TrainingSession

PASSWORD = "Tiga-kucing-hitam-7"


def case_input(**overrides: Any) -> CaseInput:
    """A valid new case (synthetic child), with any field replaced: ``case_input(child={"nik": ...})``."""
    child = {
        "full_name": "Sinta Maharani Uji",
        "nik": "3171074508120003",  # Jakarta Pusat, girl born 5 Aug 2012
        "date_of_birth": date(2012, 8, 5),
        "sex": "female",
        "phone": "0812 3456 7890",
        **overrides.pop("child", {}),
    }
    consent = {
        "given_by": "guardian",
        "services": True,
        "sharing": True,
        "statistics": True,
        **overrides.pop("consent", {}),
    }
    fields = {
        "registered_on": date(2026, 3, 14),
        "source": "police",
        "forms": ["online"],
        "exploitation_regency": "31.71",
        **overrides,
    }
    return CaseInput(child=ChildInput(**child), consent=ConsentInput(**consent), **fields)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Lembaga Uji {n}")
    type = Organisation.Type.NGO
    jurisdiction_id: str | None = None


class UnitFactory(OrganisationFactory):
    """A regional service unit (UPTD PPA) of a province, which registers cases."""

    name = factory.Sequence(lambda n: f"UPTD PPA Uji {n}")
    type = Organisation.Type.REGIONAL_SERVICE_UNIT
    jurisdiction_id = "31"


class UserFactory(DjangoModelFactory[User]):
    """An active user with a password (``PASSWORD``) and the roles given: ``UserFactory.create(roles=[...])``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pengguna.{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Pengguna Uji {n}")
    organisation = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(kwargs.pop("email"), PASSWORD, **kwargs)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **_kwargs: Any) -> None:
        if create and extracted:
            UserRole.objects.bulk_create([UserRole(user=obj, role=role) for role in extracted])


class CaseFactory(factory.Factory[Case]):
    """A case registered by ``actor`` (a caseworker of a new unit unless given) through ``case_register``;
    any other keyword replaces a field of ``case_input``."""

    class Meta:
        model = Case

    actor = factory.SubFactory(UserFactory, organisation=factory.SubFactory(UnitFactory), roles=[Role.CASEWORKER])

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, actor: User, **overrides: Any) -> Case:
        from jaga.cases.services import case_register

        return case_register(actor=actor, data=case_input(**overrides))


class ReportFactory(factory.Factory[Report]):
    """A public hotline report, taken as the web form takes it (code, urgency flags, rate limit)."""

    class Meta:
        model = Report

    description = "Ada anak yang ditawarkan lewat aplikasi pesan di dekat terminal (laporan uji)."
    forms = factory.LazyFunction(lambda: ["online"])
    platform = "WhatsApp"
    regency_code = "51.71"

    @classmethod
    def _create(cls, model_class: type[Report], *args: Any, **fields: Any) -> Report:
        from jaga.hotline.services import report_submit

        return report_submit(ReportInput(**fields), channel="web").report


class TrainingSessionFactory(factory.Factory[TrainingSession]):
    """A training session of a new module, made by a programme officer through the services."""

    class Meta:
        model = TrainingSession

    actor = factory.SubFactory(UserFactory, roles=[Role.PROGRAMME_OFFICER])
    starts_on = date(2026, 5, 4)
    ends_on = date(2026, 5, 5)
    region_id = "51.71"

    @classmethod
    def _create(cls, model_class: type[TrainingSession], *args: Any, actor: User, **fields: Any) -> TrainingSession:
        from jaga.programs.training.services import module_create, session_create

        module: Module = fields.pop("module", None) or module_create(
            actor=actor,
            title="Mencegah ESKA daring (uji)",
            audience=Audience.TEACHERS,
            objectives="Mengenali grooming dan tahu ke mana melapor.",
        )
        return session_create(
            actor=actor, organisations=[], module=module, online=False, place="Aula (uji)", trainers="Tim uji", **fields
        )
