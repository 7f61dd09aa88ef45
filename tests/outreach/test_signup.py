"""Sign-up: a valid one lands in the right 2024 constituency; bad input is refused with a clear message and
nothing is stored. Postcodes are real ones from the ONSPD Aberdeen sample in ../shared/data."""

from __future__ import annotations

import csv

import pytest
from django.core import mail

from swingfund.elections import errors as election_errors
from swingfund.outreach import consent, errors
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.models import Consent, Supporter
from swingfund.outreach.services import email_confirm, live_purposes, supporter_sign_up
from tests.outreach.conftest import ALL_CONSENTS, IMPRINT, NORTH, SAMPLE, SOUTH


def sign_up(organisation, **overrides):
    fields = {"organisation": organisation, "first_name": "Amina", "email": "amina@example.org",
              "phone": "07911 123456", "postcode": "ab10 1ab", "language": "ur", "consents": ALL_CONSENTS}
    fields.update(overrides)
    return supporter_sign_up(**fields)


def test_valid_sign_up_lands_in_the_seat_the_onspd_row_names(organisation, postcodes, data_dir):
    with (data_dir / SAMPLE).open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["pcds"] == "AB10 1PE")
    supporter = sign_up(organisation, postcode="AB10 1PE")
    assert row["pcon"] == NORTH == supporter.constituency.gss_code
    assert supporter.constituency.name == "Aberdeen North"
    assert supporter.phone == "+447911123456"  # E.164
    assert supporter.postcode == "AB101PE"
    consents = {c.purpose: c for c in Consent.objects.filter(supporter=supporter)}
    assert set(consents) == {"email", "whatsapp", "special"}
    assert consents["special"].wording == consent.wording(purpose="special", organisation=organisation)
    assert consents["special"].version == consent.VERSION and consents["special"].source == "web sign-up form"


def test_email_waits_for_double_opt_in(organisation, postcodes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        supporter = sign_up(organisation)
    assert live_purposes(supporter=supporter) == {"special"}  # the number waits for its owner too (test_identity)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amina@example.org"]
    assert mail.outbox[0].from_email == "hello@testgroup.example"  # the group's own sender and imprint
    assert mail.outbox[0].body.endswith(IMPRINT) and "signed up to hear from Test Group." in mail.outbox[0].body
    link = f"/outreach/confirm/{supporter.token}/"
    assert link in mail.outbox[0].body
    email_confirm(token=supporter.token)
    supporter.refresh_from_db()
    assert live_purposes(supporter=supporter) == {"email", "special"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"postcode": "SW1A 2AA"},
         election_errors.UNKNOWN_POSTCODE.format(postcode="SW1A 2AA", boundary_set="pcon2024")),
        ({"postcode": "not a postcode"}, election_errors.INVALID_POSTCODE.format(postcode="not a postcode")),
        ({"postcode": "AB1 0AA"}, errors.POSTCODE_TERMINATED.format(postcode="AB1 0AA")),
        ({"phone": "07700 12"}, errors.BAD_PHONE.format(phone="07700 12")),
        ({"phone": "+44 20 7946 0"}, errors.BAD_PHONE.format(phone="+44 20 7946 0")),
        ({"consents": ("email", "whatsapp")}, errors.NO_SPECIAL_CONSENT),
        ({"consents": ("special",)}, errors.NO_CHANNEL_CONSENT),
        ({"email": "", "phone": ""}, errors.NO_CONTACT),
        ({"email": "not-an-email"}, errors.BAD_EMAIL.format(email="not-an-email")),
        ({"phone": "", "consents": ALL_CONSENTS}, errors.CHANNEL_WITHOUT_CONTACT.format(channel="WhatsApp",
                                                                                        what="mobile number")),
    ],
)
def test_refusals_store_nothing(organisation, postcodes, overrides, expected):
    with pytest.raises(OutreachRefusal) as refused:
        sign_up(organisation, **overrides)
    assert str(refused.value) == expected
    assert Supporter.objects.count() == 0 and Consent.objects.count() == 0


def test_same_email_twice_is_refused(organisation, postcodes):
    sign_up(organisation)
    with pytest.raises(OutreachRefusal, match="already signed up"):
        sign_up(organisation, phone="07911 123457", postcode="AB12 3GQ")
    assert Supporter.objects.count() == 1


def test_sign_up_page(client, organisation, postcodes):
    page = client.get("/outreach/join/")
    assert page.status_code == 200
    assert consent.wording(purpose="special", organisation=organisation) in page.content.decode()
    bad = client.post("/outreach/join/", {"first_name": "Bilal", "phone": "07911123999", "postcode": "AB10 1AB",
                                          "language": "en", "consent_whatsapp": "on"})  # fmt: skip
    assert bad.status_code == 400 and errors.NO_SPECIAL_CONSENT in bad.content.decode()
    assert not Supporter.objects.exists()
    good = client.post("/outreach/join/", {"first_name": "Bilal", "phone": "07911123999", "postcode": "AB10 1AB",
                                           "language": "en", "consent_whatsapp": "on", "consent_special": "on"})
    assert good.status_code == 200 and "Aberdeen South" in good.content.decode()
    assert Supporter.objects.get().constituency.gss_code == SOUTH
