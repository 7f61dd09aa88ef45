"""The demo's next general election: `parl.2029-05-03`, added as an election that has not happened yet, with a
provisional polling day and the assumption behind it stated, forecast from the 2024 result; the illustrative poll
file; and ILLUSTRATIVE prospective candidates.

Honesty first: the prospective candidates below are invented people. Their names are not real candidates; each
candidacy is stored with `illustrative=True` (every page and command labels it "illustrative") and its source URL
is on the reserved example.org domain, not an announcement. The seats and parties are real (2024's top two in each).

Every function is safe to repeat: it updates the same rows and adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from swingfund.elections.models import Candidacy, Election

NEXT_ELECTION = "parl.2029-05-03"
NEXT_BASELINE = "parl.2024-07-04"
NEXT_ASSUMPTION = (
    "Illustrative assumption: the 2024 parliament runs close to its full term and the poll is on the first Thursday "
    "of May 2029, with local elections. It must be held by August 2029 (dissolution 5 years after it first met)."
)
PARLIAMENT_FIRST_MET = dt.date(2024, 7, 9)
ILLUSTRATIVE_SOURCE = "https://example.org/swingfund-demo/illustrative-candidates"  # reserved domain: no real page
DECLARED_DAYS_AGO = 5
"""The illustrative candidates declared themselves candidates this many days before the demo is run (their
`became_candidate_on`), so a grant made on the day it is run falls inside their candidacy (compliance/bydate.py)."""
POLL_FILE = Path(__file__).resolve().parent / "demo" / "illustrative-polls.csv"

# (GSS code, seat, invented name, party as the Commons Library file names it). ILLUSTRATIVE ONLY: invented people.
ILLUSTRATIVE_CANDIDATES = [
    ("E14001102", "Blackburn", "Farah Siddiqui", "Independent"),
    ("E14001102", "Blackburn", "Daniel Hargreaves", "Labour"),
    ("E14001098", "Birmingham Perry Barr", "Yasmin Choudhury", "Independent"),
    ("E14001098", "Birmingham Perry Barr", "Owen Pritchard", "Labour"),
    ("E14001327", "Leicester South", "Hamza Mistry", "Independent"),
    ("E14001327", "Leicester South", "Grace Whitmore", "Labour"),
    ("E14001300", "Ilford North", "Ruth Adeyemi", "Labour"),
    ("E14001300", "Ilford North", "Nadia Karim", "Independent"),
    ("E14001120", "Bradford West", "Imran Aziz", "Labour"),
    ("E14001120", "Bradford West", "Laila Haque", "Green"),
    ("E14001305", "Islington North", "Joseph Marsh", "Independent"),
    ("E14001305", "Islington North", "Helen Okoro", "Labour"),
]


def demo_next_election(*, today: dt.date) -> Election:
    """The next general election, added once (provisional date, stated assumption, baseline 2024)."""
    from swingfund.elections.services import election_add

    election = Election.objects.filter(pk=NEXT_ELECTION).first()
    if election is not None:
        return election
    _, election = election_add(election_id=NEXT_ELECTION, baseline_id=NEXT_BASELINE, today=today,
                               provisional=True, date_assumption=NEXT_ASSUMPTION,
                               parliament_first_met=PARLIAMENT_FIRST_MET)
    return election


def demo_polls() -> str:
    """Import the illustrative poll file (one call; skipped with a note until the poll importer and its file
    exist in this build)."""
    try:
        from swingfund.elections.services import polls_import
    except ImportError:
        return "Polls: this build has no poll importer yet; the forecast starts from the 2024 result."
    if not POLL_FILE.exists():
        return f"Polls: {POLL_FILE.name} is missing; the forecast starts from the 2024 result."
    summary = polls_import(path=POLL_FILE, progress=False)
    return f"Polls: {POLL_FILE.name} (illustrative) imported: {summary}"


@transaction.atomic
def demo_prospective_candidates(*, election_id: str = NEXT_ELECTION, today: dt.date) -> list[Candidacy]:
    """The illustrative prospective candidates, each declared (`became_candidate_on`) a few days before today."""
    from swingfund.elections.candidacies import candidacy_add

    declared = today - dt.timedelta(days=DECLARED_DAYS_AGO)
    out = []
    for gss, _seat, name, party in ILLUSTRATIVE_CANDIDATES:
        candidacy = (Candidacy.objects.filter(election_id=election_id, constituency__gss_code=gss, person_name=name)
                     .first())
        if candidacy is None:
            candidacy, _ = candidacy_add(election_id=election_id, seat=gss, name=name, party=party,
                                         source_url=ILLUSTRATIVE_SOURCE, announced=declared, illustrative=True)
        if candidacy.became_candidate_on is None:
            # No service records the day a person became a candidate yet; the demo writes its own invented rows.
            Candidacy.objects.filter(pk=candidacy.pk).update(became_candidate_on=declared)
            candidacy.became_candidate_on = declared
        out.append(candidacy)
    return out
