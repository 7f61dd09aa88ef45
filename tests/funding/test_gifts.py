"""Gifts under UK law (figures from compliance's dated data): idempotent recording, holding what may not be
spent, scheduling returns within the legal limit, aggregation, splitting, anonymous gifts, refunds, disputes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from swingfund.compliance import gifts as law
from swingfund.compliance.checks import ComplianceRefusal
from swingfund.compliance.selectors import figure, figure_table
from swingfund.funding import ledger, selectors, services
from swingfund.funding.models import ComplianceTask, Donation, Donor, Refund
from swingfund.funding.services import gifts, refunds
from tests.funding.conftest import at, make_donor

pytestmark = pytest.mark.django_db


def give(campaign, donor, pence, day="06-01", **extra):
    return services.donation_record(campaign=campaign, donor=donor, amount_pence=pence,
                                    method=extra.pop("method", "bank_transfer"), reference=extra.pop("reference", "r"),
                                    received_at=at(day), **extra)


def test_card_gift_posts_amount_and_fee_and_is_idempotent_on_the_payment_id(pooled):
    donor = make_donor("Ann Lee")
    first = give(pooled, donor, 2_000, method="card", fee_pence=55, external_id="pi_123")
    again = give(pooled, donor, 2_000, method="card", fee_pence=55, external_id="pi_123")
    assert again.pk == first.pk and Donation.objects.count() == 1
    amounts = {e.account.code: e.amount_pence for e in first.transaction.entries.select_related("account")
               if e.amount_pence > 0 or e.account.code != "card_clearing"}
    assert amounts == {"card_clearing": 2_000, f"campaign:{pooled.pk}:donations": -2_000, "fees": 55}
    assert ledger.account_balance(ledger.account_shared("card_clearing")) == 1_945
    assert selectors.campaign_raised_pence(pooled) == 2_000 == selectors.campaign_ledger_raised_pence(pooled)


def test_bad_input_is_refused_with_a_clear_message_and_writes_nothing(pooled, candidacy):
    donor = make_donor("Ann Lee")
    cases = [
        ({"amount_pence": 0}, gifts.AMOUNT_NOT_POSITIVE.format(value=0)),
        ({"amount_pence": 100, "fee_pence": 101}, gifts.FEE_OUT_OF_RANGE.format(amount=100, fee=101)),
        ({"amount_pence": 100, "method": "bitcoin"}, "Unknown payment method 'bitcoin'"),
        ({"amount_pence": 100, "received_at": dt.datetime(2024, 6, 1, 12)}, "timezone-aware"),
        ({"amount_pence": 100, "earmarked_candidacy": candidacy}, gifts.EARMARK_FORBIDDEN.format(campaign="pooled")),
    ]
    for extra, message in cases:
        kwargs = {"campaign": pooled, "donor": donor, "method": "cash", "received_at": at("06-01"), **extra}
        with pytest.raises(ValueError) as error:
            services.donation_record(**kwargs)
        assert message in str(error.value)
    assert Donation.objects.count() == 0 and ledger.LedgerTransaction.objects.count() == 0


def test_earmarked_gift_must_name_a_candidacy(earmarked):
    with pytest.raises(ValueError, match="earmarked"):
        give(earmarked, make_donor("Ann Lee"), 1_000)


def test_anonymous_gift_at_the_threshold_is_accepted_but_over_it_is_held_with_a_return_due(pooled):
    threshold = figure("non_party_permissibility_threshold", on=dt.date(2024, 6, 1)).value
    small = give(pooled, None, threshold, method="cash")
    big = give(pooled, None, threshold + 1, method="cash", day="06-10")
    assert small.status == Donation.Status.ACCEPTED
    assert big.status == Donation.Status.HELD and big.hold_reason == law.HOLD_ANONYMOUS
    task = big.tasks.get()
    days = figure("return_impermissible_days", on=dt.date(2024, 6, 10)).value
    assert task.kind == ComplianceTask.Kind.RETURN and task.due_on == dt.date(2024, 6, 10) + dt.timedelta(days=days - 1)
    assert "30 days" in task.citation
    assert selectors.campaign_held_pence(pooled) == threshold + 1
    assert selectors.campaign_spendable_pence(pooled) == threshold


def test_unverified_donor_over_the_threshold_is_held_until_checked_then_released(pooled):
    donor = make_donor("Bea Khan", checked=False)
    gift = give(pooled, donor, 60_000)
    assert gift.status == Donation.Status.HELD and gift.tasks.get().kind == ComplianceTask.Kind.VERIFY
    with pytest.raises(ComplianceRefusal) as refusal:
        services.donation_release(donation=gift, by="treasurer")
    assert "permissibility threshold" in str(refusal.value) and "PPERA" in str(refusal.value)
    services.donor_declare(donor=donor, category="uk_elector", evidence="register", checked_by="treasurer")
    released = services.donation_release(donation=gift, by="treasurer")
    assert released.status == Donation.Status.ACCEPTED and released.release is not None
    assert not ComplianceTask.objects.filter(donation=gift, done_at=None).exists()
    assert selectors.campaign_raised_pence(pooled) == 60_000 == selectors.campaign_ledger_raised_pence(pooled)
    assert selectors.campaign_held_pence(pooled) == 0


def test_impermissible_gift_is_held_and_returned_within_the_limit(pooled):
    donor = make_donor("Foreign Holdings", category="impermissible")
    gift = give(pooled, donor, 100_000, day="06-03")
    assert gift.status == Donation.Status.HELD and gift.hold_reason == law.HOLD_IMPERMISSIBLE
    task = gift.tasks.get()
    assert task.kind == ComplianceTask.Kind.RETURN and task.due_on == dt.date(2024, 7, 2)
    returned = services.donation_return(donation=gift, reference="BACS-RET-1", by="treasurer",
                                        returned_at=at("06-05"))
    assert returned.kind == Refund.Kind.RETURN and returned.amount_pence == 100_000
    gift.refresh_from_db()
    assert gift.status == Donation.Status.RETURNED
    assert selectors.campaign_held_pence(pooled) == 0 and selectors.open_tasks().count() == 0
    with pytest.raises(ValueError, match="not held"):
        services.donation_return(donation=gift, reference="again")


def test_finding_a_donor_impermissible_turns_the_verify_task_into_a_return(pooled):
    donor = make_donor("Cal Doe", checked=False)
    gift = give(pooled, donor, 70_000)
    services.donor_declare(donor=donor, category="impermissible", evidence="not on any register",
                           checked_by="treasurer")
    assert list(ComplianceTask.objects.filter(donation=gift, done_at=None).values_list("kind", flat=True)) == ["return"]


def test_gifts_are_aggregated_per_donor_and_year_for_the_threshold(pooled):
    donor = make_donor("Dee Roy", checked=False)
    first = give(pooled, donor, 30_000, day="03-01")
    second = give(pooled, donor, 30_000, day="05-20")
    next_year = give(pooled, donor, 30_000, day="2025-01-02")
    assert first.status == Donation.Status.ACCEPTED
    assert second.status == Donation.Status.HELD  # £300 + £300 passes £500 in 2024
    assert next_year.status == Donation.Status.ACCEPTED  # a new calendar year starts a new aggregate


def test_splitting_a_gift_across_names_at_one_address_or_card_is_flagged(pooled):
    one = services.donor_get_or_create(name="Eve Ash", address="9 Oak St", postcode="M1 1AA")
    two = services.donor_get_or_create(name="E. Ash", address="9 Oak St", postcode="m11aa")
    gifts_made = [give(pooled, one, 45_000, day="06-01"), give(pooled, two, 45_000, day="06-02")]
    assert [g.split_suspected for g in gifts_made] == [False, True]
    assert ComplianceTask.objects.filter(kind=ComplianceTask.Kind.SPLIT, donation=gifts_made[1]).exists()
    card_a = give(pooled, make_donor("Fay One"), 40_000, method="card", payer_fingerprint="fp_x", day="06-03")
    card_b = give(pooled, make_donor("Gus Two"), 40_000, method="card", payer_fingerprint="fp_x", day="06-04")
    assert (card_a.split_suspected, card_b.split_suspected) == (False, True)
    far_apart = give(pooled, one, 100, day="08-20")
    assert far_apart.split_suspected is False


def test_refunds_never_exceed_the_gift_and_are_idempotent(pooled):
    gift = give(pooled, make_donor("Hal Ray"), 5_000, method="card", external_id="pi_r")
    services.donation_refund(donation=gift, amount_pence=2_000, reason="asked", external_id="re_1")
    services.donation_refund(donation=gift, amount_pence=2_000, reason="asked", external_id="re_1")
    with pytest.raises(ValueError, match=re.escape(refunds.REFUND_TOO_LARGE.format(amount=3_001, remaining=3_000))):
        services.donation_refund(donation=gift, amount_pence=3_001, reason="too much")
    services.donation_refund(donation=gift, amount_pence=3_000, reason="rest", external_id="re_2")
    assert gift.refunds.count() == 2
    assert selectors.campaign_raised_pence(pooled) == 0 == selectors.campaign_ledger_raised_pence(pooled)


def test_dispute_withdraws_then_reinstates_when_won_and_repeats_write_nothing(pooled):
    gift = give(pooled, make_donor("Ivy Low"), 8_000, method="card", external_id="pi_d")
    services.donation_dispute(donation=gift, amount_pence=8_000, external_id="dp_1", status="needs_response")
    services.donation_dispute(donation=gift, amount_pence=8_000, external_id="dp_1", status="under_review")
    assert selectors.campaign_raised_pence(pooled) == 0 == selectors.campaign_ledger_raised_pence(pooled)
    count = ledger.LedgerTransaction.objects.count()
    services.donation_dispute(donation=gift, amount_pence=8_000, external_id="dp_1", status="won")
    services.donation_dispute(donation=gift, amount_pence=8_000, external_id="dp_1", status="won")
    assert ledger.LedgerTransaction.objects.count() == count + 1
    assert selectors.campaign_raised_pence(pooled) == 8_000 == selectors.campaign_ledger_raised_pence(pooled)


def test_voiding_a_mistaken_gift_posts_a_reversal(pooled):
    gift = give(pooled, make_donor("Jo Bell"), 1_500, method="cheque")
    services.donation_void(donation=gift, reason="cheque bounced before banking")
    gift.refresh_from_db()
    assert gift.status == Donation.Status.VOIDED
    assert gift.transaction.reversed_by.kind == "reversal"
    assert selectors.campaign_raised_pence(pooled) == 0 == selectors.campaign_ledger_raised_pence(pooled)
    with pytest.raises(ValueError, match=refunds.ALREADY_VOIDED):
        services.donation_void(donation=gift, reason="again")
    with pytest.raises(ValueError, match=re.escape(refunds.NOT_REFUNDABLE.format(id=gift.pk, status="voided"))):
        services.donation_refund(donation=gift, amount_pence=100, reason="from a voided gift")
    card = give(pooled, make_donor("Jo Bell"), 900, method="card", external_id="pi_v")
    with pytest.raises(ValueError, match=refunds.CARD_NOT_VOIDABLE):
        services.donation_void(donation=card, reason="no")
    assert selectors.campaign_raised_pence(pooled) == 900 == selectors.campaign_ledger_raised_pence(pooled)


def test_donor_lookup_needs_name_and_address_or_name_and_email_and_never_widens_consent(db):
    first = services.donor_get_or_create(name="Kim Park", email="Kim@Example.org")
    same = services.donor_get_or_create(name="kim  park", email="kim@example.org", consent_publish=True)
    assert first.pk == same.pk and Donor.objects.count() == 1  # name and email agree, no address given by either
    assert same.consent_publish is False
    # A postcode without the address is not a full address: a new donor, not a widened one (issue 21).
    part = services.donor_get_or_create(name="kim  park", email="kim@example.org", postcode="ls2 9jt")
    assert part.pk != first.pk and Donor.objects.get(pk=first.pk).postcode == ""
    other = services.donor_get_or_create(name="Kim Parker", email="kim@example.org")
    assert other.pk != first.pk, "the email alone never joins a gift to a donor"
    at_home = services.donor_get_or_create(name="Kim Park", email="", address="2 Low Road", postcode="ls2 9jt")
    again = services.donor_get_or_create(name="Mr Kim Park", email="new@example.org", address="2 low rd.",
                                         postcode="LS29JT")
    assert at_home.pk == again.pk != first.pk
    with pytest.raises(ValueError, match=gifts.DONOR_NAME_REQUIRED):
        services.donor_get_or_create(name="  ")


def test_a_gift_asks_the_law_once_and_writes_what_it_says(pooled, monkeypatch):
    """The law's whole position on a gift comes from one `compliance.gifts.gift_assess` call: the hold, its reason
    and the task's return date are the ones it gave."""
    calls = []
    real = law.gift_assess

    def counted(**kwargs):
        calls.append(kwargs["amount_pence"])
        return real(**kwargs)

    monkeypatch.setattr(law, "gift_assess", counted)
    gift = give(pooled, None, 60_000)
    assert calls == [60_000]
    position = real(figures=figure_table(), mode="pooled", donor=None, amount_pence=60_000,
                    received_on=gift.received_at.date())
    assert gift.status == Donation.Status.HELD and gift.hold_reason == position.hold_reason == law.HOLD_ANONYMOUS
    task = ComplianceTask.objects.get(donation=gift)
    assert task.due_on == position.return_due
