"""The compliance page asks for a DPIA (UK GDPR Article 35(3)(b)) once supporters hold special-category data."""

from __future__ import annotations

import re

import pytest

from swingfund.outreach.rights import supporter_erase
from swingfund.outreach.services import supporter_sign_up

pytestmark = pytest.mark.django_db


def dpia(client) -> str:
    html = client.get("/compliance/?election=parl.2024-07-04").content.decode()
    return re.search(r'<div class="card" id="dpia".*?</div>', html, re.S).group(0)


def test_the_dpia_checklist_appears_once_supporters_hold_special_category_data(client, organisation, postcodes):
    assert 'id="dpia-not-yet"' in dpia(client) and 'id="dpia-checklist"' not in dpia(client)
    people = [supporter_sign_up(organisation=organisation, first_name=n, email=f"{n}@example.org",
                                postcode="AB10 1PE", consents={"email", "special"}) for n in ("ann", "bo")]
    section = dpia(client)
    assert "<strong>2 supporters</strong>" in section and "Article 35(3)(b)" in section
    assert len(re.findall(r'<li id="dpia-', section)) == 6 and "Article 36" in section
    supporter_erase(supporter=people[0])  # an erased person's consent is withdrawn: one holder left
    assert "<strong>1 supporter</strong>" in dpia(client)
