"""A campaign slug by a pattern (issue 21): `=cmd|' /C calc'!A0` was accepted and took /funding/ and
/funding/ledger/ down with a 500."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from swingfund.funding import services
from swingfund.funding.models import Campaign
from swingfund.funding.services.grants import BAD_SLUG

from .conftest import at

pytestmark = pytest.mark.django_db
FORMULA = "=cmd|' /C calc'!A0"


def _open(organisation, slug: str):
    return services.campaign_create(
        organisation=organisation, slug=slug, title="T", description="D.", purpose="Grants.", mode="pooled",
        goal_pence=100_000, starts_at=at("05-01"), ends_at=at("07-04"))


@pytest.mark.parametrize("slug", [FORMULA, "", "UPPER", "with space", "-leading", "a" * 81, "caf\u00e9", "x\x00y",
                                  "../etc", "a--"])
def test_a_slug_outside_the_pattern_is_refused_with_a_clear_message(figures, organisation, slug):
    with pytest.raises(ValueError) as refused:
        _open(organisation, slug)
    assert str(refused.value) == BAD_SLUG.format(slug=slug)
    assert not Campaign.objects.exists()


def test_the_formula_slug_by_the_command_line_is_refused_and_the_pages_stay_up(figures, organisation, client):
    with pytest.raises(CommandError, match="lower-case letters"):
        call_command("funding", "campaign", "--slug", FORMULA, "--title", "T", "--goal", "1000", "--purpose", "P",
                     "--starts", "2024-05-01", "--ends", "2024-07-04", "--organisation", organisation.slug,
                     stdout=io.StringIO())
    assert not Campaign.objects.exists()
    _open(organisation, "summer-2024")
    for url in ("/funding/", "/funding/ledger/"):
        assert client.get(url).status_code == 200, url
