"""Who may open which page: the permission matrix as parametrized tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.accounts.permissions import PERMISSIONS, ROLE_PERMISSIONS, user_has_perm

pytestmark = pytest.mark.django_db

PAGES = [
    "/accounts/users/",
    "/accounts/users/invite/",
    "/accounts/organisations/",
    "/accounts/organisations/new/",
    "/audit/",
]

# persona -> pages it may open (status 200); every other page answers 403.
ALLOWED = {
    "caseworker_jakarta": set(),
    "supervisor_jakarta": set(),
    "analyst_national": set(),
    "researcher": set(),
    "hotline_operator": set(),
    "programme_officer": set(),
    "partner_hotel": set(),
    "org_admin_jakarta": {"/accounts/users/", "/accounts/users/invite/"},
    "system_admin": set(PAGES),
}


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_the_login_page(anonymous: Client, regions: None, page: str) -> None:
    response = anonymous.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", sorted(ALLOWED))
@pytest.mark.parametrize("page", PAGES)
def test_each_role_opens_only_its_pages(
    persona: Callable[[str], User], login_client: Callable[..., Client], name: str, page: str
) -> None:
    client = login_client(persona(name))
    expected = 200 if page in ALLOWED[name] else 403
    assert client.get(page).status_code == expected


def test_every_role_grants_only_known_permissions() -> None:
    for role, perms in ROLE_PERMISSIONS.items():
        assert perms <= set(PERMISSIONS), role


def test_a_permission_in_a_region_follows_the_jurisdiction(
    supervisor_jakarta: User, supervisor_bali: User, analyst_national: User
) -> None:
    assert user_has_perm(supervisor_jakarta, "stats.view", "31.71")
    assert not user_has_perm(supervisor_jakarta, "stats.view", "51.71")
    assert user_has_perm(supervisor_bali, "stats.view", "51")
    assert user_has_perm(analyst_national, "stats.view", "94.01")
    assert not user_has_perm(analyst_national, "cases.view", "31")


def test_a_deactivated_organisation_takes_its_users_permissions(supervisor_jakarta: User) -> None:
    supervisor_jakarta.organisation.is_active = False
    supervisor_jakarta.organisation.save()
    assert not user_has_perm(supervisor_jakarta, "stats.view")


def test_an_unknown_permission_is_a_programming_error(supervisor_jakarta: User) -> None:
    with pytest.raises(KeyError):
        user_has_perm(supervisor_jakarta, "cases.view_everything")


def test_readme_lists_every_permission_of_every_role() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    for perm in PERMISSIONS:
        assert f"`{perm}`" in readme, perm
    for role in ROLE_PERMISSIONS:
        assert f"`{role}`" in readme, role
