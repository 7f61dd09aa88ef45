"""Who may run outreach: the one place to switch to `accounts.roles.user_has_role(role="organiser")`."""

from __future__ import annotations


def is_organiser(*, user) -> bool:
    return bool(user.is_authenticated and user.has_perm("outreach.change_message"))
