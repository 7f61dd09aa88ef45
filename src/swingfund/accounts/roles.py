"""Who may do what, per organisation.

Roles: "treasurer", "organiser" and "administrator" (granted per organisation, `OrganisationRole`),
"committee_member" (an active seat on the organisation's committee, `committee.CommitteeMember`). The group's
administrator keeps the group's settings, roles and statements; the site administrator (an active superuser, who
runs Django's /admin/) is the administrator of every group. Nobody holds a role because of `is_staff`. The
administrator does not hold the organisations' other roles; records that belong to no organisation
(`organisation=None`) are the site administrator's alone.
"""

from __future__ import annotations

from django.db.models import QuerySet

TREASURER = "treasurer"
ORGANISER = "organiser"
COMMITTEE_MEMBER = "committee_member"
ADMINISTRATOR = "administrator"
ORGANISATION_ROLES = (TREASURER, ORGANISER, COMMITTEE_MEMBER)
ROLES = (*ORGANISATION_ROLES, ADMINISTRATOR)
# Roles that move money or hand out roles sign in with a second factor (TOTP) before any page of theirs opens.
SECOND_FACTOR_ROLES = frozenset({TREASURER, ADMINISTRATOR})

UNKNOWN_ROLE = "Unknown role {role!r}: use one of " + ", ".join(ROLES) + "."


def _check(role: str) -> None:
    if role not in ROLES:
        raise ValueError(UNKNOWN_ROLE.format(role=role))


def is_administrator(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def user_has_role(*, user, organisation, role: str) -> bool:
    """Does `user` hold `role` in `organisation`? `organisation=None` (a record of no organisation) is the site
    administrator's only; a group's "administrator" is its administrator row, or the site administrator."""
    _check(role)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if organisation is None:
        return is_administrator(user)
    if role == ADMINISTRATOR and is_administrator(user):
        return True
    if role == COMMITTEE_MEMBER:
        return user.committee_seats.filter(organisation=organisation, active=True).exists()
    return user.organisation_roles.filter(organisation=organisation, role=role).exists()


def organisations_for(*, user, role: str) -> QuerySet:
    """The organisations in which `user` holds `role` (every organisation for the administrator role)."""
    from swingfund.organisations.models import Organisation

    _check(role)
    if user is None or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if role == ADMINISTRATOR and is_administrator(user):
        return Organisation.objects.all()
    if role == COMMITTEE_MEMBER:
        return Organisation.objects.filter(committee_members__user=user, committee_members__active=True).distinct()
    return Organisation.objects.filter(roles__user=user, roles__role=role).distinct()
