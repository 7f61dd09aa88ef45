"""The public journey's world: the official files, the demo organisation run through scorecards → committee →
funding (its own demo functions, as `swingfund demo` does), a postcode in Birmingham Ladywood, and an organiser."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from tests.payments.conftest import standin  # noqa: F401  (the Stripe stand-in, shared with the payments tests)

PASSWORD = "a-long-test-password-1"
ELECTION = "parl.2024-07-04"
BLOC = "religion:muslim"
JOURNEY_SEAT = "E14001096"  # Birmingham Ladywood: the demo committee approves a grant there and it is paid
POSTCODE = "B18 4AA"  # a postcode row this fixture adds for Ladywood (the shipped ONSPD sample is Aberdeen's)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def artefacts_dir() -> Path:
    """Where browser tests leave screenshots for CI to keep (SWINGFUND_ARTEFACTS, else build/artefacts)."""
    root = Path(os.environ.get("SWINGFUND_ARTEFACTS") or Path(__file__).resolve().parents[2] / "build" / "artefacts")
    folder = root / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page, name: str) -> Path:
    path = artefacts_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Journey:
    organisation: object
    organiser: object
    chair: object
    member: object
    grant_decision: object
    rejected_decision: object
    grant: object


@pytest.fixture
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world(settings, monkeypatch) -> Journey:
    from django.contrib.auth import get_user_model

    from swingfund.committee.demo import demo_run as committee_demo
    from swingfund.committee.models import Decision
    from swingfund.compliance.services import legal_figures_seed
    from swingfund.elections.models import Constituency, DataSource, Postcode
    from swingfund.funding.demo import demo_run as funding_demo
    from swingfund.funding.models import Grant
    from swingfund.organisations.models import Organisation
    from swingfund.scorecards.demo import DEMO_SLUG, demo_seed
    from tests.fixtures.official import official_loaded, official_restore
    from tests.fixtures.worlds import world_restore_or_build

    monkeypatch.setenv("SWINGFUND_DEMO_PASSWORD", PASSWORD)
    if not official_loaded():
        official_restore()

    def build() -> None:
        legal_figures_seed()
        organisation = demo_seed()
        committee_demo(organisation=organisation, election_id=ELECTION, bloc=BLOC)
        funding_demo(organisation=organisation)
        source = DataSource.objects.create(key="test-postcodes", title="Test postcode", publisher="tests",
                                           file_name="none.csv", sha256="1" * 64, imported_at=timezone.now())
        Postcode.objects.create(postcode=POSTCODE.replace(" ", ""), boundary_set="pcon2024", source=source,
                                constituency=Constituency.objects.get(gss_code=JOURNEY_SEAT, boundary_set="pcon2024"))
        get_user_model().objects.create_superuser("organiser", "organiser@example.org", PASSWORD)

    world_restore_or_build("public-journey", build)  # built once per test process, then its rows put back
    users = get_user_model().objects
    organisation = Organisation.objects.get(slug=DEMO_SLUG)
    organiser = users.get(username="organiser")
    grant_decision = Decision.objects.get(proposal__constituency__gss_code=JOURNEY_SEAT, proposal__kind="grant")
    return Journey(
        organisation=organisation, organiser=organiser, chair=users.get(username="demo-chair"),
        member=users.get(username="demo-member-1"), grant_decision=grant_decision,
        rejected_decision=Decision.objects.filter(outcome="rejected").order_by("pk").first(),
        grant=Grant.objects.get(decision=grant_decision))


@pytest.fixture
def world(official_db, monkeypatch, fast_password_hashing, settings) -> Journey:
    """The demo world inside the test's transaction (rolled back): for tests through Django's test client."""
    return build_world(settings, monkeypatch)


@pytest.fixture
def journey(transactional_db, monkeypatch, fast_password_hashing, settings):
    """The demo world committed, for a live server and a browser; flushed afterwards."""
    yield build_world(settings, monkeypatch)
    from tests.fixtures.official import flush_committed_rows

    flush_committed_rows()


def sign_in(page, base_url: str, username: str, next_path: str = "/workspace/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")
