"""How a visitor can give to a campaign: open or closed, days left, card (only when Stripe is configured) or the
campaign's group's bank and cheque details (its organisation row), preset amounts and share links. Pure reads."""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from swingfund.display import money
from swingfund.funding.models import Campaign
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults

PRESET_POUNDS = (10, 25, 50, 100)


def campaign_is_open(*, campaign: Campaign, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return campaign.starts_at <= now < campaign.ends_at


def days_left(*, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Whole days until the campaign closes, rounded up (0 once closed)."""
    now = now or timezone.now()
    seconds = (campaign.ends_at - now).total_seconds()
    return max(0, math.ceil(seconds / 86400))


def card_enabled() -> bool:
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def campaign_organisation(*, campaign: Campaign, request: HttpRequest | None = None) -> Organisation | None:
    """The group a campaign gives to: its own organisation, else the group this site serves."""
    if campaign.organisation_id:
        return campaign.organisation
    return getattr(request, "organisation", None)


def offline_details(*, organisation: Organisation | None) -> dict[str, str]:
    """The bank-transfer and cheque details of the group whose campaign this is (its organisation row; empty values
    are not offered). Never another group's, never settings."""
    giving = organisation_defaults(organisation=organisation).giving
    return {
        "account_name": giving.account_name, "sort_code": giving.sort_code, "account_number": giving.account_number,
        "cheque_payee": giving.cheque_payee, "cheque_address": giving.cheque_address,
    }


def offline_over_threshold(*, campaign: Campaign, contact: str, address: str) -> dict[str, str] | None:
    """What a bank or cheque giver over the permissibility threshold must send, and where: the figure in force today
    for the campaign's mode (£500 to the group, PPERA 2000 Sch 11; £50 passed on to a candidate, RPA 1983 Sch 2A),
    with its citation; None when no figure is in force."""
    from swingfund.compliance.selectors import FigureNotInForce
    from swingfund.funding.payments.selectors import declaration_threshold

    try:
        threshold = declaration_threshold(mode=campaign.mode, on=timezone.now().date())
    except FigureNotInForce:
        return None
    return {"display": money(threshold.value, short=True), "citation": threshold.citation,
            "source_url": threshold.source_url, "send_to": contact or address}


def share_links(*, url: str, text: str) -> list[tuple[str, str]]:
    """(label, link) for sharing a page without any third-party script on our page."""
    u, t = quote(url, safe=""), quote(text, safe="")
    return [("WhatsApp", f"https://wa.me/?text={t}%20{u}"), ("Email", f"mailto:?subject={t}&body={u}"),
            ("X", f"https://twitter.com/intent/tweet?text={t}&url={u}"),
            ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}")]


def giving_context(request: HttpRequest, *, campaign: Campaign) -> dict[str, object]:
    try:
        checkout = reverse("payments:checkout", args=[campaign.slug])
    except NoReverseMatch:
        checkout = ""
    organisation = campaign_organisation(campaign=campaign, request=request)
    offline = offline_details(organisation=organisation)
    url = request.build_absolute_uri(request.path)
    group = organisation_defaults(organisation=organisation)
    return {
        "offline_over": offline_over_threshold(campaign=campaign, contact=group.privacy_contact,
                                               address=group.address_line),
        "is_open": campaign_is_open(campaign=campaign), "days_left": days_left(campaign=campaign),
        "card": card_enabled() and bool(checkout), "checkout_url": checkout,
        "presets": [(p, p * 100) for p in PRESET_POUNDS], "offline": offline,
        "bank": bool(offline["account_number"] and offline["sort_code"]),
        "cheque": bool(offline["cheque_payee"] and offline["cheque_address"]),
        "share": share_links(url=url, text=f"Give to {campaign.title}"), "page_url": url,
        "giving_address": organisation_defaults(organisation=organisation).address_line,
    }
