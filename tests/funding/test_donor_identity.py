"""Donor identity (issue 21): foreign money could pass as a checked donor's. Each attack of the re-probe, by the
command line, the API and the service, shown refused: a gift joins a donor only on the full normalised address,
postcode included; a gift with no postcode never joins a checked donor; a gift in a checked donor's name from
another address is a new, unchecked donor with a possible-duplicate task, and held; a checked donor whose address
changes is no longer checked."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from swingfund.funding import services
from swingfund.funding.models import ComplianceTask, Donation, Donor
from swingfund.funding.services import DonorDetails, GiftDetails

from .conftest import at

pytestmark = pytest.mark.django_db

BILAL = {"name": "Bilal Test", "email": "bilal@example.org", "address": "4 Park Lane, Leicester",
         "postcode": "LE2 1AB"}
MOSCOW = "1 Red Square, Moscow"


def _checked(campaign, **details) -> Donor:
    first = services.donation_record_with_donor(GiftDetails(
        campaign=campaign, donor=DonorDetails(**details), amount_pence=2_000, method="cheque",
        received_at=at("05-10")))
    return services.donor_declare(donor=first.donor, category="uk_elector", evidence="register LE-0001",
                                  checked_by="treasurer", checked_at=at("05-11"))


def _refused_as_theirs(gift: Donation, checked: Donor, address_before: str) -> None:
    checked.refresh_from_db()
    assert gift.donor_id != checked.pk, "the foreign gift joined the checked donor"
    assert gift.status == Donation.Status.HELD, "£5,000 from an unchecked giver is held, not accepted"
    assert gift.donor.checked_at is None and gift.donor.address == MOSCOW
    assert checked.address == address_before and checked.checked_at is not None  # the checked donor is untouched
    task = ComplianceTask.objects.get(kind=ComplianceTask.Kind.DUPLICATE, donor=gift.donor)
    assert f"#{checked.pk} Bilal Test" in task.description


def _cli_gift(campaign, *, amount: str, reference: str, **donor) -> Donation:
    args = ["--campaign", campaign.slug, "--amount", amount, "--method", "bank_transfer", "--reference", reference,
            "--received", "2024-06-01"]
    for key, value in donor.items():
        args += [f"--{key}", value]
    call_command("funding", "gift", *args, stdout=io.StringIO())
    return Donation.objects.get(reference=reference)


@pytest.mark.parametrize("known", [BILAL, {"name": "Bilal Test", "email": "bilal@example.org"}],
                         ids=["checked-with-address", "checked-by-name-and-email"])
def test_the_foreign_gift_without_a_postcode_by_cli_is_not_the_checked_donors(pooled, known):
    checked = _checked(pooled, **known)
    gift = _cli_gift(pooled, amount="5000", reference="MOSCOW 1", name="Bilal Test", email="bilal@example.org",
                     address=MOSCOW)
    _refused_as_theirs(gift, checked, known.get("address", ""))


def test_the_foreign_gift_without_a_postcode_by_api_is_not_the_checked_donors(pooled, organisation,
                                                                              django_user_model):
    from swingfund.accounts.services import role_grant
    from swingfund.api.services import token_create

    checked = _checked(pooled, name="Bilal Test", email="bilal@example.org")
    user = django_user_model.objects.create_user("api-treasurer", password="x")
    role_grant(user=user, organisation=organisation, role="treasurer")
    raw, _ = token_create(username="api-treasurer", label="t")
    response = Client().post(f"/api/v1/campaigns/{pooled.slug}/gifts", {
        "amount": "7000", "method": "bank_transfer", "reference": "MOSCOW API", "name": "Bilal Test",
        "email": "bilal@example.org", "address": MOSCOW, "received_on": "2024-06-01"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY="moscow-1")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "held"
    _refused_as_theirs(Donation.objects.get(reference="MOSCOW API"), checked, "")


def test_a_gift_with_no_address_at_all_never_joins_a_checked_donor(pooled):
    checked = _checked(pooled, name="Bilal Test", email="bilal@example.org")
    gift = _cli_gift(pooled, amount="5000", reference="NO ADDRESS", name="Bilal Test", email="bilal@example.org")
    assert gift.donor_id != checked.pk and gift.status == Donation.Status.HELD
    assert ComplianceTask.objects.filter(kind=ComplianceTask.Kind.DUPLICATE, donor=gift.donor).exists()


def test_the_same_address_written_differently_joins_and_a_missing_postcode_does_not(pooled):
    checked = _checked(pooled, **BILAL)
    same = services.donation_record_with_donor(GiftDetails(
        campaign=pooled, donor=DonorDetails(name="Mr BILAL test", address="4 park lane,  leicester",
                                            postcode="le21ab"), amount_pence=600_000, method="cheque",
        received_at=at("06-02")))
    assert same.donor_id == checked.pk and same.status == Donation.Status.ACCEPTED
    no_postcode = services.donation_record_with_donor(GiftDetails(
        campaign=pooled, donor=DonorDetails(name="Bilal Test", address=BILAL["address"]), amount_pence=600_000,
        method="cheque", received_at=at("06-03")))
    assert no_postcode.donor_id != checked.pk and no_postcode.status == Donation.Status.HELD


def test_a_different_address_in_a_checked_donors_name_opens_a_task_and_is_held(pooled):
    checked = _checked(pooled, **BILAL)
    gift = services.donation_record_with_donor(GiftDetails(
        campaign=pooled, donor=DonorDetails(name="Bilal Test", address="9 Other Road, Leeds", postcode="LS1 1AA"),
        amount_pence=600_000, method="cheque", received_at=at("06-02")))
    assert gift.donor_id != checked.pk and gift.status == Donation.Status.HELD
    task = ComplianceTask.objects.get(kind=ComplianceTask.Kind.DUPLICATE, donor=gift.donor)
    assert f"#{checked.pk} Bilal Test" in task.description


def test_changing_a_checked_donors_address_clears_the_check(pooled):
    checked = _checked(pooled, **BILAL)
    changed = services.donor_address_change(donor=checked, address="2 New Street, Leicester", postcode="le1 1aa",
                                            by="treasurer")
    assert changed.checked_at is None and changed.checked_by == ""
    assert (changed.address, changed.postcode) == ("2 New Street, Leicester", "LE1 1AA")
    later = services.donation_record_with_donor(GiftDetails(
        campaign=pooled, donor=DonorDetails(name="Bilal Test", address="2 New Street, Leicester", postcode="LE1 1AA"),
        amount_pence=600_000, method="cheque", received_at=at("06-04")))
    assert later.donor_id == checked.pk and later.status == Donation.Status.HELD  # joined, but no longer checked
