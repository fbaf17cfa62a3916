"""Named permissions, the roles that hold them, and the one function that answers "may they?".

Later capabilities (cases, linkage, statistics, hotline, programmes) declare their permissions
here too, so that the README's table and this module stay the single answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation, Role, UserRole

PERMISSIONS: dict[str, Any] = {
    "accounts.manage_org_users": _("Invite, change and deactivate the users of one's own organisation"),
    "accounts.manage_all_users": _("Manage the users of every organisation"),
    "accounts.manage_organisations": _("Create and change organisations"),
    "audit.view_log": _("Browse and filter the audit log"),
    "operations.backup": _("Make backups and see how the server runs (backups, worker, disk)"),
    "operations.breaches": _("Keep the personal-data breach register: record, decide, notify, close"),
    "operations.retention": _("Set how long records are kept, and place legal holds"),
    "cases.view": _(
        "See cases: those one leads or was assigned (caseworkers), all of one's organisation's"
        " and those referred to it (with cases.view_all_org)"
    ),
    "cases.edit": _("Register and update cases"),
    "cases.view_identity": _("See a child's identity (after re-authentication)"),
    "cases.view_all_org": _("See every case of one's organisation (without it: the cases one leads)"),
    "cases.assign": _("Assign and reassign cases to caseworkers; work the intake queue"),
    "cases.approve": _("Approve or return assessments, case plans and closure requests; reopen closed cases"),
    "cases.accept_referral": _("Accept or decline referrals to one's organisation"),
    "cases.subject_rights": _("Export, correct, restrict or erase a child's data on request (UU PDP)"),
    "hotline.triage": _("Triage public reports"),
    "hotline.submit_reports": _("Send reports to the hotline through the partner API"),
    "linkage.run": _("Start a linkage run and see its results per organisation and region"),
    "linkage.review": _("Decide uncertain pairs from the evidence (never names or NIKs)"),
    "stats.view": _("See statistics within one's jurisdiction"),
    "stats.export": _("Export statistics"),
    "stats.research_extract": _("Download de-identified, k-anonymous case records for research"),
    "programs.manage": _("Manage partners, advocacy, training and campaigns"),
    "programs.submit_code_report": _("Submit a company's annual report under The Code"),
    "research.incidents": _("Record incidents seen in the media and public documents (without names), and import them"),
    "research.studies": _("Run survey studies: forms, collection, imports and analysis of one's own studies"),
    "education.write": _("Write, review and publish the public lessons and their quizzes (another officer publishes)"),
    "reports.edit": _("Draft the annual report: write its narrative, comment on it, send it for approval"),
    "reports.approve": _("Approve, return and publish the annual reports of one's organisation"),
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: frozenset({"cases.view", "cases.edit", "cases.view_identity"}),
    Role.SUPERVISOR: frozenset(
        {
            "cases.view",
            "cases.edit",
            "cases.view_identity",
            "cases.view_all_org",
            "cases.assign",
            "cases.approve",
            "cases.accept_referral",
            "cases.subject_rights",
            "stats.view",
        }
    ),
    Role.HOTLINE_OPERATOR: frozenset({"hotline.triage"}),
    Role.ANALYST: frozenset({"stats.view", "stats.export", "reports.edit"}),
    Role.RESEARCHER: frozenset({"stats.view", "stats.research_extract", "research.incidents", "research.studies"}),
    Role.LINKAGE_OFFICER: frozenset({"linkage.run", "linkage.review", "stats.view"}),
    Role.PROGRAMME_OFFICER: frozenset(
        {"programs.manage", "stats.view", "reports.edit", "research.incidents", "education.write"}
    ),
    Role.HEAD: frozenset({"reports.approve", "reports.edit", "stats.view"}),
    Role.PARTNER: frozenset({"programs.submit_code_report", "hotline.submit_reports"}),
    Role.ORG_ADMIN: frozenset({"accounts.manage_org_users"}),
    Role.SYSTEM_ADMIN: frozenset(
        {
            "accounts.manage_org_users",
            "accounts.manage_all_users",
            "accounts.manage_organisations",
            "audit.view_log",
            "operations.backup",
            "operations.breaches",
            "operations.retention",
        }
    ),
}

# Which roles an organisation admin may grant, by the type of its organisation (as Primero's
# permitted_roles_to_manage). Roles that act nationally (hotline, statistics, research, linkage,
# programmes, system administration) are granted only by system admins, whatever the organisation.
_SERVICE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN})
ORG_ADMIN_MAY_GRANT: dict[str, frozenset[str]] = {
    Organisation.Type.NATIONAL_MINISTRY: _SERVICE_ROLES,
    Organisation.Type.REGIONAL_SERVICE_UNIT: _SERVICE_ROLES,
    Organisation.Type.LAW_ENFORCEMENT: _SERVICE_ROLES,
    Organisation.Type.INDEPENDENT_BODY: _SERVICE_ROLES,
    Organisation.Type.NGO: _SERVICE_ROLES,
    Organisation.Type.PRIVATE_SECTOR: frozenset({Role.PARTNER, Role.ORG_ADMIN}),
    Organisation.Type.ACADEMIA: frozenset({Role.ORG_ADMIN}),
    Organisation.Type.INTERNATIONAL_BODY: frozenset({Role.ORG_ADMIN}),
}


def grantable_roles(actor: Any, organisation: Any) -> frozenset[str]:
    """The roles ``actor`` may grant to, or remove from, a user of ``organisation``.

    System admins: every role. Organisation admins: the roles their organisation's type allows,
    in their own organisation only. Nobody but a system admin changes their own roles (see
    ``accounts.services.user_set_roles``).
    """
    if user_has_perm(actor, "accounts.manage_all_users"):
        return frozenset(Role.values)
    if user_has_perm(actor, "accounts.manage_org_users") and actor.organisation_id == organisation.pk:
        return ORG_ADMIN_MAY_GRANT.get(organisation.type, frozenset())
    return frozenset()


def user_permissions(user: Any) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if not user.organisation.is_active:
        return frozenset()
    granted: set[str] = set()
    for role in user.roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def user_has_perm(user: Any, perm: str, region_code: str | None = None) -> bool:
    """Whether ``user`` holds ``perm``, and, when a region is named, whether it is in their jurisdiction."""
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}")
    if perm not in user_permissions(user):
        return False
    return region_code is None or user.organisation.covers(region_code)


def holders(organisation_id: Any, perm: str) -> QuerySet[Any]:
    """The active people of an organisation who hold ``perm``, by name (whom to tell, whom to offer);
    ``organisation_id`` None: of every organisation (a national duty, such as the system admins')."""
    from jaga.accounts.models import User

    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}")
    roles = [role for role, granted in ROLE_PERMISSIONS.items() if perm in granted]
    # One query, whatever the size of the organisation: the roles that grant ``perm`` (user_permissions' rule).
    users = User.objects.filter(
        organisation__is_active=True, is_active=True, pk__in=UserRole.objects.filter(role__in=roles).values("user_id")
    )
    if organisation_id is not None:
        users = users.filter(organisation_id=organisation_id)
    return users.select_related("organisation").order_by("full_name")
