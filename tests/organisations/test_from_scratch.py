"""Any group from scratch (issue 17's first acceptance line): from an empty database with only `DATABASE_URL` set,
through `swingfund setup` and the web pages alone, a volunteer sets up an issue group with no census bloc, invites a
treasurer, an organiser and three committee members by email (links read from a real SMTP server), writes five
statements, the committee proposes and decides one seat, and the treasurer opens a campaign. Then no rendered public
page, imprint, consent wording, outgoing email or donation-notice PDF says "Demo", "Example Street", "Muslim" or
"localhost".

The grant is for the next general election (issue 18: the law by date refuses a grant to a 2024 candidate now):
the volunteer adds `parl.2029-05-03` with a provisional date and a prospective candidate who declared three days ago,
by the CLI; the chair's proposal for the seat is for that election. The treasurer turns the approved decision into a
payable grant from the dashboard and the notice PDF is read from its page.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path

import pytest
from django.utils.html import strip_tags
from playwright.sync_api import expect

from swingfund.elections.demo_next import POLL_FILE
from swingfund.elections.errors import NO_ELECTIONS
from swingfund.testing.smtp import SmtpSink
from tests.accounts.helpers import totp_now

FORBIDDEN = ("Demo", "Example Street", "Muslim", "localhost")
GROUP = "Leeds Fair Vote"
SLUG = "leeds-fair-vote"
ADDRESS = "1 Park Row, Leeds, LS1 5AB"
SENDER = "hello@leedsfairvote.org"
ADMIN, ADMIN_PASSWORD = "amina", "amina-keeps-the-group-7"
PASSWORD = "a-volunteer-password-31"
SEAT = "Leeds Central and Headingley"
ELECTION = "parl.2029-05-03"
BASELINE = "parl.2024-07-04"
CANDIDATE = "Morgan Ellis"  # a prospective candidate for the test, declared three days ago
FILES = ("HoC-GE2024-results-by-constituency.csv", "HoC-GE2024-results-by-candidate.csv")
STATEMENTS = [
    ("Fund public services", "Councils, schools and the NHS need stable, multi-year funding.",
     "Backs a multi-year funding settlement for local services"),
    ("Fair pay in the NHS", "Nurses and care workers should be paid fairly for the work they do.",
     "Backs a pay settlement agreed with the unions"),
    ("Homes people can afford", "Build social housing at scale and end no-fault evictions.",
     "Backs 90,000 social homes a year"),
    ("An ethical foreign policy", "No arms sales to governments that break international law.",
     "Backs suspending such arms licences"),
    ("International law for all", "The UK should respect the rulings of international courts, whoever they bind.",
     "Backs compliance with international court rulings"),
]
PEOPLE = [  # (email, role value on the roles page, name)
    ("tom@leedsfairvote.org", "treasurer", "Tom"),
    ("olu@leedsfairvote.org", "organiser", "Olu"),
    ("chris@leedsfairvote.org", "chair", "Chris"),
    ("dana@leedsfairvote.org", "committee_member", "Dana"),
    ("eli@leedsfairvote.org", "committee_member", "Eli"),
]
PUBLIC_PAGES = ["/", "/targets/", "/targets/method/", "/scorecards/", "/scorecards/recommendations/",
                "/recommendations/", "/committee/decisions/", "/committee/changes/", "/funding/", "/funding/ledger/",
                "/compliance/", "/outreach/join/", "/outreach/share/", "/track-record/"]


def _env(url: str, home: Path, smtp_port: int) -> dict[str, str]:
    """The process environment of a fresh install: DATABASE_URL, the deployment's own settings (its home folder, its
    SMTP relay) and the folder of official files to import; nothing of any group's identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWINGFUND_", "DATABASE_"))}
    return env | {"DATABASE_URL": url, "SWINGFUND_HOME": str(home), "SWINGFUND_DATA": os.environ["SWINGFUND_DATA"],
                  "SWINGFUND_EMAIL_HOST": "127.0.0.1", "SWINGFUND_EMAIL_PORT": str(smtp_port),
                  "DJANGO_SETTINGS_MODULE": "swingfund.settings"}


def _swingfund(env: dict, *args: str, stdin: str | None = None, timeout: int = 600) -> str:
    done = subprocess.run([sys.executable, "-m", "swingfund", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"swingfund {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextlib.contextmanager
def _served(env: dict, log: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "swingfund", "serve", f"127.0.0.1:{port}", "--threads", "4"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:
                assert server.poll() is None, log.read_text()
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                assert time.monotonic() < deadline, "swingfund serve did not start listening"
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _code(secret_b32: str) -> str:
    return totp_now(base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8)).hex())


def _sign_in(page, base: str, username: str, password: str, secret: str | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    if secret is not None:
        page.goto(f"{base}/accounts/two-factor/?next=/")
        page.fill("#id_otp_token", _code(secret))
        page.click("main button[type=submit]")
        expect(page).not_to_have_url(re.compile(r"/two-factor/"))


def _invitation_link(sink: SmtpSink, to: str, base: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for received in sink.received:
            if to in received.envelope_to:
                link = re.search(r"https?://\S+/group/invitation/\S+/", received.message.get_content()).group(0)
                assert link.startswith(base), link  # the link names the site the administrator used
                return link
        time.sleep(0.1)
    raise AssertionError(f"no invitation reached {to}")


def _gss(data: Path, name: str) -> str:
    with (data / FILES[0]).open(encoding="utf-8-sig") as handle:
        return next(row["ONS ID"] for row in csv.DictReader(handle) if row["Constituency name"] == name)


ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes: backslash escapes (\\n, \\(, \\ddd octal, …) resolved."""
    def one(match: re.Match) -> bytes:
        token = match.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8) & 0xFF])
        return ESCAPES.get(token, token)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF written by fpdf2, without a PDF library: every stream inflated, then each string shown
    between BT and ET decoded — through the embedded font's ToUnicode CMap (two-byte glyph codes) when the PDF has
    one, else as Latin-1 (the core fonts)."""
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    cmap: dict[int, str] = {}
    for stream in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                cmap[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                start = ord(bytes.fromhex(dst.decode()).decode("utf-16-be")[0])
                for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    cmap[code] = chr(start + offset)

    def decode(data: bytes) -> str:
        if not cmap:
            return data.decode("latin-1")
        return "".join(cmap.get(int.from_bytes(data[i:i + 2], "big"), "?") for i in range(0, len(data) - 1, 2))

    text = []
    for stream in streams:
        for segment in re.findall(rb"BT(.*?)ET", stream, re.S):
            for literal, hexed in re.findall(rb"\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f\s]+)>", segment, re.S):
                if literal:
                    text.append(decode(_unescape(literal)))
                elif hexed:
                    text.append(decode(bytes.fromhex(re.sub(rb"\s", b"", hexed).decode())))
            text.append("\n")
    return "".join(text)


def _findings(where: str, text: str) -> list[str]:
    """Each forbidden word found as a word of its own, in any case: "Demo", "demo-community-group" and "DEMO" are
    findings; "Liberal Democrat", "Democratic Unionist" and "Democracy Club" (the data's publisher) are not."""
    found = []
    for word in FORBIDDEN:
        match = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text, flags=re.IGNORECASE)
        if match:
            found.append(f"{where}: says {word!r} … {text[max(0, match.start() - 60):match.end() + 60]!r}")
    return found


@pytest.mark.slow
@pytest.mark.browser
def test_a_group_set_up_from_scratch_shows_nothing_of_the_demo(scratch_url, browser, tmp_path, data_dir):
    with SmtpSink() as sink:
        env = _env(scratch_url, tmp_path, sink.port)
        setup = _swingfund(env, "setup", "--no-input", "--name", GROUP, "--address", ADDRESS, "--sender", SENDER,
                           "--bloc-kind", "none", "--admin-username", ADMIN, "--admin-email", "amina@leedsfairvote.org",
                           "--admin-password-stdin", stdin=ADMIN_PASSWORD + "\n")
        with _served(env, tmp_path / "serve-before-import.log") as base:
            # Before any import: the pages that need an election say so in one plain sentence, with a 200 (they
            # answered 400 "election '' is not imported" under "each target seat of the , backing", and "(or
            # `swingfund demo`)").
            for path in ("/recommendations/", "/targets/"):
                with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
                    text = re.sub(r"\s+", " ", html.unescape(strip_tags(response.read().decode())))
                    assert response.status == 200, (path, response.status)
                assert NO_ELECTIONS.replace("`", "") in text.replace("`", ""), (path, text[:2000])
                assert "of the ," not in text and "''" not in text and "demo" not in text.lower(), (path, text)
        _swingfund(env, "data", "import", *(str(data_dir / name) for name in FILES), "--no-progress")
        admin_secret = re.search(r"otpauth://\S+secret=([A-Z2-7]+)", setup).group(1)
        gss = _gss(data_dir, SEAT)
        declared = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)).isoformat()
        _swingfund(env, "election", "add", ELECTION, "--baseline", BASELINE,
                   "--assumption", "The parliament runs close to its full term.")
        added = _swingfund(env, "candidates", "add", "--election", ELECTION, "--seat", gss, "--name", CANDIDATE,
                           "--party", "Labour", "--source", "https://leedsfairvote.org/news/candidates",
                           "--announced", declared, "--declared", declared)
        assert f"A candidate in law from {declared}" in added, added
        _swingfund(env, "polls", "import", str(POLL_FILE))  # the next election's forecast reads the polls
        with _served(env, tmp_path / "serve.log") as base:
            contexts = []

            def person():
                context = browser.new_context(viewport={"width": 390, "height": 844})
                contexts.append(context)
                return context.new_page()

            try:
                # -- the administrator: settings (at 390 px), the people, the voting rule, the statements ------------
                admin = person()
                _sign_in(admin, base, ADMIN, ADMIN_PASSWORD, admin_secret)
                admin.goto(f"{base}/group/settings/")
                expect(admin.locator("h1")).to_contain_text(GROUP)
                assert admin.evaluate("document.documentElement.scrollWidth") <= 390, "the settings page is wider " \
                                                                                       "than a 390 px phone"
                admin.fill("#id_privacy_contact", "privacy@leedsfairvote.org")
                admin.fill("#id_sender_email", "group@localhost")  # a mistake, refused beside its field
                admin.click("form.fields button[type=submit]")
                expect(admin.locator("#field-sender_email .field-error")).to_contain_text("on localhost")
                admin.fill("#id_sender_email", SENDER)
                admin.click("form.fields button[type=submit]")
                expect(admin.locator(".messages")).to_contain_text("Saved")

                admin.goto(f"{base}/group/roles/")
                for email, role, name in PEOPLE:
                    admin.fill("#id_invite-email", email)
                    admin.fill("#id_invite-name", name)
                    admin.select_option("#id_invite-role", role)
                    admin.click("#invite-form button[type=submit]")
                    expect(admin.locator(".messages")).to_contain_text(f"Invitation sent to {email}")
                assert admin.evaluate("document.documentElement.scrollWidth") <= 390, "the roles page is too wide"
                admin.fill("#id_rule-quorum", "2")
                admin.fill("#id_rule-approvals_required", "2")
                admin.click("#rule-form button[type=submit]")
                expect(admin.locator(".messages")).to_contain_text("Voting rule saved: quorum 2, approvals needed 2")

                admin.goto(f"{base}/scorecards/statements/")
                for title, text, agreement in STATEMENTS:
                    admin.fill("#id_new-title", title)
                    admin.fill("#id_new-text", text)
                    admin.fill("#id_new-agreement", agreement)
                    admin.click("#new-statement button[type=submit]")
                    expect(admin.locator(".messages")).to_contain_text(f"Statement “{title}” is published.")
                expect(admin.locator("section.statement")).to_have_count(5)
                assert admin.evaluate("document.documentElement.scrollWidth") <= 390, "the statements page is too wide"

                # -- each invited person follows their link and chooses a password -------------------------------
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
                admin.goto(f"{base}/group/roles/")
                for email, role, _ in PEOPLE:
                    expect(admin.locator(f'#people tr[data-role="{role}"]').first).to_be_visible()

                # -- the committee: the chair proposes a grant in one seat, two members approve ------------------
                chair = pages["chair"]
                chair.goto(f"{base}/committee/proposals/new/?seat={gss}")
                expect(chair.locator("#proposal-form h2")).to_contain_text("2029")  # the election still to come
                chair.check("input[name=kind][value=grant]")
                chair.select_option("#id_candidacy", chair.locator("#id_candidacy option", has_text=CANDIDATE)
                                    .get_attribute("value"))
                chair.fill("#id_amount_pounds", "40")
                chair.fill("#id_reason", "The candidate agrees with our five statements and the seat is marginal.")
                chair.click("#create-proposal")
                expect(chair).to_have_url(re.compile(r"/committee/proposals/\d+/$"))
                proposal_url = chair.url
                for member in (pages["committee_member"], pages["committee_member2"]):
                    member.goto(proposal_url)
                    member.check("input[name=choice][value=for]")
                    member.click("#cast-vote")
                expect(pages["committee_member2"].locator("#decision")).to_contain_text("Decision: approved")

                # -- the treasurer opens a campaign, records a gift; the grant and its notice --------------------
                treasurer = pages["treasurer"]
                treasurer.goto(f"{base}/funding/dashboard/campaign/")
                treasurer.fill("#id_title", "Back candidates who back public services")
                treasurer.fill("#id_description", "Gifts fund grants to the candidates our committee backs.")
                treasurer.fill("#id_purpose", "Grants to candidates our committee backs, for election expenses.")
                treasurer.fill("#id_goal_pounds", "5000")
                treasurer.click("#campaign-form button[type=submit]")
                expect(treasurer).to_have_url(re.compile(r"/funding/campaigns/[\w-]+/$"))
                campaign_path = treasurer.url.replace(base, "")
                slug = campaign_path.rstrip("/").rsplit("/", 1)[1]
                treasurer.goto(f"{base}/funding/dashboard/gift/")
                treasurer.select_option("select[name=campaign]", slug)
                # £50 or less is not a donation (RPA 1983 Sch 2A), so it is clean money for a grant without a donor
                # check (a larger unchecked cash gift cannot fund one: funding's grant rule)
                treasurer.fill("input[name=amount]", "50")
                treasurer.select_option("select[name=method]", "cash")
                treasurer.fill("input[name=reference]", "RECEIPT 1")
                treasurer.fill("input[name=name]", "Priya Shah")
                treasurer.fill("textarea[name=address]", "4 Kirkgate, Leeds")
                treasurer.fill("input[name=postcode]", "LS1 6BY")
                treasurer.click("main form[method=post] button[type=submit]")
                expect(treasurer.locator(".messages")).to_contain_text("Recorded gift")
                treasurer.goto(f"{base}/funding/dashboard/")
                treasurer.click("#grants-from-decisions button")
                expect(treasurer.locator(".messages")).to_contain_text("Grant #")
                grant = re.search(r"Grant #(\d+)", treasurer.inner_text(".messages")).group(1)
                notice = treasurer.request.get(f"{base}/funding/grants/{grant}/notice.pdf")
                assert notice.status == 200 and notice.body().startswith(b"%PDF-")
                notice_text = pdf_text(notice.body())
                assert "Donation notice" in notice_text and GROUP in notice_text, notice_text[:500]

                # -- what the public and the invited people were shown ---------------------------------------------
                decisions = person()
                decisions.goto(f"{base}/committee/decisions/")
                decision_links = decisions.eval_on_selector_all(
                    "a[href^='/decisions/']", "els => els.map(e => e.getAttribute('href'))")
                public = person()
                findings: list[str] = []
                for path in [*PUBLIC_PAGES, campaign_path, f"/seats/{gss}/", f"/scorecards/seat/{ELECTION}/{gss}/",
                             *sorted(set(decision_links))]:
                    response = public.goto(f"{base}{path}")
                    if response is None or response.status >= 400:
                        findings.append(f"{path}: status {response.status if response else 'none'}")
                        continue
                    findings += _findings(path, public.content())
                public.goto(f"{base}/")
                findings += _findings("the imprint", public.inner_text("footer.imprint"))
                public.goto(f"{base}/outreach/join/")
                findings += _findings("the consent wording", public.inner_text("main form"))
                for received in sink.received:
                    findings += _findings(f"the email to {received.envelope_to[0]}", received.message.as_string())
                findings += _findings("the donation-notice PDF", notice_text)
            finally:
                for context in contexts:
                    context.close()
    assert len(sink.received) == len(PEOPLE)
    assert not findings, "\n".join(findings)
