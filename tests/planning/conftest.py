"""The demo organisation on the real 2024 results, with its committee's decisions (for planning tests)."""

from __future__ import annotations

import pytest

from swingfund.committee.demo import demo_run
from swingfund.scorecards.demo import demo_seed

ELECTION = "parl.2024-07-04"
BLOC = "religion:muslim"


@pytest.fixture
def demo_org(official_db):
    org = demo_seed()
    demo_run(organisation=org, election_id=ELECTION, bloc=BLOC)
    return org
