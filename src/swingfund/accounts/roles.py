"""Who may do what, per organisation.

Roles: "treasurer" and "organiser" (granted per organisation, `OrganisationRole`), "committee_member" (an active
seat on the organisation's committee, `committee.CommitteeMember`), and the global "administrator" (an active
superuser). Nobody holds a role because of `is_staff`. The administrator does not hold the organisations' roles;
records that belong to no organisation (`organisation=None`) are the administrator's alone.
"""

from __future__ import annotations

from django.db.models import QuerySet

TREASURER = "treasurer"
ORGANISER = "organiser"
COMMITTEE_MEMBER = "committee_member"
ADMINISTRATOR = "administrator"
ORGANISATION_ROLES = (TREASURER, ORGANISER, COMMITTEE_MEMBER)
ROLES = (*ORGANISATION_ROLES, ADMINISTRATOR)
# Roles that move money sign in with a second factor (TOTP) before any page of theirs opens.
SECOND_FACTOR_ROLES = frozenset({TREASURER})

UNKNOWN_ROLE = "Unknown role {role!r}: use one of " + ", ".join(ROLES) + "."


def _check(role: str) -> None:
    if role not in ROLES:
        raise ValueError(UNKNOWN_ROLE.format(role=role))


def is_administrator(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def user_has_role(*, user, organisation, role: str) -> bool:
    """Does `user` hold `role` in `organisation`? `organisation=None` (a record of no organisation) is the
    administrator's only; "administrator" is held whatever the organisation."""
    _check(role)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == ADMINISTRATOR or organisation is None:
        return is_administrator(user)
    if role == COMMITTEE_MEMBER:
        return user.committee_seats.filter(organisation=organisation, active=True).exists()
    return user.organisation_roles.filter(organisation=organisation, role=role).exists()


def organisations_for(*, user, role: str) -> QuerySet:
    """The organisations in which `user` holds `role` (every organisation for the administrator role)."""
    from swingfund.organisations.models import Organisation

    _check(role)
    if user is None or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if role == ADMINISTRATOR:
        return Organisation.objects.all() if is_administrator(user) else Organisation.objects.none()
    if role == COMMITTEE_MEMBER:
        return Organisation.objects.filter(committee_members__user=user, committee_members__active=True).distinct()
    return Organisation.objects.filter(roles__user=user, roles__role=role).distinct()
