"""The law by date through the real services, on the official 2024 files: elections that have not happened yet
(`swingfund election add|date`), grants refused outside a candidacy naming the law, and a by-election worked on its
one seat. Every date is passed in (`--today`, `created_at`, `spent_at`): nothing reads the clock."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from swingfund.compliance.selectors_general import regulated_period_for
from swingfund.elections.models import Candidacy, Election, Result
from swingfund.elections.services import election_add
from swingfund.funding import ledger, services
from swingfund.funding.models import CandidateSpend, Grant
from tests.funding.conftest import approved_decision, make_donor

TODAY = "2026-12-06"
DEC_2026 = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
NEXT = "parl.2029-05-03"


def election(*args: str) -> str:
    out = io.StringIO()
    call_command("election", *args, "--today", TODAY, stdout=out)
    return out.getvalue()


def fund(campaign, pence: int, when: dt.datetime = DEC_2026) -> None:
    services.donation_record(campaign=campaign, donor=make_donor("Ann Kaur"), amount_pence=pence,
                             method="bank_transfer", reference=f"f{pence}", received_at=when)


def test_adding_the_next_election_and_moving_its_provisional_date_prints_what_changed(official_db, figures):
    added = election("add", NEXT, "--baseline", "parl.2024-07-04", "--assumption", "May 2029, as parties expect",
                     "--parliament-met", "2024-07-09")
    row = Election.objects.get(pk=NEXT)
    assert row.poll_date_provisional and row.baseline_id == "parl.2024-07-04" and row.boundary_set == "pcon2024"
    assert "Polling day: 2029-05-03, provisional (May 2029, as parties expect)" in added
    assert "Regulated period (PPERA 2000 Sch 10): 2028-05-04 – 2029-05-03" in added
    assert "Long campaign: from 2029-02-10" in added  # 9 July 2024 + 55 months, the day after
    # Spending now is counted in the period a provisional date may bring forward: from the day after 4 July 2024.
    assert regulated_period_for(election_id=NEXT) == (dt.date(2024, 7, 5), dt.date(2029, 5, 3))
    # Targets for the next election come from its baseline's result (2024), seat by seat.
    out = io.StringIO()
    call_command("targets", "--election", NEXT, "--format", "json", "--bloc", "none", "--top", "0", stdout=out)
    payload = json.loads(out.getvalue())
    rows = payload["seats"] if isinstance(payload, dict) else payload
    majorities = dict(Result.objects.filter(election_id="parl.2024-07-04")
                      .values_list("constituency__gss_code", "majority"))
    assert payload["election"] == NEXT and len(rows) == len(majorities) == 650
    assert all(r["majority"] == majorities[r.get("gss_code") or r["code"]] for r in rows)
    moved = election("date", NEXT, "2027-05-06")
    assert "Changed Regulated period (PPERA 2000 Sch 10): 2028-05-04 – 2029-05-03 → 2026-05-07 – 2027-05-06" in moved
    assert "Changed Long campaign: from 2029-02-10" in moved and "→ none: polling day is before 2029-02-10" in moved
    assert "Changed Close of Nominations" in moved
    assert Election.objects.get(pk=NEXT).poll_date == dt.date(2027, 5, 6)
    assert regulated_period_for(election_id=NEXT) == (dt.date(2024, 7, 5), dt.date(2027, 5, 6))
    assert "No date-derived figure changed." in election("date", NEXT, "2027-05-06")


def test_bad_election_input_names_the_problem_and_writes_nothing(official_db, figures):
    for args, expected in (
        (("add", "parl.2029-13-45", "--baseline", "parl.2024-07-04"), "not a Democracy Club election id"),
        (("add", NEXT, "--baseline", "parl.2031-01-01"), "Baseline election 'parl.2031-01-01' is not imported"),
        (("add", "parl.2025-05-01", "--baseline", "parl.2024-07-04"), "is not after today (2026-12-06)"),
        (("add", "parl.no-such-seat.by.2027-03-04", "--baseline", "parl.2024-07-04"), "no-such-seat"),
        (("add", "local.leeds.2027-05-06", "--baseline", "parl.2024-07-04"), "not a UK Parliamentary election id"),
    ):
        with pytest.raises(CommandError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            election(*args)
    assert not Election.objects.filter(baseline__isnull=False).exists()


def test_grants_to_a_2024_candidate_and_to_a_sitting_mp_in_december_2026_are_refused_naming_the_law(
        pooled, candidacies):
    winner, runner_up = candidacies  # the first seat's winner (an MP since) and its runner-up
    assert winner.elected and not runner_up.elected
    fund(pooled, 500_000)
    with pytest.raises(ValueError) as refused:
        services.grant_create(campaign=pooled, candidacy=runner_up, amount_pence=100_000, reason="r",
                             created_at=DEC_2026)
    assert "polling day was 2024-07-04" in str(refused.value) and "2024-08-01" in str(refused.value)
    assert "Representation of the People Act 1983, Schedule 2A" in str(refused.value)
    with pytest.raises(ValueError) as refused:
        services.grant_create(campaign=pooled, candidacy=winner, amount_pence=100_000, reason="r",
                             created_at=DEC_2026)
    assert "is a sitting MP" in str(refused.value) and "Schedule 7" in str(refused.value)
    assert "writes no agent's notice" in str(refused.value)
    assert Grant.objects.count() == 0 and not ledger.LedgerTransaction.objects.filter(kind="grant").exists()


def test_s75_spending_before_anyone_was_a_candidate_is_refused_naming_s75(pooled, candidacy):
    fund(pooled, 100_000, dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    for day in (dt.datetime(2024, 1, 15, tzinfo=dt.UTC), DEC_2026):
        with pytest.raises(ValueError, match=r"Representation of the People Act 1983, s\.75"):
            services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="leaflet",
                                            description="Leaflet backing the candidate", amount_pence=10_000,
                                            spent_at=day)
    assert CandidateSpend.objects.count() == 0


def test_a_grant_to_a_declared_candidate_at_the_next_election_is_made(pooled, candidacy):
    election_add(election_id=NEXT, baseline_id="parl.2024-07-04", today=DEC_2026.date())
    declared = Candidacy.objects.create(election_id=NEXT, constituency=candidacy.constituency,
                                        person_name="Dana Declared", party=candidacy.party,
                                        became_candidate_on=dt.date(2026, 11, 1), source=candidacy.source)
    fund(pooled, 200_000)
    grant = services.grant_create(campaign=pooled, candidacy=declared, amount_pence=100_000, reason="r",
                                  created_at=DEC_2026)
    assert grant.amount_pence == 100_000
    undeclared = Candidacy.objects.create(election_id=NEXT, constituency=candidacy.constituency,
                                          person_name="Una Undeclared", source=candidacy.source)
    with pytest.raises(ValueError, match=r"s\.118A"):
        services.grant_create(campaign=pooled, candidacy=undeclared, amount_pence=50_000, reason="r",
                             created_at=DEC_2026)


def test_a_by_election_works_on_its_one_seat_alone(pooled, candidacy, organisation, django_user_model):
    seat = candidacy.constituency
    from django.utils.text import slugify

    ballot = f"parl.{slugify(seat.name.replace('&', 'and'))}.by.2027-03-04"
    election("add", ballot, "--baseline", "parl.2024-07-04", "--announced")
    by = Election.objects.get(pk=ballot)
    assert (by.kind, by.seat_id, by.poll_date_provisional) == ("by", seat.pk, False)
    # Targets: the one seat, from its 2024 result (the baseline), never another seat.
    out = io.StringIO()
    call_command("targets", "--election", ballot, "--format", "json", "--bloc", "none", "--top", "0", stdout=out)
    rows = json.loads(out.getvalue())
    rows = rows["seats"] if isinstance(rows, dict) else rows
    assert [r.get("gss_code") or r.get("code") for r in rows] == [seat.gss_code]
    baseline = Result.objects.get(election_id="parl.2024-07-04", constituency=seat)
    assert rows[0]["majority"] == baseline.majority
    # Committee and grant: a candidate at the by-election, declared on 1 February 2027, backed and paid.
    standing = Candidacy.objects.create(election=by, constituency=seat, person_name="Bea By", party=candidacy.party,
                                        became_candidate_on=dt.date(2027, 2, 1), source=candidacy.source)
    # Recommendations: the rule runs on that seat alone, over the by-election's own candidacies: the one
    # candidate who agrees with the group's statement is backed.
    from swingfund.elections.models import Person
    from swingfund.scorecards import services as scorecards
    from swingfund.scorecards.recommendations import recommendations

    standing.person = Person.objects.create(name="Bea By")
    standing.save(update_fields=["person"])
    rival = Candidacy.objects.filter(election_id="parl.2024-07-04", constituency=seat).order_by("-votes")[1]
    rob = Candidacy.objects.create(election=by, constituency=seat, person=Person.objects.create(name="Rob Rival"),
                                   person_name="Rob Rival", party=rival.party,
                                   became_candidate_on=dt.date(2027, 2, 1), source=candidacy.source)
    version = scorecards.statement_create(organisation=organisation, slug="fair-votes", title="Fair votes",
                                          text="Elections should be fair.", agreement="Agree")
    scorecards.evidence_record(statement_version=version, person=standing.person, kind="public_statement",
                               stance="agree", date=dt.date(2027, 2, 2), source_url="https://example.org/bea",
                               candidacy=standing)
    scorecards.evidence_record(statement_version=version, person=rob.person, kind="public_statement",
                               stance="disagree", date=dt.date(2027, 2, 2), source_url="https://example.org/rob",
                               candidacy=rob)
    recs = recommendations(organisation=organisation, election_id=ballot)
    assert [(r.gss_code, r.election_id, r.majority, r.action) for r in recs] == [
        (seat.gss_code, ballot, baseline.majority, "back")]
    decision = approved_decision(organisation, standing, django_user_model)
    assert decision.proposal.election_id == ballot and decision.proposal.constituency_id == seat.pk
    fund(pooled, 200_000)
    in_campaign = dt.datetime(2027, 2, 10, 12, 0, tzinfo=dt.UTC)
    grant = services.grant_create_from_decision(decision=decision, campaign=pooled, created_at=in_campaign)
    assert grant.candidacy_id == standing.pk and grant.amount_pence == 100_000
    # A by-election has no regulated period for general campaigning: spending cannot be booked against it.
    with pytest.raises(ValueError, match="not '" + ballot.replace(".", r"\.")):
        regulated_period_for(election_id=ballot)


def test_a_democracy_club_candidates_file_for_an_added_future_election_is_imported(official_db, figures, tmp_path):
    from swingfund.elections.errors import ImportFailure
    from swingfund.elections.models import Person
    from swingfund.elections.services import file_import

    header = ("person_id,person_name,election_id,ballot_paper_id,election_date,election_current,party_name,"
              "party_id,post_label,cancelled_poll,seats_contested\n")
    row = "{pid},{name},{eid},parl.aberafan-maesteg.2029-05-03,2029-05-03,t,Labour Party,PP53,Aberafan Maesteg,f,1\n"
    path = tmp_path / "democracyclub-candidates-next.csv"
    path.write_text(header + row.format(pid=4252, name="Stephen Kinnock", eid=NEXT)
                    + row.format(pid=999999, name="Nobody Known", eid=NEXT), encoding="utf-8")
    with pytest.raises(ImportFailure, match="parl.2029-05-03 is not in the database"):  # not added yet: refused
        file_import(path=path, progress=False)
    election_add(election_id=NEXT, baseline_id="parl.2024-07-04", today=DEC_2026.date())
    seat = Result.objects.get(election_id="parl.2024-07-04", constituency__name="Aberafan Maesteg").constituency
    source = Result.objects.get(election_id="parl.2024-07-04", constituency=seat).source
    Candidacy.objects.create(election_id=NEXT, constituency=seat, person=Person.objects.get(dc_person_id=4252),
                             person_name="Stephen Kinnock", source=source)
    summary = file_import(path=path, progress=False)
    # Reconciled (elections/importers/democracy_club.py): the candidacy entered by hand is matched by Democracy
    # Club's person id and kept, not doubled; the person Democracy Club lists and nobody entered is added.
    assert (summary.rows, summary.written, summary.elections) == (2, 2, {NEXT})
    assert summary.source_key == f"democracyclub-candidates-{NEXT}"
    assert Candidacy.objects.filter(election_id=NEXT, person__dc_person_id=4252).count() == 1
    assert Candidacy.objects.filter(election_id=NEXT, person_name="Nobody Known").count() == 1
