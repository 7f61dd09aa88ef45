"""`swingfund demo`: import the official data, run every capability once on it, then serve the site.

The demo lives in the future: it is centred on the next general election (`parl.2029-05-03`, added with a
provisional date and its stated assumption, forecast from the 2024 result), with the illustrative poll file and
illustrative prospective candidates. Its campaigns are open on the day it is run, its committee decides on that day
(before polling day) and its grants fall inside the illustrative candidacies (compliance/bydate.py). The past
elections stay, for backtests and for the track record: a stored 2019 notional → 2024 forecast, a rehearsal made
after the fact and labelled so (targeting/demo.py).

Each step calls the owning app's own command or demo function, in the order of DESIGN.md's flow
(elections → targeting → scorecards → committee → funding), so the demo is also a smoke test of the
whole pipeline. `--no-serve` stops before serving, for scripts; `--no-import` skips the import when the official
files are already in the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from swingfund.elections.demo_next import NEXT_ELECTION

DEMO_ELECTION = NEXT_ELECTION
DEMO_BLOC = "religion:muslim"
ORGANISER = "organiser"


class Command(BaseCommand):
    help = "Import the official data, run targeting, scorecards, committee and funding once, then serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Do everything except serve the site.")
        parser.add_argument("--no-import", action="store_true",
                            help="The official files are already imported: skip step 1.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--election", default=DEMO_ELECTION)
        parser.add_argument("--bloc", default=DEMO_BLOC)

    def handle(self, *args, no_serve: bool, addrport: str, election: str, bloc: str, no_import: bool = False,
               **options):
        if not no_import:
            self._step("1/6 Importing the official files", "data", "import", str(self._data_folder()))
        if election == NEXT_ELECTION:
            self._next_election()
        self._step(f"2/6 Top 25 target seats for {election}, bloc {bloc}", "targets",
                   "--election", election, "--bloc", bloc, "--top", "25")
        self._demo_functions(election=election, bloc=bloc)
        self._organiser_login()
        from swingfund.accounts.demo import demo_roles

        self.stdout.write(demo_roles(username=ORGANISER))
        if no_serve:
            self.stdout.write(self.style.SUCCESS("Demo data ready. Run `swingfund serve` to browse it."))
            return
        call_command("serve", addrport)

    def _data_folder(self) -> Path:
        if settings.SWINGFUND_DATA:
            folder = Path(settings.SWINGFUND_DATA)
            if not folder.is_dir():
                raise CommandError(f"SWINGFUND_DATA={folder} is not a folder of official files")
            return folder
        self.stdout.write("SWINGFUND_DATA is not set: downloading the official files into the cache.")
        call_command("data", "fetch")
        return Path(settings.SWINGFUND_CACHE)

    def _step(self, title: str, *command: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n== {title}"))
        call_command(*command, stdout=self.stdout, stderr=self.stderr)

    def _next_election(self) -> None:
        from django.utils import timezone

        from swingfund.elections.demo_next import demo_next_election, demo_polls, demo_prospective_candidates

        today = timezone.now().date()
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n== The next general election, {NEXT_ELECTION}"))
        election = demo_next_election(today=today)
        state = "provisional" if election.poll_date_provisional else "announced"
        self.stdout.write(f"{election.pk}: polling day {election.poll_date.isoformat()} ({state}), forecast from "
                          f"{election.baseline_id}. {election.date_assumption}")
        self.stdout.write(demo_polls())
        added = demo_prospective_candidates(election_id=NEXT_ELECTION, today=today)
        self.stdout.write(f"{len(added)} illustrative prospective candidates (invented people, labelled "
                          "illustrative) in the demo's target seats.")

    def _demo_functions(self, *, election: str, bloc: str) -> None:
        from django.utils import timezone

        from swingfund.committee.demo import demo_run as committee_demo
        from swingfund.funding.demo import demo_run as funding_demo
        from swingfund.scorecards.demo import demo_seed, demo_seed_next
        from swingfund.targeting.demo import demo_rehearsal_forecast

        self.stdout.write(self.style.MIGRATE_HEADING("\n== 3/6 Demo organisation, statements and evidence"))
        if election == NEXT_ELECTION:
            organisation = demo_seed_next(election_id=election, today=timezone.now().date())
        else:
            organisation = demo_seed(election_id=election)
        forecast = demo_rehearsal_forecast(organisation=organisation, bloc=bloc)
        self.stdout.write(f"Track record: stored forecast #{forecast.pk} of {forecast.election_id} from "
                          f"{forecast.base_election_id}. {forecast.inputs.get('note', '')}")
        self._step(f"4/6 Recommendations for {election}", "recommend", "--election", election, "--bloc", bloc,
                   "--organisation", organisation.slug, "--top", "15")
        self.stdout.write(self.style.MIGRATE_HEADING("\n== 5/6 Committee: proposals, votes, decisions"))
        summary = committee_demo(organisation=organisation, election_id=election, bloc=bloc)
        self.stdout.write(str(summary))
        self.stdout.write(self.style.MIGRATE_HEADING("\n== 6/6 Funding: a campaign, gifts, grants, the ledger"))
        summary = funding_demo(organisation=organisation, election_id=election)
        self.stdout.write(str(summary))
        from swingfund.reports.demo import demo_run as compliance_demo

        self.stdout.write(compliance_demo(organisation=organisation, election_id=election))
        self._step("Ledger check", "ledger", "verify")
        from swingfund.outreach.demo import demo_run as outreach_demo

        self.stdout.write(self.style.MIGRATE_HEADING("\n== Outreach: demo supporters, a segment, an approved message"))
        self.stdout.write(str(outreach_demo(organisation=organisation, election_id=election)))

    def _organiser_login(self) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=ORGANISER).exists():
            self.stdout.write(f"Organiser login: {ORGANISER} (password as printed on the first demo run).")
            return
        password = os.environ.get("SWINGFUND_DEMO_PASSWORD") or secrets.token_urlsafe(9)
        user_model.objects.create_superuser(ORGANISER, "organiser@localhost", password)
        self.stdout.write(f"Organiser login for /admin/ and the committee pages: {ORGANISER} / {password}")
