"""A donor's data rights: export everything held (JSON), erasure that keeps the ledger whole and is refused with its
reason and date while the law keeps the record, and the retention of personal data in stored Stripe payloads."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from swingfund.funding import ledger, selectors, services
from swingfund.funding.models import Donation, Donor, Entry
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.retention import REMOVED
from swingfund.funding.services import DonorDetails, GiftDetails

from .conftest import at

pytestmark = pytest.mark.django_db

KIM = DonorDetails(name="Kim Park", email="kim@example.org", address="2 Low Road, Leeds", postcode="LS2 9JT")


def card_gift(campaign, donor: DonorDetails, pence: int, intent: str, *, day: str = "06-01",
              event_age_days: int = 200) -> Donation:
    """A card gift as the webhook records it, with its stored Stripe event (payload carrying the donor's details)."""
    received = timezone.now() - dt.timedelta(days=event_age_days)
    StripeEvent.objects.create(
        event_id=f"evt_{intent}", type="payment_intent.succeeded", created=received, received_at=received,
        status=StripeEvent.Status.HANDLED, handled_at=received,
        payload={"id": f"evt_{intent}", "type": "payment_intent.succeeded", "data": {"object": {
            "id": intent, "amount": pence, "currency": "gbp",
            "metadata": {"campaign": campaign.slug, "donor_name": donor.name, "donor_email": donor.email,
                         "donor_address": donor.address, "donor_postcode": donor.postcode},
            "charges": {"data": [{"billing_details": {"name": donor.name, "email": donor.email},
                                  "payment_method_details": {"card": {"fingerprint": "fp_kim", "last4": "4242"}}}]},
        }}})
    return services.donation_record_with_donor(GiftDetails(
        campaign=campaign, donor=donor, amount_pence=pence, method="card", received_at=at(day), external_id=intent,
        reference=f"cs_{intent}", payer_fingerprint="fp_kim"))


def test_export_holds_everything_on_the_donor(pooled):
    gift = card_gift(pooled, KIM, 2_500, "pi_kim_1")
    out = io.StringIO()
    call_command("funding", "export", "--donor", str(gift.donor_id), stdout=out)
    data = json.loads(out.getvalue())
    assert data["donor"] | {"id": gift.donor_id} == data["donor"]
    assert (data["donor"]["name"], data["donor"]["email"], data["donor"]["postcode"]) == \
        ("Kim Park", "kim@example.org", "LS2 9JT")
    assert [(g["amount_pence"], g["external_id"], g["card_fingerprint"]) for g in data["gifts"]] == \
        [(2_500, "pi_kim_1", "fp_kim")]
    assert [e["event_id"] for e in data["payment_events"]] == ["evt_pi_kim_1"]
    assert data["payment_events"][0]["payload"]["data"]["object"]["metadata"]["donor_email"] == "kim@example.org"


def test_erasure_keeps_a_pseudonymous_donor_and_every_amount(client, pooled):
    gifts = [card_gift(pooled, KIM, 2_500, "pi_kim_1"), card_gift(pooled, KIM, 4_000, "pi_kim_2", day="06-05")]
    donor = gifts[0].donor
    books = list(Entry.objects.order_by("id").values_list("transaction_id", "account__code", "amount_pence", "memo"))
    raised = selectors.campaign_raised_pence(pooled)
    erased = services.donor_erase(donor=donor, by="treasurer")
    assert (erased.name, erased.email, erased.address, erased.postcode) == (f"Erased donor #{donor.pk}", "", "", "")
    assert erased.erased_at is not None and erased.erased_by == "treasurer" and erased.identity_key is None
    assert list(Entry.objects.order_by("id").values_list("transaction_id", "account__code", "amount_pence",
                                                         "memo")) == books  # the ledger is untouched
    assert ledger.ledger_verify().ok and selectors.campaign_raised_pence(pooled) == raised
    assert sorted(Donation.objects.filter(donor=donor).values_list("amount_pence", flat=True)) == [2_500, 4_000]
    assert Donation.objects.filter(donor=donor).exclude(payer_fingerprint="").count() == 0
    for event in StripeEvent.objects.all():
        text = json.dumps(event.payload)
        assert "kim@example.org" not in text and "Kim Park" not in text and "LS2 9JT" not in text
        assert event.payload["data"]["object"]["amount"] in (2_500, 4_000)  # amounts and ids stay
    everywhere = "".join(client.get(u).content.decode() for u in ("/funding/ledger.json", "/funding/ledger.csv"))
    assert "Kim Park" not in everywhere
    # The same person giving again later is a new donor: nothing joins them to the erased record.
    again = card_gift(pooled, KIM, 1_000, "pi_kim_3", day="06-09")
    assert again.donor_id != donor.pk


def test_erasure_is_refused_with_reason_and_date_while_the_law_keeps_the_record(pooled):
    kim = services.donor_get_or_create(name=KIM.name, email=KIM.email, address=KIM.address, postcode=KIM.postcode)
    services.donor_declare(donor=kim, category="uk_elector", evidence="register LS-1", checked_by="treasurer",
                           checked_at=at("05-01"))
    regulated = card_gift(pooled, KIM, 60_000, "pi_kim_big")  # £600: over the £500 permissibility threshold
    assert regulated.donor_id == kim.pk and regulated.status == Donation.Status.ACCEPTED
    donor = Donor.objects.get(pk=regulated.donor_id)
    with pytest.raises(services.ErasureRefused) as refused:
        services.donor_erase(donor=donor, by="treasurer")
    assert refused.value.until == dt.date(2030, 12, 31)
    message = str(refused.value)
    assert f"gift #{regulated.pk} of £600 received 2024-06-01 is over the £500 permissibility threshold" in message
    assert "must be kept until 2030-12-31" in message
    assert Donor.objects.get(pk=donor.pk).email == "kim@example.org"  # nothing erased

    with pytest.raises(CommandError, match="must be kept until 2030-12-31"):
        call_command("funding", "erase", "--donor", str(donor.pk), "--by", "treasurer")
    # After the date the same request succeeds.
    later = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    assert services.donor_erase(donor=donor, by="treasurer", now=later).erased_at == later


def test_retention_strips_personal_data_from_old_applied_payloads_only(pooled):
    card_gift(pooled, KIM, 2_500, "pi_old", event_age_days=120)
    card_gift(pooled, DonorDetails(name="New Person", email="new@example.org"), 2_500, "pi_new", event_age_days=10)
    received = timezone.now() - dt.timedelta(days=200)
    StripeEvent.objects.create(event_id="evt_pending", type="payment_intent.succeeded", created=received,
                               received_at=received, status=StripeEvent.Status.PENDING,
                               payload={"data": {"object": {"id": "pi_pending", "receipt_email": "p@example.org"}}})
    out = io.StringIO()
    call_command("stripe", "retention", "--days", "90", stdout=out)
    assert "from 1 applied event(s)" in out.getvalue()
    old = StripeEvent.objects.get(event_id="evt_pi_old").payload
    metadata = old["data"]["object"]["metadata"]
    assert metadata["donor_email"] == REMOVED and metadata["donor_name"] == REMOVED and metadata["campaign"] == "pooled"
    card = old["data"]["object"]["charges"]["data"][0]
    assert card["billing_details"] == REMOVED and card["payment_method_details"]["card"]["fingerprint"] == REMOVED
    assert old["data"]["object"]["amount"] == 2_500
    assert StripeEvent.objects.get(event_id="evt_pi_new").payload["data"]["object"]["metadata"]["donor_email"] == \
        "new@example.org"
    assert StripeEvent.objects.get(event_id="evt_pending").payload["data"]["object"]["receipt_email"] == "p@example.org"
    call_command("stripe", "retention", "--days", "90", stdout=out)  # safe to repeat
    assert "from 0 applied event(s)" in out.getvalue()


def test_erasure_waits_for_a_held_gift_to_be_returned(pooled):
    held = card_gift(pooled, KIM, 60_000, "pi_kim_held")  # unchecked donor over the threshold: held
    assert held.status == Donation.Status.HELD
    with pytest.raises(services.ErasureRefused, match="until the gift is returned — gift #.* is held"):
        services.donor_erase(donor=held.donor, by="treasurer")


def test_an_earmarked_75_pound_gift_is_kept_under_rpa_schedule_2a_as_group_policy(earmarked, candidacy):
    """A £75 gift earmarked for a candidate is over the £50 of RPA 1983 Schedule 2A (a donation to the candidate), not
    a PPERA Schedule 11 donation (that test is £500); no statute fixes how long the group keeps it: group policy."""
    from .conftest import make_donor

    gift = services.donation_record(campaign=earmarked, donor=make_donor("Ann Kaur"), amount_pence=7_500,
                                    method="bank_transfer", reference="e", received_at=at("06-05"),
                                    earmarked_candidacy=candidacy)
    with pytest.raises(services.ErasureRefused) as refused:
        services.donor_erase(donor=gift.donor, by="treasurer")
    message = str(refused.value)
    assert "RPA 1983 Sch 2A" in message and "over £50" in message
    assert "PPERA" not in message and "Sch 11" not in message
    assert "group policy" in message and refused.value.until == dt.date(2024 + 6, 12, 31)
