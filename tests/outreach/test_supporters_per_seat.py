"""The group's consenting supporters counted per seat: what targeting counts for a group whose bloc is its own
supporters (aggregate counts only, handed down to targeting when outreach is ready)."""

from __future__ import annotations

from swingfund.elections.models import Constituency
from swingfund.outreach.rights import supporter_erase
from swingfund.outreach.selectors import supporters_per_seat
from swingfund.outreach.services import consent_withdraw
from swingfund.targeting.supporters import supporter_counts
from tests.outreach.conftest import NORTH, SOUTH, make_supporter


def test_consenting_supporters_are_counted_per_seat(organisation, postcodes):
    south = [make_supporter(organisation, n) for n in range(3)]
    make_supporter(organisation, 10, postcode="AB10 1PE")
    for purpose in ("email", "whatsapp"):  # no longer hears from us: not counted
        consent_withdraw(supporter=south[0], purpose=purpose, via="test")
    make_supporter(organisation, 20, channels=("email",), confirm=False)  # email never confirmed: not counted
    supporter_erase(supporter=south[1])  # erased: not counted
    ids = dict(Constituency.objects.filter(gss_code__in=[SOUTH, NORTH], boundary_set="pcon2024")
               .values_list("gss_code", "pk"))
    expected = {ids[SOUTH]: 1, ids[NORTH]: 1}
    assert supporters_per_seat(organisation_id=organisation.pk) == expected
    assert supporter_counts(organisation_id=organisation.pk) == expected  # what targeting receives
