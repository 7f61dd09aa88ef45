"""`swingfund compliance status` and `spend`: recorded through the same services, refusals as one line, exit 2."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from swingfund.compliance.models import GroupLegalStatus
from swingfund.reports.models import CampaignSpend

ELECTION = "parl.2024-07-04"


@pytest.fixture
def org(official_db, figures):
    from swingfund.organisations.models import Organisation

    return Organisation.objects.create(name="Leeds Fair Vote", slug="lfv")


def test_status_then_spend_records_and_a_refusal_exits_2_naming_the_limit(org, capsys):
    call_command("compliance", "status", "--organisation", "lfv", "--form", "unincorporated_association")
    assert GroupLegalStatus.objects.get(organisation=org).uk_based is True
    call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred", "2024-06-01",
                 "--supplier", "Print Co", "--amount", "9,999.99", "--category", "material",
                 "--description", "Leaflets", "--constituency", "E14001063", "--invoice", "INV-9")
    item = CampaignSpend.objects.get()
    assert (item.amount_pence, item.area, [c.gss_code for c in item.constituencies.all()]) == (
        999_999, "constituencies", ["E14001063"])
    with pytest.raises(SystemExit) as exited:
        call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred",
                     "2024-06-02", "--supplier", "Ads", "--amount", "0.02", "--category", "media",
                     "--description", "Press", "--nation", "S")
    assert exited.value.code == 2
    assert "over the limit for a campaigner not registered with the Commission of £10,000" in capsys.readouterr().err
    assert CampaignSpend.objects.count() == 1


def test_the_admin_adds_an_item_through_the_service_and_shows_a_refusal_as_a_form_error(org, admin_client):
    from swingfund.elections.models import Constituency

    seat = Constituency.objects.get(gss_code="E14001063", boundary_set="pcon2024")
    form = {"organisation": org.pk, "election_id": ELECTION, "incurred_on": "2024-06-01", "supplier": "Print Co",
            "amount_pence": "70001", "category": "material", "nation": "", "constituencies": [seat.pk],
            "description": "Leaflets"}
    response = admin_client.post("/admin/reports/campaignspend/add/", form)
    assert response.status_code == 200 and CampaignSpend.objects.count() == 0
    assert "over the limit for anyone who is not a registered campaigner of £700" in response.content.decode()
    response = admin_client.post("/admin/reports/campaignspend/add/", {**form, "amount_pence": "70000"})
    assert response.status_code == 302
    item = CampaignSpend.objects.get()
    assert item.transaction.kind == "campaign_spend" and list(item.constituencies.all()) == [seat]


def test_spending_now_for_a_provisional_next_election_is_counted_and_the_range_assumed_is_shown(org, capsys):
    """December 2026 spending for an election expected on 3 May 2029: refused as "not imported" before the election
    is added; once added with a provisional date, counted in the range assumed (from the day after 4 July 2024), and
    the command says it may fall inside the 365-day regulated period (PPERA 2000 Sch 10)."""
    from swingfund.elections.services import election_add

    args = ("compliance", "spend", "--organisation", "lfv", "--election", "parl.2029-05-03", "--incurred",
            "2026-12-01", "--supplier", "Print Co", "--amount", "120.00", "--category", "material",
            "--description", "Leaflets about our issues")
    with pytest.raises(SystemExit):
        call_command(*args)
    assert "not imported" in capsys.readouterr().err
    election_add(election_id="parl.2029-05-03", baseline_id=ELECTION, today=dt.date(2026, 12, 6),
                 date_assumption="May 2029, as parties expect")
    call_command(*args)
    out = capsys.readouterr().out
    assert CampaignSpend.objects.get().amount_pence == 12_000
    assert "may fall inside" in out and "range assumed: 2024-07-05 – 2029-05-03" in out and "Schedule 10" in out
    call_command("compliance", "dates", "--election", "parl.2029-05-03")
    out = capsys.readouterr().out
    assert "regulated period 2028-05-04 – 2029-05-03" in out and "2024-07-05 – 2029-05-03" in out


def test_compliance_figures_shows_the_verify_flag_of_an_unconfirmed_figure(official_db, figures, capsys):
    """Scotland's registered-campaigner limit, £20,000 + 2% × 57 × £54,010 = £81,571 (PPERA 2000, Sch 10 para
    3(2)(b)), is computed, not confirmed by a Commission table: its row carries "[verify]"; England's £586,548 does
    not."""
    call_command("compliance", "figures", "--on", "2024-07-04")
    rows = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    scotland = [r for r in rows if "non_party_limit" in r and " S " in f" {r} "]
    england = [r for r in rows if "non_party_limit" in r and " E " in f" {r} "]
    assert scotland and "£81,571 [verify]" in scotland[0]
    assert england and "£586,548" in england[0] and "[verify]" not in england[0]


def test_the_agents_written_authority_is_recorded_with_a_copy_of_the_document(org, tmp_path, capsys):
    from swingfund.compliance.models import AgentAuthority
    from swingfund.elections.models import Candidacy

    candidacy = Candidacy.objects.filter(election_id=ELECTION).exclude(person_name="").order_by("pk").first()
    letter = tmp_path / "authority.pdf"
    letter.write_bytes(b"%PDF-1.4 signed by the agent")
    args = ["compliance", "authority", "--organisation", "lfv", "--candidacy", str(candidacy.pk), "--agent",
            "Morag Agent", "--agent-address", "1 Union Street, Aberdeen", "--authorised-on", "2024-06-10"]
    call_command(*args, "--limit", "1,000", "--document", str(letter))
    row = AgentAuthority.objects.get()
    assert (row.limit_pence, bytes(row.document), row.document_name) == (100_000, letter.read_bytes(),
                                                                         "authority.pdf")
    assert "Morag Agent's authority" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_code:  # no copy, no record
        call_command(*args, "--limit", "1,000", "--document", str(tmp_path / "missing.pdf"))
    assert exit_code.value.code == 2 and "Cannot read the authority's copy" in capsys.readouterr().err
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit):
        call_command(*args, "--limit", "1,000", "--document", str(empty))
    assert "Attach a copy of the agent's signed written authority" in capsys.readouterr().err
    assert AgentAuthority.objects.count() == 1


def test_a_leaflet_naming_a_candidate_is_their_spending_and_one_naming_none_is_general(org, capsys):
    """£900 of leaflets over three seats is £300 a seat. In the seat where it names a candidate, that £300 is
    spending about them (s.75, £400 left of the £700 permitted sum); the other £600 is general (PPERA)."""
    from swingfund.compliance.models import MaterialCost
    from swingfund.elections.models import Candidacy

    seats = ["S14000060", "S14000061", "S14000111"]
    named = Candidacy.objects.filter(election_id=ELECTION, constituency__gss_code=seats[1]).exclude(
        person_name="").order_by("pk").first()
    call_command("compliance", "material", "--organisation", "lfv", "--incurred", "2024-06-10", "--supplier",
                 "Canal Print", "--amount", "900", "--description", "Scorecard leaflets", "--candidacy",
                 str(named.pk), *[arg for code in seats for arg in ("--constituency", code)])
    out = capsys.readouterr().out
    assert f"Recorded for {ELECTION}:" in out and "£300, £400 left of £700" in out and "general campaign: £600" in out
    assert MaterialCost.objects.get(regime="candidate").amount_pence == 30_000
    spend = CampaignSpend.objects.get()
    assert spend.amount_pence == 60_000 and sorted(c.gss_code for c in spend.constituencies.all()) == [
        seats[0], seats[2]]


def test_an_unpaid_claim_is_owed_not_paid_until_claim_paid_moves_the_money(org, capsys, client):
    """An unpaid claim (PPERA 2000 s.96) is spending when incurred, but no money leaves the bank: the ledger owes it
    to the supplier, and the public ledger's money out and balance do not move. `compliance claim-paid` then pays it
    on its day: the bank goes down by the claim, the debt is cleared, and the return no longer lists it apart."""
    from swingfund.funding import ledger
    from swingfund.funding.models import Entry
    from swingfund.reports.services import campaign_claim_pay

    def balance(code: str) -> int:
        return sum(Entry.objects.filter(account__code=code).values_list("amount_pence", flat=True))

    def money_out() -> int:
        return client.get("/funding/ledger.json").json()["totals"]["out_pence"]

    call_command("compliance", "status", "--organisation", "lfv", "--form", "unincorporated_association")
    before_out, before_bank = money_out(), balance("bank")
    call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred", "2024-06-01",
                 "--supplier", "Print Co", "--amount", "450", "--category", "material", "--description", "Leaflets",
                 "--constituency", "E14001063", "--claim", "unpaid", "--claimed", "2024-06-20")
    item = CampaignSpend.objects.get()
    assert "an unpaid claim: owed, not paid" in capsys.readouterr().out
    assert (item.claim_status, item.paid_on, item.claimed_on) == ("unpaid", None, dt.date(2024, 6, 20))
    assert balance("bank") == before_bank and balance("claims_payable") == -45_000  # owed: a credit balance
    assert balance("campaign_spend") == 45_000 and money_out() == before_out
    # paying it before it was incurred, or a claim twice, is refused and writes nothing
    with pytest.raises(SystemExit) as exited:
        call_command("compliance", "claim-paid", str(item.pk), "--paid", "2024-05-31")
    assert exited.value.code == 2
    assert "Paid on 2024-05-31 is before the spending was incurred on 2024-06-01" in capsys.readouterr().err
    call_command("compliance", "claim-paid", str(item.pk), "--paid", "2024-07-15")
    assert "£450 left the bank on 2024-07-15" in capsys.readouterr().out
    item.refresh_from_db()
    assert (item.claim_status, item.paid_on) == ("", dt.date(2024, 7, 15))
    assert balance("bank") == before_bank - 45_000 and balance("claims_payable") == 0
    assert money_out() == before_out + 45_000 and balance("campaign_spend") == 45_000  # counted once, when incurred
    with pytest.raises(ValueError, match="not an unpaid or disputed claim"):
        campaign_claim_pay(spend=item, paid_on=dt.date(2024, 7, 16))
    assert balance("bank") == before_bank - 45_000
    # a claim with a date paid is a contradiction, refused before anything is written
    with pytest.raises(SystemExit):
        call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred",
                     "2024-06-01", "--paid", "2024-06-02", "--supplier", "Ads", "--amount", "10", "--category",
                     "media", "--description", "Press", "--nation", "E", "--claim", "disputed")
    assert "A claim marked disputed has not been paid" in capsys.readouterr().err
    assert CampaignSpend.objects.count() == 1 and ledger.ledger_verify().ok
