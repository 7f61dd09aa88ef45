"""Property: any sequence of gifts (card, offline, anonymous, over and under the threshold), refunds, disputes
(opened, won, lost), grants made and paid, releases, returns and corrections (voids) keeps every ledger transaction
balanced, the hash chain valid, and each campaign's total from the gift records equal to the ledger's — and
equal to a reference model the test keeps itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swingfund.compliance.checks import ComplianceRefusal
from swingfund.funding import ledger, selectors, services
from swingfund.funding.models import Dispute, Donation, Entry, Grant
from swingfund.funding.services.refunds import remaining_pence
from tests.funding.conftest import make_donor

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)

gift_op = st.tuples(st.just("gift"), st.integers(1, 120_000), st.sampled_from(["card", "bank_transfer", "cash"]),
                    st.sampled_from([None, 0, 1, 2]), st.integers(0, 300))
refund_op = st.tuples(st.just("refund"), st.integers(0, 50), st.floats(0.01, 1.0))
dispute_op = st.tuples(st.just("dispute"), st.integers(0, 50), st.sampled_from(["needs_response", "won", "lost"]))
grant_op = st.tuples(st.just("grant"), st.integers(1, 60_000))
release_op = st.tuples(st.just("release"), st.integers(0, 50))
return_op = st.tuples(st.just("return"), st.integers(0, 50))
void_op = st.tuples(st.just("void"), st.integers(0, 50))
pay_op = st.tuples(st.just("pay"), st.integers(0, 50))
operations = st.lists(st.one_of(gift_op, gift_op, refund_op, dispute_op, grant_op, pay_op, release_op, return_op,
                                void_op),
                      min_size=1, max_size=14)


class Rollback(Exception):
    """Raised to undo one example's writes (the test's own transaction stays open)."""


def _apply(op, *, campaign, candidacy, donors, gifts, step):
    kind = op[0]
    moment = START + dt.timedelta(minutes=step)
    if kind == "gift":
        _, pence, method, who, fee = op
        donor = None if who is None else donors[who]
        gifts.append(services.donation_record(
            campaign=campaign, donor=donor, amount_pence=pence, fee_pence=min(fee, pence) if method == "card" else 0,
            method=method, reference=f"g{step}", external_id=f"x{step}", received_at=moment))
        return
    if kind == "grant":
        services.grant_create(campaign=campaign, candidacy=candidacy, amount_pence=op[1], reason="p",
                              created_at=moment)
        return
    if kind == "pay":
        payable = list(Grant.objects.filter(status=Grant.Status.PAYABLE).order_by("id"))
        if payable:
            services.grant_pay(grant=payable[op[1] % len(payable)], bank_reference=f"FPS{step}", paid_at=moment)
        return
    if not gifts:
        return
    gift = Donation.objects.get(pk=gifts[op[1] % len(gifts)].pk)
    if kind == "refund":
        remaining = remaining_pence(gift)
        if remaining > 0:
            services.donation_refund(donation=gift, amount_pence=max(1, int(remaining * op[2])), reason="asked",
                                     external_id=f"re{step}", refunded_at=moment)
    elif kind == "dispute" and gift.method == "card" and gift.status != Donation.Status.VOIDED:
        existing = gift.disputes.first()
        external = existing.external_id if existing else f"dp{gift.pk}"
        services.donation_dispute(donation=gift, amount_pence=gift.amount_pence, external_id=external,
                                  status=op[2], at=moment)
    elif kind == "release" and gift.status == Donation.Status.HELD and gift.donor is not None:
        services.donor_declare(donor=gift.donor, category="uk_elector", evidence="register", checked_by="t")
        services.donation_release(donation=gift, by="t")
    elif kind == "return" and gift.status == Donation.Status.HELD:
        services.donation_return(donation=gift, reference=f"ret{step}", returned_at=moment)
    elif kind == "void":
        services.donation_void(donation=gift, reason="entered in error")


def _expected_raised(campaign) -> int:
    """The reference model: accepted gifts, less every refund and every dispute not won."""
    total = 0
    for gift in Donation.objects.filter(campaign=campaign, status=Donation.Status.ACCEPTED):
        total += gift.amount_pence - sum(r.amount_pence for r in gift.refunds.all())
        total -= sum(d.amount_pence for d in gift.disputes.all() if d.status != Dispute.Status.WON)
    return total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(ops=operations)
def test_any_sequence_keeps_the_ledger_balanced_chained_and_reconciled(pooled, candidacy, ops):
    try:
        with transaction.atomic():
            donors = [make_donor("Pat Checked"), make_donor("Sam Unchecked", checked=False),
                      make_donor("Ira Impermissible", category="impermissible")]
            gifts: list[Donation] = []
            for step, op in enumerate(ops):
                try:
                    with transaction.atomic():
                        _apply(op, campaign=pooled, candidacy=candidacy, donors=donors, gifts=gifts, step=step)
                except (ValueError, ComplianceRefusal):
                    pass  # a refused action (e.g. a grant beyond spendable funds) must write nothing
            report = ledger.ledger_verify()
            assert report.ok, report.problem
            assert sum(Entry.objects.values_list("amount_pence", flat=True)) == 0
            raised = selectors.campaign_raised_pence(pooled)
            assert raised == selectors.campaign_ledger_raised_pence(pooled) == _expected_raised(pooled)
            held = selectors.campaign_held_pence(pooled)
            assert held >= 0  # (spendable may go below zero: a card refund after a grant cannot be refused)
            cash = ledger.account_balance(ledger.account_shared("bank")) + ledger.account_balance(
                ledger.account_shared("card_clearing"))
            fees = ledger.account_balance(ledger.account_shared("fees"))
            # cash: money in, less fees, refunds, returns, disputes not won, and grants paid
            paid = sum(g.amount_pence for g in Grant.objects.filter(status=Grant.Status.PAID))
            assert cash == raised + held - fees - paid
            payable = sum(g.amount_pence for g in Grant.objects.filter(status=Grant.Status.PAYABLE))
            assert ledger.account_balance(ledger.account_shared("grants_payable")) == -payable
            raise Rollback
    except Rollback:
        pass
