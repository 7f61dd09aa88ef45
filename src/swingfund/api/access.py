"""Who may write through the API: per-organisation roles of `swingfund.accounts` (never `is_staff`).

- A token is issued for one role, organiser or treasurer, in one organisation, to a person who holds it
  (`api.services.token_create`); it stops working when they no longer do, when it expires or is revoked.
- Recording a gift to a campaign (`can_record_gift`) takes a treasurer's token of the campaign's organisation, as
  the page `/funding/dashboard/gift/` takes its treasurer: an organiser cannot, nor can anyone of another
  organisation, nor a treasurer's token issued for another organisation.
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


def token_acts_as(token, *, organisation, role: str) -> bool:
    """Was `token` issued for `role` in `organisation`, and does its holder still hold that role there?"""
    return bool(token is not None and token.organisation_id == organisation.pk and token.role == role
                and user_has_role(user=token.user, organisation=organisation, role=role))


def can_record_gift(*, user, campaign, token=None) -> bool:
    """May `user` record a gift to `campaign`? Its organisation's treasurer only (and, through the API, with a
    token issued for that role there)."""
    if token is not None and not token_acts_as(token, organisation=campaign.organisation, role=GIFT_ROLE):
        return False
    return user_has_role(user=user, organisation=campaign.organisation, role=GIFT_ROLE)
