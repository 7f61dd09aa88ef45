"""Evidence importers: matched rows written, unmatched reported (never guessed), malformed files refused whole."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from swingfund.elections.models import Person
from swingfund.scorecards.importers import common, divisions, pledges
from swingfund.scorecards.models import DivisionMapping, Evidence, Score
from swingfund.scorecards.selectors import person_scorecard

from .conftest import TEST_ELECTION

pytestmark = pytest.mark.django_db

HEADER = "statement,dc_person_id,gss_code,name,stance,date,source_url\n"


@pytest.fixture
def seat(make_seat):
    return make_seat(
        "E14009001",
        "Testford",
        [
            ("Ann Lee", "Party A", 20_000, 9_000_001),
            ("Séamas O'Neill", "Party B", 18_000, 9_000_002),
            ("Jo Smith", "Party C", 900, 9_000_003),
            ("Jo Smith", "Party D", 800, 9_000_004),
        ],
    )


def write(tmp_path, text: str, name: str = "survey.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    out = __import__("io").StringIO()
    call_command("evidence", "import", *args, stdout=out)
    return out.getvalue()


def test_pledges_match_by_dc_id_then_seat_and_name(tmp_path, organisation, seat):
    path = write(
        tmp_path,
        HEADER
        + "sentiment,9000001,,,agree,2024-06-01,https://example.org/s/1\n"
        + "rights,,E14009001,seamas o'neill,yes,2024-06-02,https://example.org/s/2\n"
        + "rights,9999999,,,agree,2024-06-02,https://example.org/s/3\n"
        + "rights,,E14009001,Nobody Here,agree,2024-06-02,https://example.org/s/4\n"
        + "rights,,E14009001,Jo Smith,agree,2024-06-02,https://example.org/s/5\n",
    )
    out = run("pledges", str(path), "--organisation", organisation.slug, "--election", TEST_ELECTION)
    assert "5 rows read, 2 evidence rows written for 2 people, 3 rows unmatched" in out
    assert pledges.UNMATCHED_DC.format(line=4, election=TEST_ELECTION, dc_id=9999999) in out
    assert pledges.UNMATCHED_NAME.format(line=5, name="Nobody Here", gss="E14009001", election=TEST_ELECTION) in out
    assert (
        pledges.AMBIGUOUS_NAME.format(line=6, count=2, name="Jo Smith", gss="E14009001", election=TEST_ELECTION) in out
    )
    ann, seamas = Person.objects.get(dc_person_id=9_000_001), Person.objects.get(dc_person_id=9_000_002)
    assert Evidence.objects.get(person=ann).stance == "agree"
    assert Evidence.objects.get(person=seamas).candidacy.person == seamas
    assert Score.objects.filter(person=seamas, method="twfy2024").count() == 5  # recomputed after import
    assert person_scorecard(person=seamas, organisation=organisation).lines[1].score.stance == "agree"
    # importing the same file again changes nothing
    run("pledges", str(path), "--organisation", organisation.slug, "--election", TEST_ELECTION)
    assert Evidence.objects.count() == 2


def test_statement_option_for_a_single_statement_file(tmp_path, organisation, seat):
    path = write(tmp_path, "dc_person_id,stance,date,source_url\n9000001,disagree,2024-06-01,https://example.org/x\n")
    run("pledges", str(path), "--organisation", organisation.slug, "--election", TEST_ELECTION, "--statement", "media")
    assert Evidence.objects.get().statement_version.statement.slug == "media"


GOOD = "sentiment,9000001,,,agree,2024-06-01,https://example.org/s/1\n"


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        (
            GOOD + "rights,9000002,,,perhaps,2024-06-01,https://example.org/s/2\n",
            "3: column stance",
            common.BAD_CHOICE.format(value="perhaps", choices="agree, disagree, mixed, no, unknown, yes"),
        ),
        (
            GOOD + "rights,9000002,,,agree,01/06/2024,https://example.org/s/2\n",
            "3: column date",
            common.BAD_DATE.format(value="01/06/2024"),
        ),
        (
            GOOD + "rights,9000002,,,agree,2024-06-01,example.org\n",
            "3: column source_url",
            common.BAD_URL.format(value="example.org"),
        ),
        (GOOD + "rights,9000002,,,agree,2024-06-01,\n", "3: column source_url", common.BLANK),
        (
            GOOD + "rights,x12,,,agree,2024-06-01,https://example.org/s/2\n",
            "3: column dc_person_id",
            common.BAD_NUMBER.format(value="x12"),
        ),
        (
            GOOD + "rights,,E1400,Ann,agree,2024-06-01,https://example.org/s/2\n",
            "3: column gss_code",
            common.BAD_GSS.format(value="E1400"),
        ),
        (
            GOOD + "rights,,,,agree,2024-06-01,https://example.org/s/2\n",
            "3: column dc_person_id",
            pledges.NEED_IDENTITY,
        ),
        (GOOD + GOOD, "3: column dc_person_id", common.DUPLICATE.format(what="candidate and statement", line=2)),
        (
            GOOD + "nonsense,9000002,,,agree,2024-06-01,https://example.org/s/2\n",
            "3: column statement",
            "no published statement 'nonsense'",
        ),
        (GOOD + "rights,9000002,,,agree\n", "3: column -", common.FIELD_COUNT.format(got=5, expected=7)),
    ],
)
def test_malformed_pledges_are_refused_whole(tmp_path, organisation, seat, body, where, message):
    path = write(tmp_path, HEADER + body)
    with pytest.raises(CommandError) as err:
        run("pledges", str(path), "--organisation", organisation.slug, "--election", TEST_ELECTION)
    assert err.value.returncode == 2
    assert str(err.value).startswith(f"{path}:{where}: ")
    assert message in str(err.value)
    assert not Evidence.objects.exists()  # line 2 was fine, but nothing from the file was written
    assert not Score.objects.exists()


def test_missing_column_and_bad_encoding(tmp_path, organisation, seat):
    path = write(tmp_path, "dc_person_id,stance,date\n9000001,agree,2024-06-01\n")
    with pytest.raises(CommandError) as err:
        run(
            "pledges",
            str(path),
            "--organisation",
            organisation.slug,
            "--election",
            TEST_ELECTION,
            "--statement",
            "rights",
        )
    assert str(err.value) == f"{path}:1: column source_url: " + common.MISSING_COLUMN.format(
        expected="stance, date, source_url"
    )
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((HEADER + "rights,,E14009001,Séamas,agree,2024-06-01,https://e.org/x\n").encode("latin-1"))
    with pytest.raises(CommandError) as err:
        run("pledges", str(latin), "--organisation", organisation.slug, "--election", TEST_ELECTION)
    assert str(err.value) == f"{latin}:2: column -: " + common.NOT_UTF8.format(byte=0xE9)
    assert err.value.returncode == 2


DIV_HEADER = "division_id,date,title,mnis_id,member,vote\n"


def test_divisions_map_votes_to_a_statement(tmp_path, organisation, seat):
    Person.objects.filter(dc_person_id=9_000_001).update(mnis_id=4001)
    Person.objects.filter(dc_person_id=9_000_002).update(mnis_id=4002)
    path = write(
        tmp_path,
        DIV_HEADER
        + "1701,2024-02-01,Example motion,4001,,aye\n"
        + "1701,2024-02-01,Example motion,4002,,no\n"
        + "1702,2024-03-01,Second motion,4001,,absent\n"
        + "1702,2024-03-01,Second motion,,Séamas O'Neill,aye\n"
        + "1702,2024-03-01,Second motion,5555,,aye\n",
        "votes.csv",
    )
    out = run(
        "divisions",
        str(path),
        "--organisation",
        organisation.slug,
        "--statement",
        "review",
        "--agree-when",
        "aye",
        "--important",
        "1701,1702",
    )
    assert "5 rows read, 4 evidence rows written for 2 people, 1 rows unmatched" in out
    assert divisions.UNMATCHED_MNIS.format(line=6, mnis=5555) in out
    mapping = DivisionMapping.objects.get(division__division_id="1701")
    assert (mapping.agree_when, mapping.important) == ("aye", True)
    ann = Person.objects.get(mnis_id=4001)
    vote = Evidence.objects.get(person=ann, division__division_id="1701")
    assert vote.source_url == divisions.COMMONS_VOTES_URL.format(id="1701")
    line = person_scorecard(person=ann, organisation=organisation, method="twfy2024").lines[4]
    # 1 aye + 1 absence: the absence does not count against her, but absent on ≥ a third caps the words
    assert (line.score.vote_distance, line.score.band) == (0.16, "generally voted for")
    line = person_scorecard(person=ann, organisation=organisation, method="publicwhip").lines[4]
    assert line.score.vote_distance == 25 / 100  # absent on an important vote: half of 50
    seamas = Person.objects.get(mnis_id=4002)
    assert person_scorecard(person=seamas, organisation=organisation).lines[4].score.vote_distance == 0.5


@pytest.mark.parametrize(
    ("body", "args", "where", "message"),
    [
        ("1701,2024-02-01,M,4001,,maybe\n", ["--agree-when", "aye"], "3: column vote", "'maybe' is not one of"),
        # without --agree-when even the first row (line 2) lacks a direction
        ("1701,2024-02-01,M,4001,,aye\n", [], "2: column agree_when", divisions.NEED_DIRECTION),
        ("x-1,2024-02-01,M,4001,,aye\n", ["--agree-when", "aye"], "3: column url", divisions.NEED_URL),
        ("1701,2024-02-01,M,,,aye\n", ["--agree-when", "aye"], "3: column mnis_id", divisions.NEED_MEMBER),
    ],
)
def test_malformed_divisions_are_refused_whole(tmp_path, organisation, seat, body, args, where, message):
    path = write(tmp_path, DIV_HEADER + "1700,2024-01-01,Fine,4001,,aye\n" + body, "v.csv")
    with pytest.raises(CommandError) as err:
        run("divisions", str(path), "--organisation", organisation.slug, "--statement", "review", *args)
    assert err.value.returncode == 2
    assert str(err.value).startswith(f"{path}:{where}: ")
    assert message in str(err.value)
    assert not Evidence.objects.exists() and not DivisionMapping.objects.exists()


def test_conflicting_directions_for_one_division(tmp_path, organisation, seat):
    path = write(
        tmp_path,
        "division_id,date,mnis_id,vote,agree_when\n1701,2024-02-01,1,aye,aye\n1701,2024-02-01,2,aye,no\n",
        "v.csv",
    )
    with pytest.raises(CommandError) as err:
        run("divisions", str(path), "--organisation", organisation.slug, "--statement", "review")
    assert str(err.value).startswith(f"{path}:3: column agree_when: division 1701 is mapped")
