"""Who may see the planner: one function, so it can switch to `accounts.roles.user_has_role` at merge."""

from __future__ import annotations


def can_plan(user) -> bool:
    """Organisers (staff accounts today; the `organiser` role once swingfund.accounts lands)."""
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))
