"""Every page on a 390 × 844 phone, anonymous and signed in: no wider than the screen, chart text at least 11 px,
buttons and form controls at least 24 px, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.public.conftest import JOURNEY_SEAT, PHONE, POSTCODE, shoot, sign_in

BLOCKING = ("serious", "critical")
MIN_CHART_TEXT_PX = 11
MIN_TARGET_PX = 24

# Rendered size of chart text: computed font size × the SVG's scale on screen (rotation-proof: |(a, b)| of the CTM).
CHART_TEXT = """() => [...document.querySelectorAll('svg text')].filter(t => t.getClientRects().length)
  .map(t => ({text: t.textContent.trim().slice(0, 30), ctm: t.getScreenCTM(), size: getComputedStyle(t).fontSize}))
  .map(t => ({text: t.text, px: parseFloat(t.size) * (t.ctm ? Math.hypot(t.ctm.a, t.ctm.b) : 1)}))
  .filter(t => t.text && t.px < %s)""" % (MIN_CHART_TEXT_PX - 0.05)  # float rounding of the scale
SMALL_TARGETS = """() => [...document.querySelectorAll('button, select, input:not([type=hidden]), header.site a')]
  .filter(e => e.getClientRects().length)
  .map(e => ({what: e.outerHTML.slice(0, 60), w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height}))
  .filter(e => e.w < %d || e.h < %d)""" % (MIN_TARGET_PX, MIN_TARGET_PX)


def public_paths(journey) -> list[str]:
    from swingfund.funding.models import Campaign

    person = journey.grant.candidacy.person_id
    campaign = Campaign.objects.order_by("id").first().slug
    return [
        "/", f"/postcode/?postcode={POSTCODE}", "/postcode/?postcode=ZZ9+9ZZ", "/postcode/?postcode=Bradford",
        f"/seats/{JOURNEY_SEAT}/",
        f"/decisions/{journey.grant_decision.pk}/", f"/decisions/{journey.rejected_decision.pk}/",
        "/targets/", "/scorecards/", f"/scorecards/person/{person}/",
        f"/scorecards/seat/parl.2024-07-04/{JOURNEY_SEAT}/", "/scorecards/recommendations/",
        "/committee/decisions/", "/committee/changes/", "/funding/", f"/funding/campaigns/{campaign}/",
        "/funding/ledger/", f"/payments/checkout/{campaign}/", "/compliance/", "/accounts/login/",
        "/targets/method/", "/track-record/", "/outreach/join/", "/outreach/share/", "/no-such-page/",
    ]


def signed_in_paths(journey) -> list[str]:
    from swingfund.committee.models import Proposal

    proposal = Proposal.objects.order_by("id").first().pk
    return [
        "/workspace/", "/committee/", f"/committee/proposals/{proposal}/", "/committee/proposals/new/",
        "/committee/proposals/new/?seat=Ilford+North", "/funding/dashboard/", "/funding/dashboard/gift/",
        f"/funding/grants/{journey.grant.pk}/notice/", "/payments/stripe/events/", "/",
        f"/seats/{JOURNEY_SEAT}/", "/targets/", "/funding/ledger/", "/planning/", "/outreach/",
    ]


def audit(page, base: str, paths: list[str], *, label: str) -> list[str]:
    axe, problems = Axe(), []
    for path in paths:
        page.goto(base + path)
        name = f"{label}{path}".strip("/").replace("/", "_").replace("?", "_") or label
        shoot(page, f"phone-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: document is {width} px wide on a {PHONE['width']} px screen")
        for item in page.evaluate(CHART_TEXT):
            problems.append(f"{path}: chart text {item['text']!r} is {item['px']:.1f} px")
        for item in page.evaluate(SMALL_TARGETS):
            problems.append(f"{path}: target {item['what']!r} is {item['w']:.0f}×{item['h']:.0f} px")
        result = axe.run(page)
        for v in result.response["violations"]:
            if v["impact"] in BLOCKING:
                where = "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"][0])
                                  for n in v["nodes"][:3])
                problems.append(f"{path}: axe {v['impact']} {v['id']} ({len(v['nodes'])}× e.g. {where})")
    return problems


@pytest.mark.browser
def test_every_public_page_fits_a_phone_and_passes_axe(live_server, browser, journey):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems = audit(page, live_server.url, public_paths(journey), label="anon")
    context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
def test_every_signed_in_page_fits_a_phone_and_passes_axe(live_server, browser, journey):
    from swingfund.accounts.services import role_grant, totp_device_create
    from swingfund.committee import services
    from tests.accounts.helpers import totp_now

    services.member_add(organisation=journey.organisation, user=journey.organiser)
    for role in ("organiser", "treasurer"):  # every page of every role of the group
        role_grant(user=journey.organiser, organisation=journey.organisation, role=role)
    device = totp_device_create(user=journey.organiser)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, "organiser")
    page.goto(f"{live_server.url}/accounts/two-factor/?next=/workspace/")
    page.fill("input[name=otp_token]", totp_now(device.key))  # the treasurer's second factor
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/")
    problems = audit(page, live_server.url, signed_in_paths(journey), label="organiser")
    context.close()
    assert problems == [], "\n".join(problems)
