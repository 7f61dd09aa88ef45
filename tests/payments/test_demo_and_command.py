"""The offline card demo and the `swingfund stripe` command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from swingfund.funding.models import Donation, Refund
from swingfund.funding.payments.demo import DEMO_CARD_GIFTS, REFUNDED_PENCE, card_gifts_demo
from swingfund.funding.payments.models import StripeEvent
from swingfund.testing.stripe_standin import fee_for

pytestmark = pytest.mark.django_db


def test_card_demo_runs_the_whole_path_and_is_safe_to_repeat(campaign):
    summary = card_gifts_demo(campaign=campaign)

    assert summary.gifts == len(DEMO_CARD_GIFTS) == Donation.objects.filter(method="card").count()
    assert summary.gross_pence == sum(g[-1] for g in DEMO_CARD_GIFTS)
    assert summary.fees_pence == sum(fee_for(g[-1]) for g in DEMO_CARD_GIFTS)
    assert summary.refunded_pence == REFUNDED_PENCE == Refund.objects.get().amount_pence
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"handled"}
    assert card_gifts_demo(campaign=campaign) == summary
    assert Donation.objects.count() == len(DEMO_CARD_GIFTS)


def test_command_demo_events_and_process(campaign):
    out = io.StringIO()
    call_command("stripe", "demo", "--campaign", campaign.slug, stdout=out)
    assert "4 gifts" in out.getvalue()
    out = io.StringIO()
    call_command("stripe", "events", stdout=out)
    assert "checkout.session.completed" in out.getvalue() and "handled 5" in out.getvalue()
    out = io.StringIO()
    call_command("stripe", "process", stdout=out)
    assert "Applied 0 event(s)" in out.getvalue()
    with pytest.raises(CommandError, match="No campaign 'nope'"):
        call_command("stripe", "demo", "--campaign", "nope")


def test_event_log_page_is_for_the_administrator_and_lists_events(client, admin_user, campaign):
    from django.test import Client

    from tests.accounts.helpers import PASSWORD, administrator_client

    card_gifts_demo(campaign=campaign)
    assert client.get("/payments/stripe/events/").status_code == 302  # to the login page
    admin_user.set_password(PASSWORD)
    admin_user.save()
    admin = Client()
    admin.force_login(admin_user)
    assert admin.get("/payments/stripe/events/").status_code == 302  # the second factor first
    page = administrator_client(admin, admin_user).get("/payments/stripe/events/?status=handled").content.decode()
    assert "checkout.session.completed" in page and "charge.refunded" in page
    assert "Source: Stripe webhook deliveries" in page
