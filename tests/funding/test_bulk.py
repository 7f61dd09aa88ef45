"""Recording a batch of gifts at once (`donations_record_many`) has exactly the outcome of recording them one by one
(`donation_record_with_donor`): the same donors, the same held / split decisions and tasks, the same
ledger transactions and entries — for any mix of donors (with and without email, details filled in later), repeats of
one payment, cards shared between donors, amounts either side of the thresholds, both giving modes, and earlier gifts
already in the database. And a batch with one bad gift writes nothing and names it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swingfund.funding import ledger, services
from swingfund.funding.models import ComplianceTask, Donation, Donor, LedgerTransaction
from swingfund.funding.services import DonorDetails, GiftDetails, donations_record_many

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)
DONORS = [
    DonorDetails(name="Ann Lee", email="ann@example.org", address="1 High St", postcode="ls1 1aa"),
    DonorDetails(name="Ann Lee", email="ANN@example.org ", address="", postcode="", consent_publish=True),
    DonorDetails(name="Bo Kim", email="bo@example.org", address="", postcode=""),
    DonorDetails(name="Bo Kim", email="bo@example.org", address="1 HIGH ST", postcode="LS1 1AA"),
    DonorDetails(name="Cy Dee", email="", address="9 Low Rd", postcode="m1 1ab"),
    DonorDetails(name="Di Fox", email="di@example.org", address="9 low rd", postcode="M1 1AB", category="uk_elector"),
    None,
]

gift = st.fixed_dictionaries({
    "donor": st.integers(0, len(DONORS) - 1),
    "pence": st.sampled_from([1, 2_500, 5_000, 5_001, 20_000, 50_000, 50_001, 120_000]),
    "method": st.sampled_from(["card", "card", "bank_transfer"]),
    "payment": st.integers(0, 6),  # card payments with the same number are one payment delivered twice
    "card": st.sampled_from(["", "", "fp_1", "fp_2"]),
    "earmarked": st.booleans(),
    "minutes": st.integers(0, 60 * 24 * 40),
})


def _details(spec: dict, *, pooled, earmarked, candidacy) -> GiftDetails:
    card = spec["method"] == "card"
    return GiftDetails(
        campaign=earmarked if spec["earmarked"] else pooled, donor=DONORS[spec["donor"]], amount_pence=spec["pence"],
        method=spec["method"], received_at=START + dt.timedelta(minutes=spec["minutes"]),
        fee_pence=min(spec["pence"], 20) if card else 0, reference=f"ref {spec['payment']}",
        external_id=f"pi_{spec['payment']}" if card else None,
        earmarked_candidacy=candidacy if spec["earmarked"] else None,
        payer_fingerprint=spec["card"] if card else "")


def _one_by_one(batch: list[GiftDetails]) -> list[Donation]:
    out = []
    for g in batch:
        recorded = g.external_id and Donation.objects.filter(method=g.method, external_id=g.external_id).first()
        if recorded:  # as the webhook does: a repeat of a payment records nothing, donor details included
            out.append(recorded)
            continue
        out.append(services.donation_record_with_donor(g))
    return out


def _state(returned: list[Donation]) -> dict:
    """Everything written, with database ids replaced by what they stand for (PostgreSQL sequences do not roll back,
    so ids may differ between the two runs)."""
    who = {d.pk: f"{d.email}|{d.name}|{d.address}" for d in Donor.objects.all()}
    memo = {f"donor #{pk}": text for pk, text in who.items()}
    return {
        "returned": [(d.external_id, d.amount_pence, d.received_at) for d in returned],
        "donors": sorted((d.email, d.name, d.address, d.postcode, d.consent_publish, d.category)
                         for d in Donor.objects.all()),
        "gifts": [(d.external_id, d.method, d.amount_pence, d.fee_pence, d.status, d.hold_reason, d.split_suspected,
                   who.get(d.donor_id), d.campaign.slug, d.payer_fingerprint, d.consent_publish)
                  for d in Donation.objects.order_by("transaction_id")],
        "ledger": [(t.posted_at, t.kind, t.description, t.campaign_id,
                    [(e.account.code, e.amount_pence, memo.get(e.memo, e.memo))
                     for e in t.entries.select_related("account").order_by("id")])
                   for t in LedgerTransaction.objects.order_by("id")],
        "tasks": sorted((t.kind, t.donation.transaction_id if t.donation else who[t.donor_id], str(t.due_on),
                         re.sub(r"#\d+", "#", t.description), t.citation)
                        for t in ComplianceTask.objects.select_related("donation")),
    }


class Rollback(Exception):
    pass


def _run(record, earlier, batch) -> dict:
    try:
        with transaction.atomic():
            _one_by_one(earlier)
            returned = record(batch)
            report = ledger.ledger_verify()
            assert report.ok, report.problem
            state = _state(returned)
            raise Rollback
    except Rollback:
        return state


@pytest.mark.slow  # 60 examples, each two ledgers written: 8 s
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(earlier=st.lists(gift, max_size=5), batch=st.lists(gift, min_size=1, max_size=12))
def test_a_batch_records_exactly_what_one_by_one_records(pooled, earmarked, candidacy, earlier, batch):
    make = {"pooled": pooled, "earmarked": earmarked, "candidacy": candidacy}
    earlier = [_details(s, **make) for s in earlier]
    batch = [_details(s, **make) for s in batch]
    assert _run(donations_record_many, earlier, batch) == _run(_one_by_one, earlier, batch)


def test_a_batch_with_a_bad_gift_writes_nothing_and_names_it(pooled, candidacy):
    good = GiftDetails(campaign=pooled, donor=DONORS[0], amount_pence=1_000, method="card", received_at=START,
                       external_id="pi_good")
    bad = GiftDetails(campaign=pooled, donor=DONORS[2], amount_pence=1_000, method="card", received_at=START,
                      external_id="pi_bad", earmarked_candidacy=candidacy)
    with pytest.raises(ValueError, match=r"Gift 2 of 2 \(pi_bad\): Campaign 'pooled' is pooled"):
        donations_record_many([good, bad])
    nameless = GiftDetails(campaign=pooled, donor=DonorDetails(name=" "), amount_pence=1_000, method="cash",
                           received_at=START)
    with pytest.raises(ValueError, match=r"Gift 2 of 2 \(-\): A donor needs a name"):
        donations_record_many([good, nameless])
    assert Donation.objects.count() == Donor.objects.count() == LedgerTransaction.objects.count() == 0


def test_a_thousand_card_gifts_take_under_a_hundred_queries(pooled, django_assert_max_num_queries):
    batch = [GiftDetails(campaign=pooled, donor=DonorDetails(name=f"Giver {i}", email=f"g{i}@example.org",
                                                             address=f"{i} Load St", postcode="N1 1AA"),
                         amount_pence=500 + i, fee_pence=20, method="card", received_at=START + dt.timedelta(seconds=i),
                         external_id=f"pi_{i}") for i in range(1_000)]
    with django_assert_max_num_queries(100):
        donations = donations_record_many(batch)
    assert len({d.pk for d in donations}) == 1_000
    assert sum(d.amount_pence for d in Donation.objects.all()) == sum(500 + i for i in range(1_000))
    assert ledger.ledger_verify().ok
    again = donations_record_many(batch[:10])  # a redelivered batch returns what is recorded and writes nothing
    assert [d.pk for d in again] == [d.pk for d in donations[:10]] and Donation.objects.count() == 1_000
