"""A demo organisation: the five statements of the real group that inspired swingfund, and ILLUSTRATIVE
evidence for a handful of real 2024 candidacies in seats that targeting ranks highly.

Honesty first: the stances below are invented for the demo. They are NOT a coding of what these candidates
said or did. Every demo evidence row says so in its summary and note ("DEMO DATA"), the organisation is marked
`demo=True` (pages show a banner), and each source URL is the candidate's public Democracy Club page on
WhoCanIVoteFor — a real page where a reader can see the candidate, not a source for the invented stance.
The seats and candidacies are real (House of Commons Library 2024 results, with Democracy Club ids).

`demo_seed()` is idempotent: running it again updates the same rows and adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from swingfund.elections.models import Candidacy
from swingfund.organisations.models import Organisation

from . import services
from .models import Statement, StatementVersion

DEMO_SLUG = "demo-community-group"
DEMO_NAME = "Demo Community Group"
# The demo's identity, written to its organisation row (illustrative: `check --deploy` refuses it on a real site).
DEMO_IDENTITY = {
    "name": DEMO_NAME,
    "address": "1 Example Street\nLondon\nN1 1AA",
    "sender_email": "demo@example.org",
    "privacy_contact": "privacy@example.org",
}
DEMO_ELECTION = "parl.2024-07-04"
DEMO_BLOC = "religion:muslim"
"""The demo group's own defaults: the 2024 general election and a census bloc. Product code reads a group's
defaults from its organisation row; only the demo writes these values."""
DEMO_DATE = dt.date(2024, 6, 20)
DEMO_NOTE = (
    "DEMO DATA — an illustrative coding invented for the swingfund demo. It is not a real assessment "
    "of this candidate's views or record; the link is the candidate's public profile, not a source."
)
PROFILE_URL = "https://whocanivotefor.co.uk/person/{dc_id}/"
ERROR_NOT_IMPORTED = (
    "the demo needs the 2024 results by candidate: run `swingfund data import` on "
    "HoC-GE2024-results-by-candidate.csv first (missing: {missing})"
)

STATEMENTS = [
    (
        "anti-minority-sentiment",
        "Tackle rising anti-minority sentiment",
        "Hatred and hostility towards minorities are rising. We ask candidates to commit to tackling it: in what "
        "they say, how they vote and what they fund.",
        "The candidate commits publicly, or votes, to tackle anti-minority hostility.",
    ),
    (
        "minority-rights",
        "Stand up for minority rights",
        "Equal rights for minorities — to worship, dress, organise and speak — are not negotiable.",
        "The candidate commits to defend minority rights when they are challenged, including by their own party.",
    ),
    (
        "socio-economic-reform",
        "Socio-economic reform",
        "Deprivation falls hardest on our communities. We ask for reform of the economy that serves them.",
        "The candidate supports concrete measures to reduce poverty and deprivation in the seat.",
    ),
    (
        "fair-media-reporting",
        "Fair media reporting of minorities",
        "Misreporting feeds hostility. We ask candidates to support fair, accurate reporting of minorities.",
        "The candidate supports stronger standards against inaccurate reporting about minorities.",
    ),
    (
        "independent-review",
        "An independent review of a government programme",
        "A government programme that targets communities should be independently reviewed.",
        "The candidate supports an independent review of the programme.",
    ),
]

A, M, U = "agree", "mixed", "unknown"
ALL = (A, A, A, A, A)
# (GSS code, Democracy Club person id, name on the ballot, stances on the five statements). ILLUSTRATIVE ONLY.
DEMO_CODINGS = [
    ("E14001305", 1120, "Jeremy Corbyn", ALL),
    ("E14001305", 90828, "Praful Nargund", ALL),
    ("E14001120", 6528, "Naz Shah", ALL),
    ("E14001120", 94087, "Muhammed Islam", (A, A, M, A, M)),
    ("E14001096", 216, "Shabana Mahmood", (A, M, A, M, A)),
    ("E14001096", 111512, "Akhmed Yakoob", ALL),
    ("E14001098", 3670, "Ayoub Khan", ALL),
    ("E14001098", 3367, "Khalid Mahmood", ALL),
    ("E14001327", 113373, "Shockat Adam", ALL),
    ("E14001327", 5545, "Jonathan Ashworth", (A, A, M, M, A)),
    ("E14001102", 117062, "Adnan Hussain", ALL),
    ("E14001102", 4269, "Kate Hollern", ALL),
    ("E14001102", 116127, "Craig Murray", ALL),
    ("E14001196", 117203, "Iqbal Mohamed", (A, A, U, A, U)),
    ("E14001196", 116853, "Heather Iqbal", ALL),
    ("E14001300", 4360, "Wes Streeting", (A, M, A, M, M)),
    ("E14001300", 116038, "Leanne Mohamad", ALL),
]


def _statements(organisation: Organisation) -> list[StatementVersion]:
    versions = []
    for position, (slug, title, text, agreement) in enumerate(STATEMENTS):
        statement = Statement.objects.filter(organisation=organisation, slug=slug).first()
        if statement is None:
            versions.append(
                services.statement_create(
                    organisation=organisation, slug=slug, title=title, text=text, agreement=agreement, position=position
                )
            )
        else:
            versions.append(services.statement_current(organisation=organisation, slug=slug))
    return versions


# The illustrative prospective candidates of the demo's next election (elections/demo_next.py: invented people),
# by (GSS code, name): their ILLUSTRATIVE stances on the five statements.
NEXT_CODINGS = {
    ("E14001102", "Farah Siddiqui"): ALL,
    ("E14001102", "Daniel Hargreaves"): (A, A, M, A, M),
    ("E14001098", "Yasmin Choudhury"): ALL,
    ("E14001098", "Owen Pritchard"): (A, M, A, M, U),
    ("E14001327", "Hamza Mistry"): ALL,
    ("E14001327", "Grace Whitmore"): (A, A, M, M, A),
    ("E14001300", "Ruth Adeyemi"): (A, M, A, M, M),
    ("E14001300", "Nadia Karim"): ALL,
    ("E14001120", "Imran Aziz"): ALL,
    ("E14001120", "Laila Haque"): (A, A, U, A, U),
    ("E14001305", "Joseph Marsh"): ALL,
    ("E14001305", "Helen Okoro"): ALL,
}
NEXT_NOTE = (
    "DEMO DATA — an illustrative coding of an invented prospective candidate, made up for the swingfund demo. "
    "Neither the person nor the stance is real."
)


def _organisation(election_id: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=DEMO_SLUG, defaults={**DEMO_IDENTITY, "demo": True, "standard_grant_pence": 100_000,
                                  "default_election": election_id, "bloc_kind": "census", "bloc": DEMO_BLOC},
    )
    return organisation


@transaction.atomic
def demo_seed_next(*, election_id: str, today: dt.date) -> Organisation:
    """The demo organisation for the next election: its defaults point at `election_id`, its five statements, and
    illustrative evidence for the illustrative prospective candidates (elections/demo_next.py), dated a day after
    they declared."""
    organisation = _organisation(election_id)
    if organisation.default_election != election_id:
        organisation.default_election = election_id
        organisation.save(update_fields=["default_election"])
    versions = _statements(organisation)
    candidacies = Candidacy.objects.filter(election_id=election_id, illustrative=True).select_related(
        "person", "constituency")
    persons = set()
    for candidacy in candidacies:
        stances = NEXT_CODINGS.get((candidacy.constituency.gss_code, candidacy.person_name))
        if stances is None or candidacy.person is None:
            continue
        day = min(today, (candidacy.became_candidate_on or today) + dt.timedelta(days=1))
        for version, stance in zip(versions, stances, strict=True):
            services.evidence_record(
                statement_version=version, person=candidacy.person, candidacy=candidacy, kind="pledge",
                stance=stance, date=day, source_url=candidacy.source_url,
                summary=f"DEMO DATA: illustrative pledge-survey answer of an invented candidate ({stance}).",
                note=NEXT_NOTE, recorded_via="scorecards.demo.demo_seed_next", replace_same_source=True,
            )
        persons.add(candidacy.person_id)
    services.scores_recompute(organisation=organisation, persons=persons)
    return organisation


@transaction.atomic
def demo_seed(*, election_id: str = DEMO_ELECTION) -> Organisation:
    """Create (or refresh) the demo organisation, its five statements and the illustrative evidence."""
    organisation = _organisation(DEMO_ELECTION)
    changed = [name for name, value in DEMO_IDENTITY.items() if not getattr(organisation, name)]
    for name in changed:  # a demo database from before the identity moved to the row: fill what is empty
        setattr(organisation, name, DEMO_IDENTITY[name])
    if not organisation.default_election:  # likewise the demo's own defaults
        organisation.default_election, organisation.bloc_kind, organisation.bloc = DEMO_ELECTION, "census", DEMO_BLOC
        changed += ["default_election", "bloc_kind", "bloc"]
    if changed:
        organisation.save(update_fields=changed)
    versions = _statements(organisation)
    candidacies = {
        c.person.dc_person_id: c
        for c in Candidacy.objects.filter(
            election_id=election_id, person__dc_person_id__in=[d[1] for d in DEMO_CODINGS]
        ).select_related("person", "constituency")
    }
    missing = [name for _, dc_id, name, _ in DEMO_CODINGS if dc_id not in candidacies]
    if missing:
        raise ValueError(ERROR_NOT_IMPORTED.format(missing=", ".join(missing)))
    persons = set()
    for gss, dc_id, name, stances in DEMO_CODINGS:
        candidacy = candidacies[dc_id]
        if candidacy.constituency.gss_code != gss:
            raise ValueError(f"demo data out of date: {name} (DC {dc_id}) does not stand in {gss}")
        for version, stance in zip(versions, stances, strict=True):
            services.evidence_record(
                statement_version=version,
                person=candidacy.person,
                candidacy=candidacy,
                kind="pledge",
                stance=stance,
                date=DEMO_DATE,
                source_url=PROFILE_URL.format(dc_id=dc_id),
                summary=f"DEMO DATA: illustrative pledge-survey answer ({stance}).",
                note=DEMO_NOTE,
                recorded_via="scorecards.demo.demo_seed",
                replace_same_source=True,
            )
        persons.add(candidacy.person_id)
    services.scores_recompute(organisation=organisation, persons=persons)
    return organisation
