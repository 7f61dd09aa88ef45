"""Who may write through the API: one function, to switch to `accounts.roles.user_has_role` at merge."""

from __future__ import annotations


def can_write(user) -> bool:
    """Organisers (staff accounts today; the `organiser` or `treasurer` role once swingfund.accounts lands)."""
    return bool(user and user.is_active and (user.is_staff or user.is_superuser))
