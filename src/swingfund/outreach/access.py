"""Who may run outreach: the organisers of the organisation whose supporters and messages these are (a role per
organisation, `swingfund.accounts`; never `is_staff`)."""

from __future__ import annotations

from django.db.models import QuerySet

from swingfund.accounts.roles import ORGANISER, organisations_for, user_has_role


def is_organiser(*, user, organisation) -> bool:
    """Does `user` hold the organiser role in `organisation`?"""
    return organisation is not None and user_has_role(user=user, organisation=organisation, role=ORGANISER)


def organised_by(*, user) -> QuerySet:
    """The organisations `user` organises (their outreach dashboards)."""
    return organisations_for(user=user, role=ORGANISER)
