"""Shared personas and helpers for every app's tests.

Personas (one organisation each unless said): caseworker_jakarta, supervisor_jakarta,
caseworker_bali, supervisor_bali, org_admin_jakarta, analyst_national, researcher, hotline_operator,
programme_officer, partner_hotel, system_admin; ``anonymous`` is a client without login.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp

from jaga.accounts.models import Organisation, Role, User
from jaga.factories import PASSWORD, UserFactory, case_input
from jaga.regions.models import Region


@pytest.fixture(autouse=True)
def _fast_hashing_and_fresh_cache(settings: Any, tmp_path: Any) -> None:
    settings.JAGA_BACKUP_DIR = tmp_path / "backups"  # a test's backups never land in the data folder
    # Argon2 is tested on its own (test_it_hashes_passwords_with_argon2); elsewhere it only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-otp's own back-off after a wrong code would make tests wait; Jaga's lockout is tested.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # The cache outlives a test's rolled-back rows: a statistics refresh in a later test can get the same
    # id as one before it, and must not find that one's tables.
    from django.core.cache import cache

    cache.clear()


def _load_regions() -> None:
    from jaga.regions.services import regions_load
    from jaga.regions.sources import read_regions

    if not Region.objects.exists():
        regions_load(records=read_regions())


@pytest.fixture
def regions(db: Any) -> None:
    """The real region list, loaded by the same service `jaga regions load` uses. It is loaded once for
    the session when the test database is made (``django_db_setup``) and again after each transactional
    test, which empties the tables (``pytest_runtest_teardown``); here it is loaded only if missing."""
    _load_regions()


@pytest.fixture
def orgs(regions: None) -> dict[str, Organisation]:
    T = Organisation.Type
    specs = {
        "jakarta": ("UPTD PPA DKI Jakarta (test)", T.REGIONAL_SERVICE_UNIT, "31"),
        "bali": ("UPTD PPA Bali (test)", T.REGIONAL_SERVICE_UNIT, "51"),
        "ministry": ("Kementerian (test)", T.NATIONAL_MINISTRY, None),
        "ngo": ("LSM Anak (test)", T.NGO, None),
        "hotel": ("Hotel (test)", T.PRIVATE_SECTOR, "51.71"),
        "university": ("Universitas (test)", T.ACADEMIA, None),
    }
    return {
        key: Organisation.objects.create(name=name, type=kind, jurisdiction_id=code)
        for key, (name, kind, code) in specs.items()
    }


@pytest.fixture
def make_user(orgs: dict[str, Organisation]) -> Callable[..., User]:
    def make(email: str, org: str, *roles: str, full_name: str = "Test Person") -> User:
        return UserFactory.create(email=email, full_name=full_name, organisation=orgs[org], roles=list(roles))

    return make


PERSONAS: dict[str, tuple[str, str]] = {
    "caseworker_jakarta": ("jakarta", Role.CASEWORKER),
    "supervisor_jakarta": ("jakarta", Role.SUPERVISOR),
    "caseworker_bali": ("bali", Role.CASEWORKER),
    "supervisor_bali": ("bali", Role.SUPERVISOR),
    "org_admin_jakarta": ("jakarta", Role.ORG_ADMIN),
    "org_admin_bali": ("bali", Role.ORG_ADMIN),
    "analyst_national": ("ministry", Role.ANALYST),
    "researcher": ("university", Role.RESEARCHER),
    "hotline_operator": ("ngo", Role.HOTLINE_OPERATOR),
    "programme_officer": ("ngo", Role.PROGRAMME_OFFICER),
    "partner_hotel": ("hotel", Role.PARTNER),
    "system_admin": ("ministry", Role.SYSTEM_ADMIN),
    "linkage_officer": ("ministry", Role.LINKAGE_OFFICER),
}


@pytest.fixture
def persona(make_user: Callable[..., User]) -> Callable[[str], User]:
    """``persona("caseworker_jakarta")`` creates that user once per test."""
    made: dict[str, User] = {}

    def get(name: str) -> User:
        if name not in made:
            org, role = PERSONAS[name]
            made[name] = make_user(f"{name.replace('_', '.')}@test.example", org, role, full_name=name)
        return made[name]

    return get


def _fixture(name: str) -> Any:
    @pytest.fixture
    def _persona(persona: Callable[[str], User]) -> User:
        return persona(name)

    _persona.__name__ = name
    return _persona


for _name in PERSONAS:
    globals()[_name] = _fixture(_name)


def run_worker() -> None:
    """The real background worker, in this process, until the queue is empty. It closes its database
    connections after each task, so a test that uses it runs outside a wrapping transaction
    (``django_db(transaction=True)``)."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def register_case() -> Callable[..., Any]:
    from jaga.cases.services import case_register

    def register(actor: User, **overrides: Any) -> Any:
        return case_register(actor=actor, data=case_input(**overrides))

    return register


@pytest.fixture
def anonymous() -> Client:
    return Client()


def api_client(user: User) -> Client:
    """A client that calls the API with a token ``user`` got through ``POST /api/v1/auth/token/``."""
    token = (
        Client()
        .post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, content_type="application/json")
        .json()["token"]
    )
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def login_client() -> Callable[[User], Client]:
    """A client logged in as ``user`` through the real login form (and MFA step if enrolled)."""

    def login(user: User, otp_device: Any = None) -> Client:
        client = Client()
        response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        if otp_device is not None:
            response = client.post("/accounts/login/verify/", {"otp": totp_now(otp_device, steps_ahead=1)})
            assert response.status_code == 302
        return client

    return login


def totp_now(device: Any, steps_ahead: int = 0) -> str:
    """The code the authenticator shows now, or ``steps_ahead`` periods later.

    A code is accepted once: a test that uses two codes within 30 seconds takes the next one,
    which the server accepts as clock drift.
    """
    device.refresh_from_db()
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits, device.drift):06d}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The test database as migrations make it, with the regions loaded, but for one trigger: on PostgreSQL
    Django empties the tables between transactional tests with TRUNCATE, which the audit log refuses in
    production (audit migration 0003). ``test_postgresql_refuses_truncate`` switches it on again."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_truncate")
        _load_regions()  # 552 rows every test reads: once, not once per test


def _transactional(item: pytest.Item) -> bool:
    """Whether the test ran outside a rolled-back transaction (its tables are emptied when it ends)."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    by_marker = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return bool(by_marker or names & {"transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test empties every table when it ends, the regions too: they are loaded again, so
    that every test finds the database as the session made it whatever ran before it (``make test`` runs
    the files on several workers, in an order that changes from run to run)."""
    yield
    # After the last test the session's fixtures are gone with the test database: nothing to load into.
    if nextitem is not None and _transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _load_regions()


@pytest.fixture(autouse=True)
def audit_checkpoints(settings: Any, tmp_path: Any) -> Any:
    """Each test's signed audit checkpoints in its own folder: they describe that test's database only."""
    settings.JAGA_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    return settings.JAGA_AUDIT_CHECKPOINT_DIR
