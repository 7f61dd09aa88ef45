"""General-campaign spending (PPERA 2000 Part VI) over the real GE2024 constituencies: every limit refuses the item
that would pass it, naming the figure and its citation, and writes nothing; at 80 % the compliance page warns.
Expected figures are worked by hand from the statute's formula, not read from the module's tables."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest

from swingfund.compliance.errors import LimitExceeded
from swingfund.compliance.services import group_legal_status_set
from swingfund.funding import ledger
from swingfund.funding.models import LedgerTransaction
from swingfund.reports.models import CampaignSpend
from swingfund.reports.services import OUTSIDE_PERIOD, campaign_spending_record

ELECTION = "parl.2024-07-04"
JUNE = dt.date(2024, 6, 10)


@pytest.fixture
def org(official_db, figures):
    from swingfund.organisations.models import Organisation

    return Organisation.objects.create(name="Leeds Fair Vote", slug="leeds-fair-vote")


@pytest.fixture
def registered(org):
    group_legal_status_set(organisation=org, legal_form="unincorporated_association",
                           non_party_registered_on=dt.date(2024, 1, 15))
    return org


def spend(org, pence, **extra):
    fields = {"incurred_on": JUNE, "supplier": "Print Co", "category": "material", "description": "leaflets"}
    fields.update(extra)
    return campaign_spending_record(organisation=org, election=ELECTION, amount_pence=pence, **fields)


def refused(org, pence, **extra) -> str:
    before = (CampaignSpend.objects.count(), LedgerTransaction.objects.count())
    with pytest.raises(LimitExceeded) as refusal:
        spend(org, pence, **extra)
    assert (CampaignSpend.objects.count(), LedgerTransaction.objects.count()) == before  # nothing written
    assert isinstance(refusal.value, ValueError)
    return str(refusal.value)


def page_warnings(client, org) -> str:
    html = client.get(f"/compliance/?election={ELECTION}&organisation={org.slug}").content.decode()
    general = html.split('id="regime-general"')[1].split("</section>")[0]
    return html_module.unescape(" ".join(re.findall(r'<p class="warning" role="alert">(.*?)</p>', general)))


def seat(code_prefix: str = "W"):
    from swingfund.elections.models import Constituency

    return Constituency.objects.filter(boundary_set="pcon2024", gss_code__startswith=code_prefix).order_by(
        "gss_code").first()


def test_the_ge2024_seats_are_the_650_the_attribution_divides_by(official_db):
    from swingfund.compliance.selectors_general import seats_per_nation

    assert seats_per_nation(boundary_set="pcon2024") == {"E": 543, "S": 57, "W": 32, "N": 18}


def test_without_a_recorded_status_only_the_700_anyone_may_spend_applies(org, client):
    spend(org, 56_000)  # £560: 80 % of £700
    assert "80% of the limit for anyone who is not a registered campaigner of £700" in page_warnings(client, org)
    spend(org, 14_000)
    message = refused(org, 1)
    assert "to £700.01, over the limit for anyone who is not a registered campaigner of £700" in message
    assert "PPERA 2000, s.94" in message and "record it" in message


def test_a_uk_based_group_not_registered_may_spend_10000_then_must_notify(org, client):
    group_legal_status_set(organisation=org, legal_form="company", company_number="01234567")
    spend(org, 800_000)
    assert "£8,000, 80% of the limit for a campaigner not registered" in page_warnings(client, org)
    spend(org, 200_000, nation="S")
    message = refused(org, 1, incurred_on=dt.date(2024, 6, 11))
    assert "over the limit for a campaigner not registered with the Commission of £10,000" in message
    assert "PPERA 2000, s.94" in message and "Notify the Electoral Commission" in message
    # Registered from 12 June: spending incurred from then on is under the registered limits instead.
    group_legal_status_set(organisation=org, legal_form="company", company_number="01234567",
                           non_party_registered_on=dt.date(2024, 6, 12))
    refused(org, 1, incurred_on=dt.date(2024, 6, 11))
    assert spend(org, 500_000, incurred_on=dt.date(2024, 6, 12)).pk


def test_a_group_not_based_in_the_uk_may_spend_only_700(org):
    group_legal_status_set(organisation=org, legal_form="company", company_number="X1", uk_based=False)
    message = refused(org, 70_001)
    assert "limit for anyone not eligible to register (not UK-based) of £700" in message


@pytest.mark.parametrize(("nation", "limit_pounds", "verify"), [
    ("E", 586_548, False),  # 2% × 543 × £54,010 = £586,548.60, as the Commission states
    ("W", 54_566, True),  # £20,000 + 2% × 32 × £54,010 = £54,566.40, computed, marked [verify]
    ("S", 81_571, True),
    ("N", 39_443, True),
])
def test_a_registered_campaigner_is_held_to_each_parts_limit(registered, client, nation, limit_pounds, verify):
    spend(registered, limit_pounds * 80, nation=nation)
    name = {"E": "England", "S": "Scotland", "W": "Wales", "N": "Northern Ireland"}[nation]
    assert f"80% of the registered campaigner's limit, {name}" in page_warnings(client, registered)
    spend(registered, limit_pounds * 20, nation=nation)
    message = refused(registered, 1, nation=nation)
    assert f"over the registered campaigner's limit for {name} of £{limit_pounds:,}" in message
    assert "Sch 10 para 3(2)" in message and "SI 2023/1235" in message
    assert ("[verify]" in message) is verify


def test_uk_wide_spending_is_split_between_the_parts_by_their_seats(registered):
    item = spend(registered, 650_000)  # £6,500 over 650 seats: £10 a seat
    from swingfund.compliance import general
    from swingfund.reports.selectors import as_item

    split = general.nation_split(as_item(item), {"E": 543, "S": 57, "W": 32, "N": 18})
    assert split == {"E": 543_000, "S": 57_000, "W": 32_000, "N": 18_000}


def test_a_constituency_is_held_to_the_constituency_limit_counting_its_share_of_wider_spending(registered, client):
    welsh_seat = seat("W")
    spend(registered, 650_000)  # £10 attributed to every constituency
    spend(registered, 320_000, nation="W")  # £3,200 over Wales's 32 seats: £100 each
    spend(registered, 1_755_300 - 1_000 - 10_000 - 300_000, constituencies=[welsh_seat])
    warned = page_warnings(client, registered)
    assert f"{welsh_seat.name} ({welsh_seat.gss_code}): £14,553, 82% of the constituency limit" in warned
    spend(registered, 300_000, constituencies=[welsh_seat.gss_code])  # exactly £17,553 now
    message = refused(registered, 2, constituencies=[welsh_seat])
    assert f"spending attributed to {welsh_seat.name} ({welsh_seat.gss_code}) to £17,553.02" in message
    assert "constituency limit of £17,553" in message and "Sch 10 para 3(2A)" in message
    # Spread across the whole of Wales, the same 2p is a fraction of a penny a seat: still over in Cardiff's share.
    refused(registered, 32, nation="W")


def test_targeted_spending_for_one_party_is_held_to_its_limit_unless_the_party_authorised_it(registered, client):
    from swingfund.elections.models import Party

    party = Party.objects.order_by("name").first()
    spend(registered, 276_480, nation="W", targets_party=party)  # 80 % of £3,456
    assert f"For or against {party.name} in Wales" in page_warnings(client, registered)
    spend(registered, 69_120, nation="W", targets_party=party.name)
    message = refused(registered, 1, nation="W", targets_party=party)
    assert f"for or against {party.name} in Wales not authorised by it to £3,456.01" in message
    assert "targeted spending limit for Wales of £3,456" in message and "s.94(5ZA)" in message
    assert spend(registered, 100_000, nation="W", targets_party=party, party_authorised=True).pk


def test_spending_outside_the_regulated_period_is_refused_as_not_regulated(registered):
    with pytest.raises(ValueError) as outside:
        spend(registered, 10_000, incurred_on=dt.date(2023, 7, 5))
    assert str(outside.value) == OUTSIDE_PERIOD.format(on="2023-07-05", election_id=ELECTION, start="2023-07-06",
                                                       end="2024-07-04")
    assert spend(registered, 10_000, incurred_on=dt.date(2023, 7, 6)).pk  # the period's first day (retrospective)


def test_each_item_posts_to_the_ledger_and_keeps_its_dates_supplier_invoice_and_source(registered):
    item = spend(registered, 25_000, paid_on=dt.date(2024, 6, 20), invoice_reference="INV-1",
                 source_ref="outreach:message:42", supplier_address="1 Print St")
    assert (item.area, item.paid_on, item.invoice_reference, item.source_ref) == (
        "uk", dt.date(2024, 6, 20), "INV-1", "outreach:message:42")
    assert item.transaction.kind == "campaign_spend"
    assert ledger.account_balance(ledger.account_shared("campaign_spend")) == 25_000
    with pytest.raises(ValueError, match="not both"):
        spend(registered, 1, nation="W", constituencies=[seat("E")])
    with pytest.raises(ValueError, match="not in boundary set pcon2024"):
        spend(registered, 1, constituencies=["E99999999"])


def test_a_second_general_election_within_a_year_starts_its_period_the_day_after_the_first(official_db, figures):
    from swingfund.compliance.selectors_general import regulated_period_for
    from swingfund.elections.models import Election

    assert regulated_period_for(election_id=ELECTION) == (dt.date(2023, 7, 6), dt.date(2024, 7, 4))
    Election.objects.create(id="parl.2025-03-06", name="A snap election", poll_date=dt.date(2025, 3, 6),
                            boundary_set="pcon2024")
    assert regulated_period_for(election_id="parl.2025-03-06") == (dt.date(2024, 7, 5), dt.date(2025, 3, 6))


def test_an_item_recorded_late_with_an_earlier_date_still_counts_against_the_10000(org):
    group_legal_status_set(organisation=org, legal_form="unincorporated_association")
    spend(org, 900_000, incurred_on=dt.date(2024, 6, 20))
    message = refused(org, 150_000, incurred_on=dt.date(2024, 6, 1))  # £10,500 incurred while not registered
    assert "to £10,500, over the limit for a campaigner not registered with the Commission of £10,000" in message


def test_the_reporting_thresholds_feed_a_gauge_for_each_part_of_the_uk_with_spending(registered, client):
    """PPERA 2000 s.94(5)–(6): £20,000 in England, £10,000 in Scotland, Wales and Northern Ireland."""
    def gauges():
        html = client.get(f"/compliance/?election={ELECTION}&organisation={registered.slug}").content.decode()
        general = html_module.unescape(html.split('id="regime-general"')[1].split("</section>")[0])
        return general, re.findall(r'data-key="non_party_reporting_threshold" data-amount="(\d+)" '
                                   r'data-threshold="(\d+)"', general)

    spend(registered, 1_600_000, nation="E")  # £16,000: 80 % of England's £20,000
    general, found = gauges()
    assert found == [("1600000", "2000000")]
    assert "Regulated spending in England: £16,000, 80% of the reporting threshold, England of £20,000" in general
    spend(registered, 1, nation="E")
    spend(registered, 500_000, nation="W")  # £5,000 of Wales's £10,000
    general, found = gauges()
    assert found == [("1600001", "2000000"), ("500000", "1000000")]
    assert "Action: Regulated spending in England: £16,000.01 — over" not in general  # 80 %: a warning, no action
    spend(registered, 400_000, nation="E")  # £20,000.01: one penny over
    general, found = gauges()
    assert found[0] == ("2000001", "2000000")
    assert "Action: Regulated spending in England: £20,000.01 — over the reporting threshold in a part of the UK, " \
           "a registered campaigner reports its spending" in general
