"""The public pages (campaign, ledger, exports) and the treasurer's pages (dashboard, offline gift form, grant
payment, donation notice), through Django's test client on the real URLs and templates."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from swingfund.compliance.selectors import figure
from swingfund.funding import notices, selectors, services
from swingfund.funding.forms import NAME_REQUIRED
from swingfund.funding.models import Donation, Grant
from swingfund.organisations.models import Organisation
from tests.funding.conftest import GRANT_DAY, approved_decision, at, make_donor

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(pooled, candidacy):
    """Three gifts (one named with consent over the public threshold, one with consent under it, one without
    consent), a refund, a held anonymous gift, and a paid grant."""
    threshold = figure("public_donor_name_threshold", on=at("06-01").date()).value
    big = make_donor("Rana Big", consent=True)
    small = make_donor("Sol Small", consent=True)
    shy = make_donor("Una Shy", consent=False)
    services.donation_record(campaign=pooled, donor=big, amount_pence=threshold + 100, method="bank_transfer",
                             reference="b1", received_at=at("06-01"), consent_publish=True)  # consent with the gift
    gift = services.donation_record(campaign=pooled, donor=small, amount_pence=2_500, method="card", fee_pence=60,
                                    external_id="pi_small", received_at=at("06-02"), consent_publish=True)
    services.donation_record(campaign=pooled, donor=shy, amount_pence=threshold + 200, method="cheque",
                             reference="c1", received_at=at("06-03"))
    services.donation_refund(donation=gift, amount_pence=500, reason="asked", refunded_at=at("06-04"))
    services.donation_record(campaign=pooled, donor=None, amount_pence=90_000, method="cash", reference="env",
                             received_at=at("06-05"))
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="backed",
        created_at=GRANT_DAY)
    services.grant_pay(grant=grant, bank_reference="FPS-1")
    return pooled


def test_campaign_page_shows_progress_notice_gifts_and_chart_reconciled_with_the_ledger(client, filled):
    page = client.get(f"/funding/campaigns/{filled.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    raised = selectors.campaign_raised_pence(filled)
    assert f'data-pence="{raised}"' in html and "reconciled with the gift records" in html
    assert '<svg' in html and 'class="progress"' in html and 'class="chart money-flow"' in html
    assert "Who the money is for" in html and "Permissibility checks will be made" in html
    assert "Details of gifts may be published" in html and filled.purpose in html
    assert "Rana Big" in html  # over the public threshold, with consent
    assert "Sol Small" not in html and "Una Shy" not in html  # under it / no consent
    assert "A donor" in html
    assert "is held until the givers' permissibility is checked" in html


def test_public_ledger_exports_every_transaction_and_totals_reconcile_with_campaign_pages(client, filled):
    page = client.get("/funding/ledger/").content.decode()
    data = client.get("/funding/ledger.json").json()
    rows = list(csv.DictReader(io.StringIO(client.get("/funding/ledger.csv").content.decode())))
    transactions = {t.pk for t in filled.ledger_transactions.all()}
    assert {t["id"] for t in data["transactions"]} == transactions == {int(r["id"]) for r in rows}
    assert all(sum(e["amount_pence"] for e in t["entries"]) == 0 for t in data["transactions"])
    campaign_page = client.get(f"/funding/campaigns/{filled.slug}/").content.decode()
    shown = int(re.search(r'id="raised" data-pence="(-?\d+)"', campaign_page).group(1))
    assert data["campaigns"][filled.slug] == shown == data["totals"]["income_pence"]
    assert f'data-campaign="{filled.slug}" data-pence="{shown}"' in page
    assert f'id="income" data-pence="{shown}"' in page
    givers = {t["giver"] for t in data["transactions"] if t["giver"]}
    assert givers == {"Rana Big", "A donor", "Anonymous"}
    assert "Una Shy" not in page and "Sol Small" not in page and "Una Shy" not in str(rows)
    assert sum(int(r["amount_pence"]) for r in rows) == 0


def test_dashboard_is_the_treasurers_and_lists_tasks_held_gifts_and_grants(staff_client, filled):
    assert Client().get("/funding/dashboard/").status_code == 302
    html = staff_client.get("/funding/dashboard/").content.decode()
    held = Donation.objects.get(status=Donation.Status.HELD)
    assert 'class="task-return"' in html and str(held.tasks.get().due_on) in html
    assert f"/funding/dashboard/gifts/{held.pk}/return/" in html
    assert "Political contributions this calendar year" in html
    response = staff_client.post(f"/funding/dashboard/gifts/{held.pk}/return/", {"reference": "RET-9"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Donation.Status.RETURNED


def test_offline_gift_form_records_a_cheque_and_refuses_bad_input(staff_client, pooled):
    assert Client().get("/funding/dashboard/gift/").status_code == 302
    form = {"campaign": pooled.slug, "amount": "1,250.50", "method": "cheque", "reference": "CHQ 000123",
            "received_on": "2024-06-10", "name": "Vic Cheque", "address": "4 Bank St", "postcode": "ls1 4ab"}
    response = staff_client.post("/funding/dashboard/gift/", form)
    assert response.status_code == 302
    gift = Donation.objects.get(reference="CHQ 000123")
    assert (gift.amount_pence, gift.method, gift.donor.name, gift.recorded_by) == (125_050, "cheque", "Vic Cheque",
                                                                                  "treasurer")
    assert gift.status == Donation.Status.HELD  # £1,250.50 from an unchecked donor is over £500
    bad = staff_client.post("/funding/dashboard/gift/", {**form, "amount": "12.345", "reference": "X"})
    assert bad.status_code == 400 and "is not a sum of money" in bad.content.decode()
    nameless = staff_client.post("/funding/dashboard/gift/", {**form, "name": "", "reference": "Y"})
    assert nameless.status_code == 400 and NAME_REQUIRED in nameless.content.decode().replace("&#x27;", "'")
    assert Donation.objects.count() == 1


def test_grant_payment_form_and_donation_notice_page_and_pdf(staff_client, pooled, candidacy):
    services.donation_record(campaign=pooled, donor=make_donor("Wyn Rich"), amount_pence=100_000,
                             method="bank_transfer", reference="w", received_at=at("06-01"))
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="backed",
        created_at=GRANT_DAY)
    assert staff_client.post(f"/funding/grants/{grant.pk}/pay/", {"reference": "FPS 777"}).status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.bank_reference) == (Grant.Status.PAID, "FPS 777")
    assert Client().get(f"/funding/grants/{grant.pk}/notice/").status_code == 302  # donors' addresses: the treasurer's
    notice = staff_client.get(f"/funding/grants/{grant.pk}/notice/").content.decode()
    assert "FPS 777" in notice and candidacy.person_name in notice and "the group is the donor" in notice
    assert "From <strong>Leeds Fair Vote</strong>, 3 Briggate, Leeds, LS1 6HD." in notice  # the group's own row
    pdf = staff_client.get(f"/funding/grants/{grant.pk}/notice.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_the_donation_notice_is_refused_while_the_group_has_no_postal_address(staff_client, pooled, candidacy):
    services.donation_record(campaign=pooled, donor=make_donor("Wyn Rich"), amount_pence=100_000,
                             method="bank_transfer", reference="w", received_at=at("06-01"))
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="backed",
        created_at=GRANT_DAY)
    Organisation.objects.filter(pk=pooled.organisation_id).update(address="")
    expected = notices.NOTICE_ADDRESS_MISSING.format(name="Leeds Fair Vote")
    with pytest.raises(notices.NoticeRefused, match=re.escape(expected)):
        notices.notice_for_grant(Grant.objects.get(pk=grant.pk))
    for url in (f"/funding/grants/{grant.pk}/notice/", f"/funding/grants/{grant.pk}/notice.pdf"):
        refused = staff_client.get(url, follow=True)
        assert expected in refused.content.decode().replace("&#x27;", "'") and b"%PDF" not in refused.content


def test_funding_gift_command_and_ledger_verify_command(pooled, capsys):
    call_command("funding", "gift", "--campaign", pooled.slug, "--amount", "40", "--method", "cash",
                 "--reference", "receipt 17", "--name", "Xan Cash", "--postcode", "LS6 1AA",
                 "--received", "2024-06-12")
    gift = Donation.objects.get(reference="receipt 17")
    assert (gift.amount_pence, gift.status, gift.received_at.date().isoformat()) == (4_000, "accepted", "2024-06-12")
    call_command("ledger", "verify")
    assert "Ledger OK: 1 transactions" in capsys.readouterr().out
    with pytest.raises(Exception, match="not a sum of money"):
        call_command("funding", "gift", "--campaign", pooled.slug, "--amount", "forty", "--method", "cash",
                     "--reference", "r", "--name", "Y")
    with pytest.raises(Exception, match="No campaign with slug 'nope'"):
        call_command("funding", "gift", "--campaign", "nope", "--amount", "1", "--method", "cash",
                     "--reference", "r", "--name", "Y")
    assert Donation.objects.count() == 1


def test_demo_run_is_idempotent_and_leaves_a_verified_ledger(organisation, candidacies, django_user_model):
    from swingfund.funding.demo import demo_run

    decision = approved_decision(organisation, candidacies[0], django_user_model)
    first = demo_run(organisation=organisation)
    again = demo_run(organisation=organisation)
    assert str(first) == str(again) and first.transactions == again.transactions
    assert first.grants == 1 and Grant.objects.get(decision_id=decision.pk).status == Grant.Status.PAID
    assert first.held_pence == 60_000  # the anonymous £600 in cash is held, its return scheduled
    earmarked = Grant.objects.exclude(decision_id=decision.pk).get()
    assert earmarked.campaign.mode == "earmarked" and earmarked.allocations.count() == 2
    call_command("ledger", "verify")


def test_treasurer_checks_a_held_donor_on_the_dashboard_and_the_gift_is_released(staff_client, pooled):
    donor = make_donor("Yan Held", checked=False)
    gift = services.donation_record(campaign=pooled, donor=donor, amount_pence=80_000, method="bank_transfer",
                                    reference="h", received_at=at("06-01"))
    assert gift.status == Donation.Status.HELD and selectors.campaign_spendable_pence(pooled) == 0
    assert f"/funding/dashboard/gifts/{gift.pk}/check/" in staff_client.get("/funding/dashboard/").content.decode()
    staff_client.post(f"/funding/dashboard/gifts/{gift.pk}/check/",
                      {"category": "uk_elector", "evidence": "Leeds register 2024, ref 12/345"})
    gift.refresh_from_db()
    donor.refresh_from_db()
    assert gift.status == Donation.Status.ACCEPTED and donor.checked_by == "treasurer"
    assert selectors.campaign_spendable_pence(pooled) == 80_000


def test_funding_check_and_return_commands(pooled, capsys):
    held = [services.donation_record(campaign=pooled, donor=make_donor(name, checked=False), amount_pence=60_000,
                                     method="cheque", reference=name, received_at=at("06-01"))
            for name in ("Zed One", "Zoe Two")]
    call_command("funding", "check", "--gift", str(held[0].pk), "--category", "uk_company",
                 "--evidence", "Companies House 0765")
    call_command("funding", "check", "--gift", str(held[1].pk), "--category", "impermissible",
                 "--evidence", "overseas, not on any register")
    call_command("funding", "tasks")
    assert "Return £600 (Cheque Zoe Two) by 2024-06-30" in capsys.readouterr().out
    call_command("funding", "return", "--gift", str(held[1].pk), "--reference", "CHQ back 1")
    assert [Donation.objects.get(pk=g.pk).status for g in held] == ["accepted", "returned"]
    call_command("ledger", "verify")


def test_funding_campaign_command_opens_a_campaign_and_refuses_bad_dates(figures, capsys):
    from swingfund.funding.models import Campaign
    from swingfund.organisations.models import Organisation

    Organisation.objects.create(slug="library-group", name="Library Group")  # the only group: the campaign's

    call_command("funding", "campaign", "--slug", "library", "--title", "Keep the library open", "--goal", "20,000",
                 "--purpose", "Grants to candidates who pledge to keep it open", "--starts", "2024-05-23",
                 "--ends", "2024-07-04")
    made = Campaign.objects.get(slug="library")
    assert (made.goal_pence, made.mode) == (2_000_000, "pooled")
    assert made.starts_at.isoformat() == "2024-05-23T00:00:00+00:00"
    with pytest.raises(Exception, match="must end after it starts"):
        call_command("funding", "campaign", "--slug", "backwards", "--title", "B", "--goal", "1", "--purpose", "p",
                     "--starts", "2024-07-04", "--ends", "2024-05-23")
    assert not Campaign.objects.filter(slug="backwards").exists()


def test_admin_shows_the_ledger_read_only(admin_client, pooled):
    services.donation_record(campaign=pooled, donor=None, amount_pence=1_000, method="cash", reference="a",
                             received_at=at("06-01"))
    page = admin_client.get("/admin/funding/ledgertransaction/")
    assert page.status_code == 200 and "Gift of £10.00 by cash" in page.content.decode()
    assert admin_client.get("/admin/funding/ledgertransaction/add/").status_code == 403
    assert admin_client.post("/admin/funding/ledgertransaction/1/delete/", {"post": "yes"}).status_code == 403


def test_earmarked_campaign_page_shows_gifts_per_candidate(client, earmarked, candidacies):
    for pence, who in ((2_000, candidacies[0]), (3_000, candidacies[0]), (1_000, candidacies[1])):
        services.donation_record(campaign=earmarked, donor=make_donor("Abe Mark"), amount_pence=pence,
                                 method="bank_transfer", reference="e", received_at=at("06-01"),
                                 earmarked_candidacy=who)
    html = client.get(f"/funding/campaigns/{earmarked.slug}/").content.decode()
    table = html[html.index('id="earmarked"'):]
    assert table.index(candidacies[0].person_name) < table.index(candidacies[1].person_name)
    assert "£50" in table and "£10" in table and "passed on to that candidate" in html


def test_spend_and_authority_commands_enforce_the_permitted_sum(pooled, candidacy, organisation, capsys, tmp_path):
    services.donation_record(campaign=pooled, donor=make_donor("Bo Fund"), amount_pence=300_000,
                             method="bank_transfer", reference="f", received_at=at("06-01"))
    base = ["funding", "spend", "--campaign", pooled.slug, "--candidacy", str(candidacy.pk), "--kind", "leaflet",
            "--description", "leaflets about the candidate"]
    call_command(*base, "--amount", "700", "--spent", "2024-06-10")
    with pytest.raises(Exception, match=r"over the permitted sum of £700 per candidate .*\(source: Representation of "
                                        r"the People Act 1983, s.75\(1ZZB\)"):
        call_command(*base, "--amount", "0.01", "--spent", "2024-06-10")
    letter = tmp_path / "authority.pdf"
    letter.write_bytes(b"%PDF-1.4 signed by the election agent")
    call_command("compliance", "authority", "--organisation", organisation.slug, "--candidacy", str(candidacy.pk),
                 "--agent", "Pat Agent", "--agent-address", "1 Agent Row, Leeds", "--authorised-on", "2024-06-11",
                 "--limit", "1500", "--document", str(letter))
    with pytest.raises(Exception, match="over the permitted sum of £700"):  # it does not reach back to 10 June
        call_command(*base, "--amount", "800", "--spent", "2024-06-10")
    call_command(*base, "--amount", "800", "--spent", "2024-06-11")
    assert "Recorded £800 leaflet" in capsys.readouterr().out
    with pytest.raises(Exception, match="over the £1,500 their election agent Pat Agent authorised in writing"):
        call_command(*base, "--amount", "0.01", "--spent", "2024-06-12")
    assert selectors.campaign_committed_pence(pooled) == 150_000
