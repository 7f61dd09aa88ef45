"""Who may write through the API: per-organisation roles of `swingfund.accounts` (never `is_staff`).

- A token may be issued to, and keeps working for, a user who holds organiser or treasurer in some organisation
  (`can_hold_token`); a token whose holder has lost every such role stops working.
- Recording a gift to a campaign (`can_record_gift`) takes the treasurer of the campaign's organisation, as the
  page `/funding/dashboard/gift/` does: an organiser cannot, nor can anyone of another organisation.
"""

from __future__ import annotations

from swingfund.accounts.roles import ORGANISER, TREASURER, organisations_for, user_has_role

TOKEN_ROLES = (ORGANISER, TREASURER)
GIFT_ROLE = TREASURER
REFUSED_GIFT = "Recording a gift to {campaign} is for the treasurer of {organisation}."


def can_hold_token(user) -> bool:
    """Is `user` active and organiser or treasurer of at least one organisation?"""
    return bool(user is not None and user.is_active
                and any(organisations_for(user=user, role=role).exists() for role in TOKEN_ROLES))


def can_record_gift(*, user, campaign) -> bool:
    """May `user` record a gift to `campaign`? Its organisation's treasurer only."""
    return user_has_role(user=user, organisation=campaign.organisation, role=GIFT_ROLE)
