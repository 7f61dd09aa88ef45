"""`candidates add --declared`: the day a person became a candidate in law (RPA 1983 s.118A) is recorded on the
candidacy, and a grant is then lawful from that day (compliance's law by date), refused the day before."""

from __future__ import annotations

import contextlib
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from swingfund.compliance.bydate import OutOfTime
from swingfund.compliance.selectors_bydate import grant_date_check
from swingfund.elections.models import Candidacy, DataSource, Election

NEXT = "parl.2028-10-05"
ISLINGTON_NORTH = "E14001305"
URL = "https://example.org/news/selected"


@pytest.fixture
def next_election(official_db) -> Election:
    source = DataSource.objects.create(key="test-next", title="t", publisher="tests", file_name="-", sha256="",
                                       imported_at=timezone.now())
    return Election.objects.create(id=NEXT, name="Next UK general election (tests)", poll_date=dt.date(2028, 10, 5),
                                   boundary_set="pcon2024", source=source)


def _add(*extra: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with contextlib.suppress(SystemExit):  # bad input exits with status 2, its problems on stderr
        call_command("candidates", "add", "--election", NEXT, "--seat", ISLINGTON_NORTH, "--name", "Ada Example",
                     "--party", "Labour", "--source", URL, "--announced", "2026-11-20", *extra, stdout=out,
                     stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_declared_day_is_recorded_and_a_grant_runs_from_it(next_election):
    out, err = _add("--declared", "2026-11-21")
    assert not err and "A candidate in law from 2026-11-21 (declared)." in out
    candidacy = Candidacy.objects.get(election_id=NEXT, person_name="Ada Example")
    assert candidacy.became_candidate_on == dt.date(2026, 11, 21)
    grant_date_check(candidacy=candidacy, on=dt.date(2026, 11, 21))  # allowed: returns without raising
    with pytest.raises(OutOfTime, match="s.118A"):
        grant_date_check(candidacy=candidacy, on=dt.date(2026, 11, 20))


def test_a_declared_day_still_to_come_or_not_a_date_is_refused_and_nothing_written(next_election):
    tomorrow = (timezone.now().date() + dt.timedelta(days=1)).isoformat()
    out, err = _add("--declared", tomorrow)
    assert f"declared: {tomorrow} is after today" in err and not out
    out, err = _add("--declared", "21/11/2026")
    assert "declared:" in err and "21/11/2026" in err and not out
    assert not Candidacy.objects.filter(election_id=NEXT, person_name="Ada Example").exists()


def test_without_declared_no_day_is_recorded_and_a_grant_is_refused(next_election):
    _add()
    candidacy = Candidacy.objects.get(election_id=NEXT, person_name="Ada Example")
    assert candidacy.became_candidate_on is None
    with pytest.raises(OutOfTime):
        grant_date_check(candidacy=candidacy, on=timezone.now().date())
