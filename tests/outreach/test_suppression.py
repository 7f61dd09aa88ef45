"""After erasure at the person's request only keyed hashes of their email address and number stay (the suppression
list): a later CSV import or sign-up does not add them back, and the consent records say consent ended."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from swingfund.outreach import consent, errors
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.importing import supporters_import
from swingfund.outreach.models import Consent, Supporter, Suppression
from swingfund.outreach.rights import supporter_erase
from swingfund.outreach.services import supporter_join, supporter_sign_up

pytestmark = pytest.mark.django_db

HEADER = "first_name,email,phone,postcode,consent_special_at,consent_email_at,consent_version,consent_source\n"


def row(email: str, phone: str = "") -> str:
    return f"Ann,{email},{phone},AB10 1PE,2026-01-02T10:00:00Z,2026-01-02T10:00:00Z,{consent.VERSION},stall\n"


def erased_ann(organisation):
    ann = supporter_sign_up(organisation=organisation, first_name="Ann", email="Ann.Lee@Example.org",
                            phone="07911 123456", postcode="AB10 1PE", consents={"email", "whatsapp", "special"})
    supporter_erase(supporter=ann)
    return ann


def test_an_erased_supporter_is_not_re_added_by_an_import(organisation, postcodes, settings):
    settings.SUPPRESSION_KEY = "k" * 32
    ann = erased_ann(organisation)
    # Only hashes stay: HMAC-SHA256 of the normalised contact, computed here independently of the module.
    stored = set(Suppression.objects.filter(organisation=organisation).values_list("kind", "digest"))
    key = hashlib.sha256(b"swingfund.outreach.suppression.email" + b"k" * 32).digest()
    expected = hmac.new(key, b"ann.lee@example.org", hashlib.sha256).hexdigest()
    assert ("email", expected) in stored and len(stored) == 2
    assert not any("ann" in d or "7911" in d for _k, d in stored)
    # The record that consent ended stays, without personal data.
    ann.refresh_from_db()
    consents = list(Consent.objects.filter(supporter=ann).values_list("purpose", "withdrawn_at", "source"))
    assert sorted(p for p, _w, _s in consents) == ["email", "special", "whatsapp"]
    assert all(w is not None and s == "(erased)" for _p, w, s in consents)

    with pytest.raises(OutreachRefusal) as refused:  # all or nothing: the whole file is refused, naming the line
        supporters_import(organisation=organisation, text=HEADER + row("bob@example.org") + row("ANN.LEE@example.org"),
                          file_name="list.csv")
    assert "line 3" in str(refused.value) and "suppression list" in str(refused.value)
    assert not Supporter.objects.filter(email__iexact="ann.lee@example.org").exists()
    report = supporters_import(organisation=organisation, text=HEADER + row("bob@example.org") +
                               row("other@example.org", "+447911123456"), file_name="list.csv", skip_refused=True)
    assert report.imported == 1 and "line 3" in report.refused[0]
    assert list(Supporter.objects.filter(erased_at__isnull=True).values_list("email", flat=True)) == \
        ["bob@example.org"]


def test_an_erased_supporter_is_not_re_added_by_sign_up(organisation, postcodes):
    erased_ann(organisation)
    before = Supporter.objects.count()
    answer = supporter_join(organisation=organisation, first_name="Ann", email="ann.lee@example.org",
                            postcode="AB10 1PE", consents={"email", "special"})
    assert answer.first_name == "Ann"  # the same answer as for anyone: the form tells no one who was erased
    assert Supporter.objects.count() == before
    with pytest.raises(OutreachRefusal, match="suppression list"):
        supporter_sign_up(organisation=organisation, first_name="Ann", phone="+44 7911 123456", postcode="AB10 1PE",
                          consents={"whatsapp", "special"})
    assert errors.SUPPRESSED.format(what="mobile number").startswith("This mobile number")
