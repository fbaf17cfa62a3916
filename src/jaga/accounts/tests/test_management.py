"""Org admins manage their organisation's users; system admins manage organisations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from jaga.accounts import services
from jaga.accounts.models import Organisation, Role, User
from jaga.audit.models import AuditEvent
from jaga.conftest import totp_now
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db


def invite(client: Client, organisation: Organisation, **overrides: object) -> Any:
    data = {
        "email": "new.worker@test.example",
        "full_name": "Nur Pekerja",
        "organisation": str(organisation.pk),
        "roles": ["caseworker"],
        **overrides,
    }
    return client.post("/accounts/users/invite/", data)


def test_an_org_admin_invites_a_user_who_sets_a_password_and_logs_in(
    login_client: Callable[..., Client], org_admin_jakarta: User
) -> None:
    admin = login_client(org_admin_jakarta)
    response = invite(admin, org_admin_jakarta.organisation)
    assert response.status_code == 200
    link = re.search(r"http://testserver(/accounts/invitation/[^/]+/)", response.content.decode()).group(1)
    new_user = User.objects.get(email="new.worker@test.example")
    assert new_user.roles == {"caseworker"} and not new_user.has_usable_password()
    event = AuditEvent.objects.get(action="accounts.user.invited")
    assert event.actor_id == org_admin_jakarta.pk and event.target_id == str(new_user.pk)
    assert event.details == {"roles": ["caseworker"]}

    newcomer = Client()
    weak = newcomer.post(link, {"password1": "password123", "password2": "password123"})
    assert weak.status_code == 200 and "terlalu umum" in weak.content.decode()
    done = newcomer.post(link, {"password1": "Empat-ikan-merah-5", "password2": "Empat-ikan-merah-5"})
    assert done.status_code == 302
    assert newcomer.get(link).status_code == 404, "the link works once"
    assert (
        newcomer.post("/accounts/login/", {"username": new_user.email, "password": "Empat-ikan-merah-5"}).status_code
        == 302
    )


def test_an_invitation_form_says_what_is_wrong_and_keeps_the_input(
    login_client: Callable[..., Client], org_admin_jakarta: User, caseworker_jakarta: User
) -> None:
    admin = login_client(org_admin_jakarta)
    response = invite(admin, org_admin_jakarta.organisation, email=caseworker_jakarta.email, full_name="Dupe")
    assert "Sudah ada pengguna dengan email ini." in response.content.decode()
    assert 'value="Dupe"' in response.content.decode()
    no_role = invite(admin, org_admin_jakarta.organisation, roles=[])
    assert no_role.context["form"].errors["roles"]
    assert not User.objects.filter(email="new.worker@test.example").exists()


def test_an_org_admin_cannot_grant_system_admin_or_invite_into_another_organisation(
    login_client: Callable[..., Client], org_admin_jakarta: User, orgs: dict[str, Organisation]
) -> None:
    admin = login_client(org_admin_jakarta)
    escalate = invite(admin, org_admin_jakarta.organisation, roles=["system_admin"])
    assert escalate.context["form"].errors["roles"]
    elsewhere = invite(admin, orgs["bali"])
    assert elsewhere.context["form"].errors["organisation"]
    assert not User.objects.filter(email="new.worker@test.example").exists()


def test_an_org_admin_sees_only_their_own_users(
    login_client: Callable[..., Client],
    org_admin_jakarta: User,
    caseworker_jakarta: User,
    caseworker_bali: User,
) -> None:
    admin = login_client(org_admin_jakarta)
    listing = admin.get("/accounts/users/").content.decode()
    assert caseworker_jakarta.email in listing and caseworker_bali.email not in listing
    assert admin.get(f"/accounts/users/{caseworker_jakarta.pk}/").status_code == 200
    assert admin.get(f"/accounts/users/{caseworker_bali.pk}/").status_code == 404
    assert admin.post(f"/accounts/users/{caseworker_bali.pk}/", {"action": "deactivate"}).status_code == 404
    caseworker_bali.refresh_from_db()
    assert caseworker_bali.is_active


def test_an_org_admin_changes_roles_deactivates_and_reactivates(
    login_client: Callable[..., Client], org_admin_jakarta: User, caseworker_jakarta: User
) -> None:
    admin = login_client(org_admin_jakarta)
    url = f"/accounts/users/{caseworker_jakarta.pk}/"
    assert admin.post(url, {"action": "roles", "roles": ["caseworker", "supervisor"]}).status_code == 302
    caseworker_jakarta.forget_roles()
    assert caseworker_jakarta.roles == {"caseworker", "supervisor"}
    event = AuditEvent.objects.get(action="accounts.user.roles_changed")
    assert event.details == {"added": ["supervisor"], "removed": []}
    admin.post(url, {"action": "deactivate"})
    caseworker_jakarta.refresh_from_db()
    assert not caseworker_jakarta.is_active
    admin.post(url, {"action": "reactivate"})
    caseworker_jakarta.refresh_from_db()
    assert caseworker_jakarta.is_active
    actions = list(AuditEvent.objects.filter(action__startswith="accounts.user.").values_list("action", flat=True))
    assert "accounts.user.deactivated" in actions and "accounts.user.reactivated" in actions


def test_an_org_admin_cannot_deactivate_themself(login_client: Callable[..., Client], org_admin_jakarta: User) -> None:
    admin = login_client(org_admin_jakarta)
    response = admin.post(f"/accounts/users/{org_admin_jakarta.pk}/", {"action": "deactivate"})
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in response.content.decode()
    org_admin_jakarta.refresh_from_db()
    assert org_admin_jakarta.is_active


def test_an_org_admin_resets_mfa_and_the_user_enrols_again(
    settings: object, login_client: Callable[..., Client], org_admin_jakarta: User, caseworker_jakarta: User
) -> None:
    device = services.mfa_totp_pending(caseworker_jakarta)
    services.mfa_totp_confirm(user=caseworker_jakarta, token=totp_now(device))
    admin = login_client(org_admin_jakarta)
    admin.post(f"/accounts/users/{caseworker_jakarta.pk}/", {"action": "reset_mfa"})
    assert not services.mfa_enrolled(caseworker_jakarta)
    assert AuditEvent.objects.filter(action="accounts.mfa.reset", target_id=str(caseworker_jakarta.pk)).exists()
    settings.JAGA_MFA_REQUIRED = True  # type: ignore[attr-defined]
    client = Client()
    response = client.post("/accounts/login/", {"username": caseworker_jakarta.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/mfa/setup/"


def test_a_new_password_link_replaces_the_old_one(
    login_client: Callable[..., Client], org_admin_jakarta: User, caseworker_jakarta: User
) -> None:
    admin = login_client(org_admin_jakarta)
    first = admin.post(f"/accounts/users/{caseworker_jakarta.pk}/", {"action": "reinvite"}).content.decode()
    second = admin.post(f"/accounts/users/{caseworker_jakarta.pk}/", {"action": "reinvite"}).content.decode()
    old = re.search(r"(/accounts/invitation/[^/]+/)", first).group(1)
    new = re.search(r"(/accounts/invitation/[^/]+/)", second).group(1)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_system_admin_creates_and_edits_organisations(
    login_client: Callable[..., Client], system_admin: User
) -> None:
    admin = login_client(system_admin)
    created = admin.post(
        "/accounts/organisations/new/",
        {
            "name": "Polres Denpasar (test)",
            "type": "law_enforcement",
            "jurisdiction": "51.71",
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    organisation = Organisation.objects.get(name="Polres Denpasar (test)")
    assert organisation.jurisdiction_id == "51.71" and organisation.covers("51.71") and not organisation.covers("51")
    event = AuditEvent.objects.get(action="accounts.organisation.created")
    assert event.details == {"type": "law_enforcement", "jurisdiction": "51.71"}
    edited = admin.post(
        f"/accounts/organisations/{organisation.pk}/",
        {"name": "Polres Denpasar (test)", "type": "law_enforcement", "jurisdiction": ""},
    )
    assert edited.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_national and not organisation.is_active
    assert AuditEvent.objects.get(action="accounts.organisation.changed").details == {
        "fields": ["is_active", "jurisdiction"],
        "is_active": False,
    }


def test_the_organisations_are_listed_by_name_with_their_users(
    login_client: Callable[..., Client], system_admin: User, caseworker_jakarta: User
) -> None:
    import re

    # Made out of order: the list counts each one's users, a query that drops the model's ordering.
    for name in ("Yayasan Zamrud (test)", "Aliansi Anak (test)", "Pusat Krisis (test)"):
        Organisation.objects.create(name=name, type=Organisation.Type.NGO)
    text = login_client(system_admin).get("/accounts/organisations/").content.decode()
    names = re.findall(r'/accounts/organisations/[0-9a-f-]{36}/">([^<]+)</a>', text)
    assert len(names) == Organisation.objects.count() and names == sorted(names, key=str.casefold)
    row = text[text.index(caseworker_jakarta.organisation.name) :]
    assert f'?organisation={caseworker_jakarta.organisation.pk}">1</a>' in row.split("</tr>")[0]


def test_an_organisation_form_explains_bad_input(login_client: Callable[..., Client], system_admin: User) -> None:
    admin = login_client(system_admin)
    response = admin.post("/accounts/organisations/new/", {"name": "", "type": "bank", "jurisdiction": "99.99"})
    errors = response.context["form"].errors
    assert set(errors) == {"name", "type", "jurisdiction"}
    assert Organisation.objects.filter(name="").count() == 0


def test_a_deactivated_organisation_cannot_log_in(
    login_client: Callable[..., Client], system_admin: User, caseworker_bali: User
) -> None:
    victim = login_client(caseworker_bali)
    services.organisation_update(
        actor=system_admin,
        organisation=caseworker_bali.organisation,
        name=caseworker_bali.organisation.name,
        type=caseworker_bali.organisation.type,
        jurisdiction=caseworker_bali.organisation.jurisdiction,
        is_active=False,
    )
    assert victim.get("/accounts/me/").status_code == 302


# --- Who may grant which role ----------------------------------------------------------------------------

GRANTS_BY_ORGANISATION = {
    # organisation (conftest's orgs) -> roles its own org admin may grant there
    "jakarta": {"caseworker", "supervisor", "org_admin"},
    "ministry": {"caseworker", "supervisor", "org_admin"},
    "ngo": {"caseworker", "supervisor", "org_admin"},
    "hotel": {"partner", "org_admin"},
    "university": {"org_admin"},
}


@pytest.mark.parametrize("org", sorted(GRANTS_BY_ORGANISATION))
@pytest.mark.parametrize("role", sorted(Role.values))
def test_an_org_admin_grants_only_the_roles_its_organisation_type_allows(
    make_user: Callable[..., User], org: str, role: str
) -> None:
    admin = make_user(f"admin.{org}@test.example", org, "org_admin")
    colleague = make_user(f"colleague.{org}@test.example", org, "org_admin")
    allowed = role in GRANTS_BY_ORGANISATION[org]
    try:
        services.user_set_roles(actor=admin, user=colleague, roles={"org_admin", role})
    except ValidationError:
        granted = False
    else:
        granted = True
    colleague.forget_roles()
    assert granted is allowed and (role in colleague.roles) is allowed


@pytest.mark.parametrize("role", sorted(Role.values))
def test_a_system_admin_grants_every_role_in_any_organisation(
    make_user: Callable[..., User], system_admin: User, role: str
) -> None:
    user = make_user("someone@test.example", "hotel", "partner")
    services.user_set_roles(actor=system_admin, user=user, roles={role})
    user.forget_roles()
    assert user.roles == {role}


def test_an_org_admin_cannot_give_itself_a_national_role(
    login_client: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    hotel_admin = make_user("admin@hotel.example", "hotel", "org_admin")
    client = login_client(hotel_admin)
    page = client.get(f"/accounts/users/{hotel_admin.pk}/").content.decode()
    assert "Anda tidak dapat mengubah peran Anda sendiri" in page
    for role in ("hotline_operator", "linkage_officer", "programme_officer", "researcher", "analyst", "partner"):
        client.post(f"/accounts/users/{hotel_admin.pk}/", {"action": "roles", "roles": ["org_admin", role]})
    hotel_admin.forget_roles()
    assert hotel_admin.roles == {"org_admin"}
    assert not AuditEvent.objects.filter(action="accounts.user.roles_changed").exists()
    form_roles = client.get("/accounts/users/invite/").context["form"].fields["roles"].choices
    assert {value for value, _label in form_roles} == {"partner", "org_admin"}


def test_roles_a_system_admin_granted_stay_when_an_org_admin_saves_the_form(
    login_client: Callable[..., Client], org_admin_jakarta: User, make_user: Callable[..., User]
) -> None:
    user = make_user("analyst.jakarta@test.example", "jakarta", "caseworker", "analyst")
    admin = login_client(org_admin_jakarta)
    page = admin.get(f"/accounts/users/{user.pk}/").content.decode()
    assert "Analis" in page
    assert admin.post(f"/accounts/users/{user.pk}/", {"action": "roles", "roles": ["supervisor"]}).status_code == 302
    user.forget_roles()
    assert user.roles == {"supervisor", "analyst"}
