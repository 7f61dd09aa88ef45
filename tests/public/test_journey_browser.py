"""A visitor, a donor, a committee member and an organiser, each in a real Chromium, clicking only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.public.conftest import DESKTOP, JOURNEY_SEAT, PHONE, POSTCODE, shoot, sign_in


@pytest.fixture(params=["desktop", "phone"])
def viewport(request):
    return {"desktop": DESKTOP, "phone": PHONE}[request.param]


@pytest.mark.browser
def test_home_postcode_seat_decision_grant_in_ledger(live_server, browser, journey, viewport):
    """home → postcode → seat → decision → the grant's payment in the ledger, by clicking only."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    name = "phone" if viewport is PHONE else "desktop"
    page.goto(live_server.url + "/")
    shoot(page, f"journey-1-home-{name}")
    page.fill("#postcode", POSTCODE)
    page.click("#find-seat")

    expect(page).to_have_url(re.compile(rf"/seats/{JOURNEY_SEAT}/"))
    expect(page.locator("h1")).to_have_text("Birmingham Ladywood")
    expect(page.locator("#result")).to_contain_text("Shabana Mahmood")
    expect(page.locator("#bloc-estimate")).to_contain_text("against a majority of 3,421")
    shoot(page, f"journey-2-seat-{name}")
    expect(page.locator("#headline")).to_have_text("The committee backs Akhmed Yakoob: £1,000 paid")
    page.click("text=The committee backs Akhmed Yakoob: £1,000 paid >> nth=-1")

    expect(page).to_have_url(re.compile(rf"/decisions/{journey.grant_decision.pk}/"))
    expect(page.locator("#outcome")).to_have_text("Agreed")
    expect(page.locator("#reason")).to_contain_text("Akhmed Yakoob")
    shoot(page, f"journey-3-decision-{name}")
    page.click("#ledger-payment")

    payment = journey.grant.payment_id
    expect(page).to_have_url(re.compile(rf"/funding/ledger/#tx-{payment}$"))
    row = page.locator(f"#tx-{payment}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("1,000")
    expect(row).to_contain_text("Birmingham Ladywood")  # public lines are built from structured fields: the seat
    expect(row.locator(f"a[href='/seats/{JOURNEY_SEAT}/']")).to_have_count(1)
    expect(row.locator(f"a[href='/decisions/{journey.grant_decision.pk}/']")).to_have_count(1)  # and back again
    shoot(page, f"journey-4-ledger-{name}")
    context.close()


@pytest.mark.browser
def test_an_unknown_postcode_is_named(live_server, page, journey):
    page.goto(live_server.url + "/")
    page.fill("#postcode", "ZZ9 9ZZ")
    page.click("#find-seat")
    expect(page.locator("#postcode-error")).to_contain_text("ZZ9 9ZZ")
    expect(page.locator("#postcode")).to_have_attribute("aria-invalid", "true")


@pytest.mark.browser
def test_the_public_sees_the_rejection_beside_the_approvals(live_server, page, journey):
    page.goto(live_server.url + "/")
    page.click("text=All committee decisions")
    table = page.locator("table.decisions")
    expect(table).to_contain_text("Rejected")
    page.click(f"a[href='/decisions/{journey.rejected_decision.pk}/']")
    expect(page.locator("#outcome")).to_have_text("Voted down")
    expect(page.locator("#grant")).to_contain_text("No money: the committee voted this grant down.")


@pytest.mark.browser
def test_a_rejected_decisions_seat_page_says_voted_not_to_back_with_the_reason(live_server, browser, journey, viewport):
    """At 390 px and 1280 px: the seat of a rejected grant says "voted not to back" with the reason, never
    "We back" (the text of the proposal the committee voted down)."""
    rejected = journey.rejected_decision
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/seats/{rejected.proposal.constituency.gss_code}/")
    name = rejected.proposal.candidacy.person_name
    expect(page.locator("#headline")).to_have_text(
        f"The committee voted not to back {name}: no member gave a reason (2 of 3 voted against)")
    assert "We back" not in page.locator("main").inner_text()
    box = page.locator("#headline").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    shoot(page, f"rejected-seat-{viewport['width']}")
    context.close()


@pytest.mark.browser
def test_donor_gives_by_card_and_the_thanks_page_updates_itself(live_server, page, journey, standin, settings):
    """Campaign page → preset amount → Stripe stand-in → pay; the webhook is stored but applied later (a worker),
    and the thanks page, polling, shows the confirmed gift without a reload."""
    from django.core.management import call_command

    from swingfund.funding.models import Donation
    from swingfund.funding.payments.models import StripeEvent
    from swingfund.funding.services import campaign_create
    from tests.payments.conftest import WEBHOOK_PATH

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real queue, as served
    standin.webhook_url = live_server.url + WEBHOOK_PATH
    now = timezone.now()
    campaign = campaign_create(
        organisation=journey.organisation, slug="spring-fund", title="Spring fund", description="For tests.",
        purpose="Grants to the candidates our committee backs.", mode="pooled", goal_pence=500_000,
        starts_at=now - timedelta(days=3), ends_at=now + timedelta(days=12, hours=1))
    page.goto(f"{live_server.url}/funding/")
    page.click(f"a[href='/funding/campaigns/{campaign.slug}/']")
    expect(page.locator("#days-left")).to_have_text("13 days left")
    page.click("a.preset >> text=£25")
    expect(page.locator("#id_amount")).to_have_value("25")
    page.fill("#id_name", "Grace Hopper")
    page.fill("#id_email", "grace@example.org")
    page.check("#id_consent_special")
    page.click("text=Continue to card payment")
    page.wait_for_selector("#pay")
    page.click("#pay")

    page.wait_for_selector("#thanks")
    expect(page.locator("#pending")).to_contain_text("being confirmed")
    assert not Donation.objects.filter(campaign=campaign).exists()
    assert StripeEvent.objects.get().status == StripeEvent.Status.PENDING
    call_command("worker", "--batch", "--interval", "0")  # `swingfund worker` runs the pass the webhook queued
    assert StripeEvent.objects.get().status == StripeEvent.Status.HANDLED
    expect(page.locator("#recorded")).to_contain_text("£25.00", timeout=10_000)
    shoot(page, "donate-thanks-confirmed")
    assert Donation.objects.get(campaign=campaign).amount_pence == 2500


@pytest.mark.browser
def test_a_closed_campaign_offers_no_give_button_and_bank_details_stand_in_for_cards(live_server, page, journey,
                                                                                   settings):
    settings.STRIPE_SECRET_KEY = ""
    from swingfund.organisations.services import organisation_update

    organisation_update(organisation=journey.organisation, bank_account_name="Demo Group", bank_sort_code="12-34-56",
                        bank_account_number="12345678")
    from swingfund.funding.services import campaign_create

    now = timezone.now()
    campaign_create(organisation=journey.organisation, slug="open-fund", title="Open fund", description="x",
                    purpose="Grants.", mode="pooled", goal_pence=100_000, starts_at=now - timedelta(days=1),
                    ends_at=now + timedelta(days=5))
    page.goto(f"{live_server.url}/funding/campaigns/demo-community-group-fund/")
    expect(page.locator("#closed")).to_contain_text("closed on 4 July 2024")
    expect(page.locator("#give a.button")).to_have_count(0)
    page.goto(f"{live_server.url}/funding/campaigns/open-fund/")
    expect(page.locator("#bank")).to_contain_text("sort code 12-34-56")
    expect(page.locator("#give-card")).to_have_count(0)


@pytest.mark.browser
def test_committee_member_votes_from_the_workspace(live_server, page, journey):
    from swingfund.committee import services
    from swingfund.committee.models import Vote
    from swingfund.elections.models import Constituency, Election

    assert not journey.organisation.proposals.filter(status="open").exists()  # the demo decided all of its own
    proposal = services.proposal_create(
        organisation=journey.organisation, kind="stay_out", election=Election.objects.get(pk="parl.2024-07-04"),
        constituency=Constituency.objects.get(gss_code="E14001558", boundary_set="pcon2024"),
        reason="We stay out: no candidate agrees with our statements.", proposer=journey.chair)
    sign_in(page, live_server.url, "demo-member-1")
    row = page.locator("#workspace-proposals tbody tr").first
    expect(row).to_contain_text("needs your vote")
    shoot(page, "workspace-member")
    row.locator("a").first.click()  # the proposal (the row also links to its seat's figures and scorecards)
    page.check("input[name=choice][value=for]")
    page.click("#cast-vote")
    expect(page.locator("#my-vote")).to_contain_text("for")
    assert Vote.objects.get(proposal=proposal, member__user=journey.member).choice == "for"
    page.click("text=Workspace")
    expect(page.locator("#workspace-proposals")).not_to_contain_text("needs your vote")
    page.click("text=Sign out")
    expect(page.locator("header.site")).to_contain_text("Sign in")


@pytest.mark.browser
def test_organiser_creates_a_proposal_from_the_web_and_only_they_may_edit_it(live_server, page, journey):
    from swingfund.committee.models import Proposal

    sign_in(page, live_server.url, "demo-chair")
    page.click("#workspace-new-proposal")
    page.fill("#id_seat", "Brent East")
    page.click("text=Choose this seat")
    expect(page.locator("#proposal-form h2")).to_contain_text("Brent East")
    page.check("input[name=kind][value=grant]")
    page.select_option("#id_candidacy", label="Dawn Butler (Lab)")
    page.fill("#id_amount_pounds", "750")
    page.fill("#id_reason", "We back Dawn Butler: she agrees with our statements on the record.")
    page.click("#create-proposal")
    expect(page.locator("#reason")).to_contain_text("We back Dawn Butler")
    shoot(page, "proposal-created")
    proposal = Proposal.objects.get(constituency__name="Brent East", status="open")
    assert (proposal.kind, proposal.amount_pence, proposal.proposer) == ("grant", 75_000, journey.chair)
    expect(page.locator("#edit-form")).to_be_visible()
    page.click("text=Sign out")

    sign_in(page, live_server.url, "demo-member-1", next_path=f"/committee/proposals/{proposal.pk}/")
    expect(page.locator("#edit-form")).to_have_count(0)  # another member may vote, not edit
