"""The next election from an empty database (issue 18's first acceptance line), through the CLI and the browser:

* add the next general election with a provisional date, import a poll file, and see its forward targets on the poll
  average with P(pivotal) (CLI);
* add two prospective candidates by hand (one declared), score them on the group's statements, propose a grant to
  the declared one, vote, decide; the treasurer opens a campaign, a supporter gives by card (the Stripe stand-in),
  the treasurer turns the decision into a grant and pays it;
* then the committee approves a grant to a 2024 candidate and one to a sitting MP outside any candidacy, and the
  treasurer's page refuses both, each naming the law (RPA 1983 Sch 2A; PPERA 2000 Sch 7).

The poll file is the illustrative one the demo imports. The forward targets are read from the CLI because /targets/
lists only elections with results.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from swingfund.compliance.bydate import CITE_SCH7
from swingfund.elections.demo_next import POLL_FILE
from swingfund.testing.smtp import SmtpSink
from swingfund.testing.stripe_standin import StandIn
from tests.organisations.test_from_scratch import _code, _env, _gss, _invitation_link, _served, _sign_in, _swingfund

SLUG = "leeds-fair-vote"
GROUP, ADDRESS, SENDER = "Leeds Fair Vote", "1 Park Row, Leeds, LS1 5AB", "hello@leedsfairvote.org"
ADMIN, ADMIN_PASSWORD = "amina", "amina-keeps-the-group-7"
PASSWORD = "a-volunteer-password-31"
NEXT, PAST = "parl.2029-05-03", "parl.2024-07-04"
FILES = ("HoC-GE2024-results-by-constituency.csv", "HoC-GE2024-results-by-candidate.csv",
         "census2021-religion-by-pcon2024-EW.csv")
SEAT = "Leeds Central and Headingley"  # the grant for 2029
PAST_SEAT = "Leeds West and Pudsey"  # a 2024 runner-up: refused, the election has passed
MP_SEAT = "Leeds East"  # the 2024 winner, a sitting MP: refused, Schedule 7
STATEMENTS = [("Fund public services", "Councils, schools and the NHS need stable funding.", "Backs more funding"),
              ("Homes people can afford", "Build social housing at scale.", "Backs 90,000 social homes a year")]
PEOPLE = [("tom@leedsfairvote.org", "treasurer", "Tom"), ("chris@leedsfairvote.org", "chair", "Chris"),
          ("dana@leedsfairvote.org", "committee_member", "Dana"), ("eli@leedsfairvote.org", "committee_member", "Eli")]
DECLARED, UNDECLARED = "Morgan Ellis", "Priya Nair"
WEBHOOK_PATH = "/payments/stripe/webhook/"
SCH_2A = "Representation of the People Act 1983, Schedule 2A"


def _propose(pages: dict, base: str, *, gss: str, pick: str, election: str = "") -> str:
    """The chair proposes a £20 grant to the candidate whose option text contains `pick`; two members approve."""
    chair = pages["chair"]
    chair.goto(f"{base}/committee/proposals/new/?seat={gss}" + (f"&election={election}" if election else ""))
    chair.check("input[name=kind][value=grant]")
    chair.select_option("#id_candidacy", chair.locator("#id_candidacy option", has_text=pick).get_attribute("value"))
    chair.fill("#id_amount_pounds", "20")
    chair.fill("#id_reason", "The candidate agrees with our statements and the seat is close.")
    chair.click("#create-proposal")
    expect(chair).to_have_url(re.compile(r"/committee/proposals/\d+/$"))
    for member in (pages["committee_member"], pages["committee_member2"]):
        member.goto(chair.url)
        member.check("input[name=choice][value=for]")
        member.click("#cast-vote")
    expect(pages["committee_member2"].locator("#decision")).to_contain_text("Decision: approved")
    return chair.url


@pytest.mark.slow
@pytest.mark.browser
def test_the_next_election_from_an_empty_database(scratch_url, browser, tmp_path, data_dir):
    today = dt.datetime.now(dt.UTC).date()
    declared = (today - dt.timedelta(days=3)).isoformat()
    with SmtpSink() as sink, StandIn() as standin:
        env = _env(scratch_url, tmp_path, sink.port) | {
            "STRIPE_SECRET_KEY": standin.api_key, "STRIPE_WEBHOOK_SECRET": standin.webhook_secret,
            "STRIPE_API_BASE": standin.url}
        _swingfund(env, "data", "import", *(str(data_dir / name) for name in FILES), "--no-progress")
        setup = _swingfund(env, "setup", "--no-input", "--name", GROUP, "--address", ADDRESS, "--sender", SENDER,
                           "--bloc-kind", "none", "--admin-username", ADMIN, "--admin-email", "amina@leedsfairvote.org",
                           "--admin-password-stdin", stdin=ADMIN_PASSWORD + "\n")
        admin_secret = re.search(r"otpauth://\S+secret=([A-Z2-7]+)", setup).group(1)
        gss, past_gss, mp_gss = (_gss(data_dir, name) for name in (SEAT, PAST_SEAT, MP_SEAT))

        # -- the next general election, provisional; its forward targets with P(pivotal) -------------------------
        added = _swingfund(env, "election", "add", NEXT, "--baseline", PAST,
                           "--assumption", "The parliament runs close to its full term.")
        assert "provisional" in added.lower(), added
        polls = _swingfund(env, "polls", "import", str(POLL_FILE))
        assert POLL_FILE.name in polls, polls
        targets = json.loads(_swingfund(env, "targets", "--election", NEXT, "--bloc", "religion:muslim",
                                        "--format", "json", "--draws", "500", "--top", "40"))
        assert (targets["election"], targets["baseline"]) == (NEXT, PAST)
        assert targets["poll_average"]["illustrative"] is True and "GB" in targets["poll_average"]["nations"]
        rows = targets["seats"]
        assert len(rows) == 40 and all(r["p_swing"] is not None for r in rows)
        p_swing = [r["p_swing"] for r in rows if r.get("p_swing") is not None]
        assert p_swing and all(0.0 <= p <= 1.0 for p in p_swing) and max(p_swing) > 0.05

        # -- two prospective candidates by hand; one declared ---------------------------------------------------
        for name, extra in ((DECLARED, ("--declared", declared)), (UNDECLARED, ())):
            out = _swingfund(env, "candidates", "add", "--election", NEXT, "--seat", gss, "--name", name,
                             "--party", "Labour" if name == DECLARED else "Green", "--announced", declared,
                             "--source", "https://leedsfairvote.org/news/candidates", *extra)
            assert "Added candidacy #" in out and name in out

        with _served(env, tmp_path / "serve.log") as base:
            standin.webhook_url = base + WEBHOOK_PATH
            contexts = []

            def person():
                context = browser.new_context(viewport={"width": 390, "height": 844})
                contexts.append(context)
                return context.new_page()

            try:
                admin = person()
                _sign_in(admin, base, ADMIN, ADMIN_PASSWORD, admin_secret)
                admin.goto(f"{base}/group/roles/")
                for email, role, name in PEOPLE:
                    admin.fill("#id_invite-email", email)
                    admin.fill("#id_invite-name", name)
                    admin.select_option("#id_invite-role", role)
                    admin.click("#invite-form button[type=submit]")
                    expect(admin.locator(".messages")).to_contain_text(f"Invitation sent to {email}")
                admin.fill("#id_rule-quorum", "2")
                admin.fill("#id_rule-approvals_required", "2")
                admin.click("#rule-form button[type=submit]")
                admin.goto(f"{base}/scorecards/statements/")
                for title, text, agreement in STATEMENTS:
                    admin.fill("#id_new-title", title)
                    admin.fill("#id_new-text", text)
                    admin.fill("#id_new-agreement", agreement)
                    admin.click("#new-statement button[type=submit]")
                    expect(admin.locator(".messages")).to_contain_text(f"Statement “{title}” is published.")

                # -- score them: each candidate's answers, imported from the group's survey sheet --------------
                sheet = tmp_path / "pledges.csv"
                lines = ["statement,stance,date,source_url,gss_code,name"]
                for title, *_ in STATEMENTS:
                    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
                    lines += [f"{slug},agree,{declared},https://leedsfairvote.org/survey,{gss},{DECLARED}",
                              f"{slug},disagree,{declared},https://leedsfairvote.org/survey,{gss},{UNDECLARED}"]
                sheet.write_text("\n".join(lines) + "\n")
                scored = _swingfund(env, "evidence", "import", "pledges", str(sheet), "--organisation", SLUG,
                                    "--election", NEXT)
                assert "4 evidence rows written for 2 people, 0 rows unmatched" in scored, scored
                public = person()
                public.goto(f"{base}/scorecards/seat/{NEXT}/{gss}/")
                expect(public.locator("main")).to_contain_text(DECLARED)
                expect(public.locator("main")).to_contain_text(UNDECLARED)

                pages = {}
                for email, role, _ in PEOPLE:
                    page = person()
                    page.goto(_invitation_link(sink, email, base))
                    page.fill("#id_password", PASSWORD)
                    page.fill("#id_password_again", PASSWORD)
                    if role == "treasurer":
                        page.fill("#id_totp_code", _code(page.inner_text("#totp-secret")))
                    page.click("main button[type=submit]")
                    expect(page.locator(".messages")).to_contain_text(f"of {GROUP}")
                    pages[role if role not in pages else f"{role}2"] = page

                # -- propose, vote, decide: a grant for 2029 to the declared candidate --------------------------
                _propose(pages, base, gss=gss, pick=DECLARED)
                expect(pages["chair"].locator("main")).to_contain_text(DECLARED)

                # -- the treasurer opens a campaign; a supporter gives by card ---------------------------------
                treasurer = pages["treasurer"]
                treasurer.goto(f"{base}/funding/dashboard/campaign/")
                treasurer.fill("#id_title", "Back candidates who back public services")
                treasurer.fill("#id_description", "Gifts fund grants to the candidates our committee backs.")
                treasurer.fill("#id_purpose", "Grants to candidates our committee backs, for election expenses.")
                treasurer.fill("#id_goal_pounds", "5000")
                treasurer.click("#campaign-form button[type=submit]")
                expect(treasurer).to_have_url(re.compile(r"/funding/campaigns/[\w-]+/$"))
                campaign_url = treasurer.url
                donor = person()
                donor.goto(campaign_url)
                donor.click("#give-card")
                donor.fill("#id_amount", "30")
                donor.fill("#id_name", "Grace Hopper")
                donor.fill("#id_email", "grace@leedsfairvote.org")
                donor.check("#id_consent_special")  # Article 9 explicit consent: giving reveals a political opinion
                donor.click("text=Continue to card payment")
                donor.wait_for_selector("#pay")
                donor.click("#pay")
                donor.wait_for_selector("#thanks")
                _swingfund(env, "worker", "--batch", "--interval", "0")
                expect(donor.locator("#recorded")).to_contain_text("£30.00", timeout=15_000)

                # -- the grant from the decision, paid to the declared candidate --------------------------------
                treasurer.goto(f"{base}/funding/dashboard/")
                treasurer.click("#grants-from-decisions button")
                expect(treasurer.locator(".messages")).to_contain_text("Grant #")
                made = treasurer.inner_text(".messages")
                assert DECLARED in made, made
                grant = re.search(r"Grant #(\d+)", made).group(1)
                paid = _swingfund(env, "funding", "pay", "--grant", grant, "--reference", "BACS 2029-1")
                assert "paid" in paid.lower(), paid

                # -- refused: a 2024 candidate (the election has passed), a sitting MP (Schedule 7) -------------
                chair = pages["chair"]
                chair.goto(f"{base}/committee/proposals/new/?seat={past_gss}&election={PAST}")
                runner_up = chair.locator("#id_candidacy option").nth(2).inner_text().split(" (")[0]
                _propose(pages, base, gss=past_gss, pick=runner_up, election=PAST)
                chair.goto(f"{base}/committee/proposals/new/?seat={mp_gss}&election={PAST}")
                mp = chair.locator("#id_candidacy option").nth(1).inner_text().split(" (")[0]
                _propose(pages, base, gss=mp_gss, pick=mp, election=PAST)
                treasurer.goto(f"{base}/funding/dashboard/")
                treasurer.click("#grants-from-decisions button")
                refusals = treasurer.locator(".messages").inner_text()
                past_line = next(line for line in refusals.splitlines() if runner_up in line)
                mp_line = next(line for line in refusals.splitlines() if mp in line)
                assert "Refused" in past_line and SCH_2A in past_line and "2024-07-04" in past_line, refusals
                assert "sitting MP" in mp_line and CITE_SCH7 in mp_line, refusals
                assert "Grant #" not in refusals, refusals
            finally:
                for context in contexts:
                    context.close()
