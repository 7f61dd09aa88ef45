"""Prospective candidates for an election still to come: by hand, by CSV (every bad line named, nothing written),
Democracy Club's list reconciled by person id (two people of one name kept apart; a sitting MP keeps their record
and Commons-vote evidence), and a withdrawn candidacy marked, never deleted."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from swingfund.elections import candidacies as cands
from swingfund.elections.candidacies import CandidacyError, candidacies_import, candidacy_add, candidacy_status_set
from swingfund.elections.importers.democracy_club import FORWARD_SHARED_NAME
from swingfund.elections.models import Candidacy, DataSource, Election, Person
from swingfund.elections.services import file_import

NEXT = "parl.2028-10-05"
ISLINGTON_NORTH = "E14001305"
BURNLEY, BURY_NORTH = "E14001142", "E14001144"
URL = "https://example.org/news/selected"
DC_HEADER = "person_id,person_name,election_id,ballot_paper_id,election_date,election_current,party_name,party_id," \
            "post_label,cancelled_poll,seats_contested,email\n"


@pytest.fixture
def next_election(official_db) -> Election:
    source = DataSource.objects.create(key="test-next", title="t", publisher="tests", file_name="-", sha256="",
                                       imported_at=timezone.now())
    return Election.objects.create(id=NEXT, name="Next UK general election (tests)", poll_date=dt.date(2028, 10, 5),
                                   boundary_set="pcon2024", source=source)


def add(name: str, seat: str, party: str = "Labour", **kw) -> Candidacy:
    candidacy, _ = candidacy_add(election_id=NEXT, seat=seat, name=name, party=party, source_url=URL,
                                 announced="2026-11-20", **kw)
    return candidacy


EC_IDS = {"Labour Party": "PP53", "Conservative and Unionist Party": "PP52", "Liberal Democrats": "PP90",
          "Green Party": "PP63"}


def dc_file(tmp_path, rows: list[tuple[int, str, str, str]], election: str = NEXT):
    path = tmp_path / "dc-candidates.csv"
    lines = [f'{pid},{name},{election},parl.x.{election[5:]},{election[5:]},t,{party},{EC_IDS.get(party, "")},'
             f'"{seat}",f,1,{email}\n'
             for pid, name, seat, party, email in [(*r[:4], r[4] if len(r) > 4 else "") for r in rows]]
    path.write_text(DC_HEADER + "".join(lines), encoding="utf-8")
    return path


def test_by_hand_a_new_person_with_announcement(next_election):
    before = Person.objects.count()
    c = add("Asha Patel", "Islington North")
    c.refresh_from_db()
    assert (c.constituency.gss_code, c.election_id, c.person_name, c.party.name) == (ISLINGTON_NORTH, NEXT,
                                                                                      "Asha Patel", "Labour")
    assert (c.status, c.source_url, c.announced_on, c.votes) == ("standing", URL, dt.date(2026, 11, 20), None)
    assert c.person.dc_person_id is None and Person.objects.count() == before + 1
    with pytest.raises(CandidacyError, match="already a candidate in Islington North"):
        add("asha  PATEL", ISLINGTON_NORTH)
    assert Candidacy.objects.filter(election=next_election).count() == 1


@pytest.mark.parametrize(("kw", "expected"), [
    ({"seat": "Atlantis"}, "'Atlantis' is not a pcon2024 seat"),
    ({"source_url": "not a url"}, "'not a url' is not a valid http(s) URL"),
    ({"announced": "20/11/2026"}, "'20/11/2026' is not a date"),
    ({"announced": "2099-01-01"}, "2099-01-01 is after today"),
    ({"name": "  "}, "name is blank"),
    ({"election_id": "parl.2024-07-04"}, "parl.2024-07-04 polled on 2024-07-04"),
    ({"election_id": "parl.2031-01-01"}, "no election 'parl.2031-01-01'"),
])
def test_by_hand_refusals_name_the_problem_and_write_nothing(next_election, kw, expected):
    args = {"election_id": NEXT, "seat": BURNLEY, "name": "Kim Ode", "party": "Labour", "source_url": URL,
            "announced": "2026-11-20", **kw}
    before = Candidacy.objects.count(), Person.objects.count()
    with pytest.raises(CandidacyError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        candidacy_add(**args)
    assert (Candidacy.objects.count(), Person.objects.count()) == before


def test_a_sitting_mp_standing_again_keeps_their_record_and_vote_evidence(next_election, tmp_path):
    from swingfund.scorecards import services as sc

    mp_2024 = Candidacy.objects.get(election_id="parl.2024-07-04", constituency__gss_code=ISLINGTON_NORTH,
                                    elected=True).person
    assert mp_2024.dc_person_id == 1120 and mp_2024.mnis_id == 185  # from the HoC file's own columns
    org = sc.organisation_create(name="Test group", slug="test-group")
    version = sc.statement_create(organisation=org, slug="rights", title="Rights", text="t", agreement="a")
    sc.division_map(statement_version=version, division_id="cd-1", date=dt.date(2023, 3, 1), agree_when="aye",
                    important=True)
    from swingfund.scorecards.models import Division, Evidence
    sc.evidence_record_vote(statement_version=version, person=mp_2024, division=Division.objects.get(),
                            vote="aye", source_url="https://votes.parliament.uk/votes/commons/division/1")

    candidacy, note = candidacy_add(election_id=NEXT, seat=ISLINGTON_NORTH, name="Jeremy Corbyn",
                                    party="Independent", source_url=URL, announced="2026-11-01")
    assert candidacy.person_id == mp_2024.pk and "sitting MP" in note
    summary = file_import(path=dc_file(tmp_path, [(1120, "Jeremy Corbyn", "Islington North", "Independent")]),
                          progress=False)
    assert summary.written == 1 and summary.source_key == f"democracyclub-candidates-{NEXT}"
    standing = Candidacy.objects.get(election=next_election)
    assert standing.pk == candidacy.pk and standing.person_id == mp_2024.pk
    assert list(Evidence.objects.filter(person=mp_2024).values_list("kind", "stance")) == [("division", "agree")]


def test_democracy_club_reconciles_by_person_id_never_by_a_shared_name(next_election, tmp_path):
    burnley = add("David Jones", BURNLEY)
    bury = add("David Jones", BURY_NORTH, party="Conservative")
    shared = add("Sam Lee", ISLINGTON_NORTH, party="Green")
    gone = add("Pat Kay", ISLINGTON_NORTH, party="Reform UK")
    rows = [
        (900002, "David Jones", "Bury North", "Conservative and Unionist Party", "dj@example.org"),
        (900001, "David Jones", "Burnley", "Labour Party"),
        (900003, "Sam Lee", "Islington North", "Green Party"),
        (900004, "Sam Lee", "Islington North", "Liberal Democrats"),
        (900005, "Nia New", "Burnley", "Liberal Democrats"),
    ]
    summary = file_import(path=dc_file(tmp_path, rows), progress=False)

    burnley.refresh_from_db(), bury.refresh_from_db(), shared.refresh_from_db()
    assert (burnley.person.dc_person_id, bury.person.dc_person_id) == (900001, 900002)
    assert bury.contact_email == "dj@example.org"
    # Two Sam Lees in one seat: neither is matched to the hand-entered one by name, and neither is guessed.
    assert shared.person.dc_person_id is None
    assert not Person.objects.filter(dc_person_id__in=[900003, 900004]).exists()
    shared_warning = FORWARD_SHARED_NAME.split("{name}")[1].split("{count}")[0]
    assert sum(shared_warning.format(seat="Islington North") in w for w in summary.warnings) == 2
    # A newcomer is created; the one Democracy Club does not list is reported, not deleted.
    new = Candidacy.objects.get(election=next_election, person__dc_person_id=900005)
    assert (new.constituency.gss_code, new.status) == (BURNLEY, "standing")
    assert (new.party.name, new.party.ec_id) == ("Liberal Democrat", "PP90")  # the HoC file's party, by EC id
    assert any("Pat Kay" in w and f"#{gone.pk}" in w for w in summary.warnings)
    assert Candidacy.objects.filter(election=next_election).count() == 5

    # Once the organiser links the hand-entered Sam Lee to his id, a second import matches him by it.
    cands.candidacy_link(candidacy_id=shared.pk, dc_person_id=900004)
    again = file_import(path=dc_file(tmp_path, rows), progress=False)
    shared.refresh_from_db()
    assert shared.person.dc_person_id == 900004
    other = Candidacy.objects.get(election=next_election, person__dc_person_id=900003)
    assert other.pk != shared.pk and other.person_name == "Sam Lee"
    assert Candidacy.objects.filter(election=next_election).count() == 6
    assert again.written == 6 - 1  # Pat Kay is still not on the list


def test_withdrawn_is_marked_never_deleted(next_election, tmp_path):
    c = add("Pat Kay", BURNLEY)
    with pytest.raises(CandidacyError, match="needs the URL"):
        candidacy_status_set(candidacy_id=c.pk, status="withdrawn")
    candidacy_status_set(candidacy_id=c.pk, status="withdrawn", on=dt.date(2026, 12, 1),
                         source_url="https://example.org/news/withdrawn")
    c.refresh_from_db()
    assert (c.status, c.status_changed_on, c.status_source_url) == ("withdrawn", dt.date(2026, 12, 1),
                                                                     "https://example.org/news/withdrawn")
    summary = file_import(path=dc_file(tmp_path, [(900009, "Nia New", "Burnley", "Green Party")]), progress=False)
    assert Candidacy.objects.filter(pk=c.pk, status="withdrawn").exists()
    assert not any("Pat Kay" in w for w in summary.warnings)  # withdrawn: not asked about again


def test_csv_import_names_every_bad_line_and_writes_nothing(next_election, tmp_path):
    bad = tmp_path / "prospective.csv"
    bad.write_text(
        "Name,Party,Seat,Source URL,Date announced\n"
        f"Asha Patel,Labour,{ISLINGTON_NORTH},{URL},2026-11-20\n"
        f"Ben Ode,Green,Atlantis,{URL},2026-11-21\n"
        f"Cy Dee,Reform UK,Burnley,{URL},21 Nov\n"
        "Di Eve,Labour,Bury North,ftp://x,2026-11-22\n"
        f"Asha Patel,Labour,islington north,{URL},2026-11-23\n",
        encoding="utf-8",
    )
    with pytest.raises(CandidacyError) as caught:
        candidacies_import(path=bad, election_id=NEXT)
    assert caught.value.problems == [
        "prospective.csv:3: column Seat: 'Atlantis' is not a pcon2024 seat: give its GSS code (e.g. E14001305) or "
        "its exact name",
        "prospective.csv:4: column Date announced: '21 Nov' is not a date: write it as YYYY-MM-DD",
        "prospective.csv:5: column Source URL: 'ftp://x' is not a valid http(s) URL: give the page where the "
        "candidacy was announced",
        "prospective.csv:6: column Name: the same candidate in the same seat as line 2",
    ]
    assert not Candidacy.objects.filter(election=next_election).exists()

    good = tmp_path / "fixed.csv"
    good.write_text(
        "name,party,seat,source_url,date_announced\n"
        f"Asha Patel,Labour,{ISLINGTON_NORTH},{URL},2026-11-20\n"
        f"Ben Ode,PP63,Burnley,{URL},2026-11-21\n"
        f"Jeremy Corbyn,Independent,Islington North,{URL},2026-11-02\n",
        encoding="utf-8",
    )
    report = candidacies_import(path=good, election_id=NEXT, illustrative=True)
    assert (len(report.created), len(report.updated)) == (3, 0)
    assert report.notes == ["line 4: Jeremy Corbyn is the sitting MP for Islington North: linked to their existing "
                            "record"]
    assert set(Candidacy.objects.filter(election=next_election).values_list("illustrative", flat=True)) == {True}
    assert Candidacy.objects.get(election=next_election, person_name="Ben Ode").party.abbreviation == "Green"
    again = candidacies_import(path=good, election_id=NEXT, illustrative=True)
    assert (len(again.created), len(again.updated)) == (0, 3)
    assert Candidacy.objects.filter(election=next_election).count() == 3
    with_id = tmp_path / "with-id.csv"
    with_id.write_text("name,party,seat,source_url,date_announced,dc_person_id\n"
                       f"Asha Patel,Labour,{ISLINGTON_NORTH},{URL},2026-11-20,900100\n", encoding="utf-8")
    given = candidacies_import(path=with_id, election_id=NEXT)
    assert (len(given.created), len(given.updated)) == (0, 1)
    assert Candidacy.objects.get(election=next_election, person_name="Asha Patel").person.dc_person_id == 900100


def test_the_candidates_command_adds_imports_and_exits_2_on_bad_input(next_election, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("candidates", "add", "--election", NEXT, "--seat", BURNLEY, "--name", "Kim Ode", "--party", "Labour",
                 "--source", URL, "--announced", "2026-11-20", stdout=out)
    added = Candidacy.objects.get(election=next_election)
    assert f"Added candidacy #{added.pk}: Kim Ode (Lab) in Burnley, {NEXT}" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"name,party,seat,source url,date announced\nA B,Labour,Nowhere,{URL},2026-11-20\n", "utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("candidates", "import", str(bad), "--election", NEXT, stdout=out, stderr=err)
    assert exited.value.code == 2
    assert "bad.csv:2: column seat: 'Nowhere' is not a pcon2024 seat" in err.getvalue()
    call_command("candidates", "status", str(added.pk), "not-nominated", "--source", URL, "--on", "2026-12-01",
                 stdout=out)
    assert Candidacy.objects.get(pk=added.pk).status == "not_nominated"
    listing = StringIO()
    call_command("candidates", "list", "--election", NEXT, stdout=listing)
    assert f"#{added.pk}  Kim Ode (Lab) in Burnley, {NEXT}  [not nominated]" in listing.getvalue()


def test_still_to_come_is_one_definition_polling_day_counts_and_a_result_ends_it(next_election):
    """`Election.objects.ahead(today)`: polling day itself is still to come, the day after is not, and an election
    whose result is imported is over whatever its date. Prospective candidates follow the same rule."""
    polling = next_election.poll_date
    assert list(Election.objects.ahead(polling).values_list("pk", flat=True)) == [NEXT]
    assert not Election.objects.ahead(polling + dt.timedelta(days=1)).exists()
    assert cands.election_ahead(election_id=NEXT, today=polling) == next_election
    with pytest.raises(CandidacyError, match="polled on 2028-10-05"):
        cands.election_ahead(election_id=NEXT, today=polling + dt.timedelta(days=1))
    # 2024 has its result imported: not ahead, even on a day before its poll.
    assert not Election.objects.ahead(dt.date(2024, 1, 1)).filter(pk="parl.2024-07-04").exists()
    with pytest.raises(CandidacyError, match="already has its result"):
        cands.election_ahead(election_id="parl.2024-07-04", today=dt.date(2024, 1, 1))
