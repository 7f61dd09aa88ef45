"""Returns the Electoral Commission would accept (issue 20 part 3): the columns are the Commission's fields, gifts are
selected by purpose and not by date, each gift carries its own accepted date and manner of return, non-money gifts
are recorded, and spending about candidates and grants are kept out of the PPERA spending return."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from swingfund.funding import services
from swingfund.funding.models import ComplianceTask, Refund
from swingfund.reports import returns
from swingfund.reports.returns_data import candidate_spending_report, donations_report, grants_report, spending_report

ELECTION = "parl.2024-07-04"
NP = "https://www.electoralcommission.org.uk/non-party-campaigners-uk-parliamentary-general-elections"
DONATIONS_PAGE = f"{NP}/after-election/reporting-requirements-after-election/donations"
SPENDING_PAGE = f"{NP}/after-election/reporting-requirements-after-election/spending"

# What the Commission's pages say each return must give, written out here from the pages themselves (not read from
# the module): (column, the words of the source, the source).
DONATION_FORM = [
    ("DonorName", "the required details for the type of donor", DONATIONS_PAGE),
    ("DonorStatus", "the required details for the type of donor", DONATIONS_PAGE),
    ("CompanyRegistrationNumber", "the required details for the type of donor", DONATIONS_PAGE),
    ("DonorAddress", "the required details for the type of donor", DONATIONS_PAGE),
    ("Postcode", "the required details for the type of donor", DONATIONS_PAGE),
    ("DonationType", "the amount of the donation, if monetary, or the nature and value ... if non-monetary",
     DONATIONS_PAGE),
    ("NatureOfDonation", "the nature and value of the donation if non-monetary", DONATIONS_PAGE),
    ("Value", "the amount of the donation", DONATIONS_PAGE),
    ("ReceivedDate", "the date you received the donation", DONATIONS_PAGE),
    ("AcceptedDate", "the date you accepted the donation", DONATIONS_PAGE),
    ("IsAggregation", "all accepted donations from the same donor that add up to more than £7,500", DONATIONS_PAGE),
    ("MannerOfDonation", "the name of the donor, if known, or the manner in which the donation was made",
     DONATIONS_PAGE),
    ("DonationAction", "all donations from impermissible or unidentifiable donors", DONATIONS_PAGE),
    ("ReturnedDate", "the date you returned the donation", "EC: what do you do if you receive a donation from an "
                                                           "impermissible or unidentifiable source"),
    ("MannerOfReturn", "the action you took to return the donation", "same page"),
]
SPENDING_FORM = [
    ("ExpenseCategoryName", "what the spending was for, for example, leaflets or advertising", SPENDING_PAGE),
    ("SupplierName", "the name and address of the supplier", SPENDING_PAGE),
    ("SupplierAddress", "the name and address of the supplier", SPENDING_PAGE),
    ("TotalExpenditure", "the amount or value of spending incurred", SPENDING_PAGE),
    ("DateIncurred", "the date that you spent the money", SPENDING_PAGE),
    ("DateOfClaim", "the date the claim for payment was made (if applicable)", SPENDING_PAGE),
    ("DatePaid", "the date the payment was made (if applicable)", SPENDING_PAGE),
    ("Notional", "details of any notional spending", SPENDING_PAGE),
    ("UnpaidOrDisputed", "details of any unpaid or disputed claims", SPENDING_PAGE),
    ("InvoiceRequired", "invoices or receipts for any payment over £200", SPENDING_PAGE),
    ("ConstituencyCode", "a list of all constituencies where you spent more than £14,042", SPENDING_PAGE),
    ("JointCampaigners", "joint campaigning", "LAW.md, 'Returns'"),
]


def parse(report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report.csv_text())))


def test_the_return_columns_match_the_commissions_forms_field_by_field():
    for column, words, source in DONATION_FORM:
        assert column in returns.DONATION_COLUMNS, f"donations report lacks {column!r}: {words} ({source})"
    for column, words, source in SPENDING_FORM:
        assert column in returns.SPENDING_COLUMNS, f"spending return lacks {column!r}: {words} ({source})"
    # every column says which field of the Commission's it fills, or that it is the group's own (for audit)
    assert list(returns.DONATION_FIELDS) == returns.DONATION_COLUMNS
    assert list(returns.SPENDING_FIELDS) == returns.SPENDING_COLUMNS
    # s.75 spending and grants are not PPERA spending: not in the PPERA return's columns, and refused there
    assert not {"CandidateName", "AgentAuthorised"} & set(returns.SPENDING_COLUMNS)
    assert {"CandidateName", "AgentAuthorised", "AgentName"} <= set(returns.CANDIDATE_SPEND_COLUMNS)
    assert {"AgentName", "AgentResponse", "ResponseDate", "TrueSources"} <= set(returns.GRANT_COLUMNS)


def test_the_spending_return_flags_the_auditors_report_over_250000_pounds(figures):
    """£250,000: a spending return over it comes with a qualified auditor's report (the Commission's spending page)."""
    def item(pence):
        return returns.SpendRecord(
            section=returns.SECTION_GENERAL, category="Advertising", description="ads", amount_pence=pence,
            incurred_on=dt.date(2024, 6, 1), paid_on=None, supplier_name="S", supplier_address="A",
            invoice_reference="", nation="", constituency_code="", constituency_name="", candidate_name="",
            agent_authorised=False, nation_amounts=(("E", pence),), claim_status="unpaid")
    at_limit = returns.spending_rows(items=[item(25_000_000)], poll_date=dt.date(2024, 7, 4))
    over = returns.spending_rows(items=[item(25_000_001)], poll_date=dt.date(2024, 7, 4))
    assert at_limit.totals["auditor_report_needed"] == 0 and over.totals["auditor_report_needed"] == 1
    assert any(r["ReportSection"].endswith("(spending over £250,000): yes") for r in over.rows)
    assert over.totals["unpaid"] == 25_000_001
    with pytest.raises(ValueError, match="own returns"):
        returns.spending_rows(items=[returns.SpendRecord(**{**item(100).__dict__, "section": returns.SECTION_SPEND})],
                              poll_date=dt.date(2024, 7, 4))


@pytest.fixture
def election_fund(official_db, figures):
    from swingfund.elections.models import Election
    from swingfund.organisations.models import Organisation

    org = Organisation.objects.create(name="Leeds Fair Vote", slug="lfv", address="3 Briggate, Leeds LS1 6HD")
    other = Organisation.objects.create(name="Other Group", slug="other", address="1 High St, York YO1 1AA")
    election = Election.objects.get(pk=ELECTION)

    def fund(organisation, slug):
        return services.campaign_create(
            organisation=organisation, slug=slug, title=slug, description="d", purpose="Our campaign at GE2024",
            mode="pooled", goal_pence=10_000_000, starts_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
            ends_at=dt.datetime(2024, 7, 4, tzinfo=dt.UTC), election=election)
    return org, fund(org, "ge2024"), fund(other, "other-ge2024")


def donor(name, *, checked_at=dt.datetime(2023, 5, 1, tzinfo=dt.UTC), category="uk_elector"):
    person = services.donor_get_or_create(name=name, email="", address=f"1 {name} Road, Leeds", postcode="LS1 1AA")
    if checked_at:
        person = services.donor_declare(donor=person, category=category, evidence="register",
                                        checked_by="treasurer", checked_at=checked_at)
    return person


def test_a_gift_received_before_the_regulated_period_for_regulated_spending_appears(election_fund):
    """The regulated period of 4 July 2024 began on 6 July 2023 (365 days, PPERA 2000 Sch 10 para 3). A £8,000 gift
    received on 1 June 2023 for the group's GE2024 campaign is over £7,500 (Sch 11 para 10) and "must be included"
    though received before the period (the Commission: "there is no specific reporting period for donations")."""
    org, campaign, other = election_fund
    services.donation_record(campaign=campaign, donor=donor("Early Giver"), amount_pence=800_000,
                             method="bank_transfer", reference="early", received_at=dt.datetime(2023, 6, 1, 9,
                                                                                                 tzinfo=dt.UTC))
    services.donation_record(campaign=other, donor=donor("Someone Else"), amount_pence=900_000,
                             method="bank_transfer", reference="x", received_at=dt.datetime(2024, 6, 1, 9,
                                                                                             tzinfo=dt.UTC))
    rows = parse(donations_report(election_id=ELECTION, progress=False, organisation=org))
    itemised = [r for r in rows if r["ReportSection"] == returns.SECTION_ITEMISED]
    assert [(r["DonorName"], r["Value"], r["ReceivedDate"], r["Organisation"]) for r in itemised] == [
        ("Early Giver", "8000.00", "2023-06-01", "Leeds Fair Vote")]  # the other group's gift is in its own return


def test_each_gift_has_its_own_accepted_date_manner_of_return_and_non_money_gifts(election_fund):
    org, campaign, _ = election_fund
    unchecked = donor("Late Check", checked_at=None)
    held = services.donation_record(campaign=campaign, donor=unchecked, amount_pence=800_000, method="cheque",
                                    reference="chq", received_at=dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC))
    checked = services.donor_declare(donor=unchecked, category="uk_elector", evidence="register",
                                     checked_by="treasurer", checked_at=dt.datetime(2024, 5, 3, tzinfo=dt.UTC))
    released = services.donation_release(donation=held, by="treasurer")
    # a second gift from the same (now checked) donor, never held: accepted the day it came, not the release's day
    services.donation_record(campaign=campaign, donor=checked, amount_pence=70_000, method="cheque",
                                     reference="chq2", received_at=dt.datetime(2024, 5, 20, 9, tzinfo=dt.UTC))
    anon = services.donation_record(campaign=campaign, donor=None, amount_pence=60_000, method="cash",
                                    reference="envelope", received_at=dt.datetime(2024, 6, 2, 9, tzinfo=dt.UTC))
    task = services.donation_unreturnable(donation=anon, by="treasurer")
    assert task.kind == ComplianceTask.Kind.COMMISSION and task.due_on == dt.date(2024, 7, 1)  # 30 days incl. 2 June
    assert "Electoral Commission" in task.description and "Sch 11" in task.citation
    services.donation_return(donation=anon, reference="EC transfer 1", manner=Refund.Manner.COMMISSION,
                             returned_at=dt.datetime(2024, 6, 20, tzinfo=dt.UTC))
    task.refresh_from_db()
    assert task.done_at is not None
    services.donation_non_money_record(campaign=campaign, donor=donor("Printer Pat"), value_pence=900_000,
                                       nature="Printing of 40,000 leaflets at no charge",
                                       received_at=dt.datetime(2024, 6, 5, 9, tzinfo=dt.UTC))
    rows = parse(donations_report(election_id=ELECTION, progress=False, organisation=org))
    by_ref = {r["Reference"]: r for r in rows if r["Reference"]}
    release_day = released.release.posted_at.date().isoformat()
    # £8,000 held until the donor was checked: accepted the day its hold was released (not the check's date)
    assert (by_ref["chq"]["ReceivedDate"], by_ref["chq"]["AcceptedDate"]) == ("2024-05-01", release_day)
    # £700 more from the same source (aggregated over £7,500): accepted the day it came
    assert (by_ref["chq2"]["AcceptedDate"], by_ref["chq2"]["IsAggregation"]) == ("2024-05-20", "True")
    returned = by_ref["envelope"]
    assert (returned["ReportSection"], returned["DonorName"], returned["MannerOfDonation"]) == (
        returns.SECTION_IMPERMISSIBLE, "Unidentified", "Given by cash")
    assert returned["MannerOfReturn"] == Refund.Manner.COMMISSION.label and returned["ReturnedDate"] == "2024-06-20"
    (in_kind,) = [r for r in rows if r["DonationType"] == "Non Cash"]
    assert (in_kind["DonorName"], in_kind["NatureOfDonation"], in_kind["Value"]) == (
        "Printer Pat", "Printing of 40,000 leaflets at no charge", "9000.00")


def test_candidate_spending_and_grants_have_their_own_returns(election_fund, official_db):
    from swingfund.elections.models import Candidacy

    org, campaign, _ = election_fund
    candidacy = Candidacy.objects.filter(election_id=ELECTION).select_related("constituency").first()
    services.donation_record(campaign=campaign, donor=donor("Ann Kaur"), amount_pence=300_000,
                             method="bank_transfer", reference="a", received_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    grant = services.grant_create(campaign=campaign, candidacy=candidacy, amount_pence=100_000, reason="r",
                                  created_at=dt.datetime(2024, 6, 10, tzinfo=dt.UTC))
    services.grant_offer(grant=grant, agent_name="Jo Agent", agent_email="jo@example.org",
                         offered_at=dt.datetime(2024, 6, 11, tzinfo=dt.UTC))
    services.grant_decline(grant=grant, on=dt.date(2024, 6, 14))
    services.candidate_spend_record(campaign=campaign, candidacy=candidacy, kind="leaflet", description="Leaflet",
                                    amount_pence=60_000, spent_at=dt.datetime(2024, 6, 12, tzinfo=dt.UTC))
    ppera = parse(spending_report(election_id=ELECTION, progress=False, organisation=org))
    assert not [r for r in ppera if r["LedgerTransaction"]]  # neither the grant nor the leaflet is PPERA spending
    s75 = parse(candidate_spending_report(election_id=ELECTION, progress=False, organisation=org))
    (leaflet,) = [r for r in s75 if r["ReportSection"] == returns.SECTION_SPEND]
    assert (leaflet["TotalExpenditure"], leaflet["AgentAuthorised"]) == ("600.00", "False")
    grants = parse(grants_report(election_id=ELECTION, progress=False, organisation=org))
    (row,) = [r for r in grants if r["ReportSection"] == returns.SECTION_GRANT]
    assert (row["AgentName"], row["AgentResponse"], row["ResponseDate"], row["TrueSources"]) == (
        "Jo Agent", "declined", "2024-06-14", "Ann Kaur 1000.00")
    assert row["ReversalTransaction"]


def test_schedule_19a_gift_report_from_the_groups_records(election_fund):
    """£11,180 then £2,230 (PPERA 2000 Sch 19A, SI 2023/1235 art. 4): £12,000 from one donor is reportable, a further
    £2,231 from them is reportable again; £11,180 from another is not (not over)."""
    from swingfund.reports.returns_data import ua_gifts_report

    org, campaign, _ = election_fund
    x, y = donor("Xavier Giver"), donor("Yolanda Giver")
    for person, pence, day in ((x, 1_200_000, dt.date(2024, 3, 1)), (x, 223_100, dt.date(2024, 4, 1)),
                               (y, 1_118_000, dt.date(2024, 3, 5))):
        services.donation_record(campaign=campaign, donor=person, amount_pence=pence, method="bank_transfer",
                                 reference=f"{person.name}-{day}",
                                 received_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    report = ua_gifts_report(election_id=ELECTION, progress=False, organisation=org)
    rows = [r for r in parse(report) if r["ReportTotal"]]
    got = [(r["DonorName"], r["Value"], r["ReportableOn"], r["ReportSection"].startswith("Further")) for r in rows]
    assert got == [("Xavier Giver", "12000.00", "2024-03-01", False), ("Xavier Giver", "2231.00", "2024-04-01", True)]
    assert report.totals == {"reports": 2, "further": 1}
