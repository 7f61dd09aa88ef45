"""Data rights (export, erasure, retention) and share kits (wa.me + QR per seat and language, referral counts)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from django.core.management import call_command

from swingfund.organisations.models import Organisation
from swingfund.outreach.channels.share import referral_counts, share_kit
from swingfund.outreach.messaging import message_approve, message_create, message_queue
from swingfund.outreach.models import Consent, Delivery, Supporter
from swingfund.outreach.rights import retention_apply, supporter_erase, supporter_export
from swingfund.outreach.segments import segment_create
from swingfund.outreach.services import supporter_sign_up
from tests.outreach.conftest import IMPRINT, SOUTH, make_supporter


def test_export_holds_everything_and_the_command_prints_it(organisation, postcodes):
    s = make_supporter(organisation, 1, tags=["volunteer"])
    data = supporter_export(supporter=s)
    assert data["supporter"]["email"] == "p1@example.org" and data["supporter"]["tags"] == ["volunteer"]
    assert data["supporter"]["constituency"]["gss_code"] == SOUTH
    assert {c["purpose"] for c in data["consents"]} == {"email", "whatsapp", "special"}
    out = io.StringIO()
    call_command("outreach", "export", str(s.pk), stdout=out)
    assert json.loads(out.getvalue()) == json.loads(json.dumps(data))


def test_erasure_removes_the_person_and_keeps_anonymous_counts(organisation, postcodes, organisers):
    a, b = make_supporter(organisation, 1), make_supporter(organisation, 2)
    segment = segment_create(organisation=organisation, name="S", basis="list", gss_codes=[SOUTH], channel="email")
    message = message_create(segment=segment, title="T", author=organisers[0], translations={"en": ("s", "b")})
    message_approve(message=message, approver=organisers[1])
    message_queue(message=message)
    Delivery.objects.filter(supporter=a).update(status="sent")
    supporter_erase(supporter=a)
    a.refresh_from_db()
    assert (a.first_name, a.email, a.phone, a.postcode) == ("", "", "", "") and a.erased_at is not None
    # The consents stay only as the record that consent ended: withdrawn, their source gone.
    assert set(Consent.objects.filter(supporter=a).values_list("withdrawn_via", "source")) == \
        {("erased at the person's request", "(erased)")}
    kept = Delivery.objects.filter(message=message, status="sent", supporter=None, constituency__gss_code=SOUTH)
    assert kept.count() == 1
    assert Delivery.objects.get(supporter=b).status == "ready"


def test_retention_erases_only_after_the_period(organisation, postcodes):
    make_supporter(organisation, 1)
    polling_day = datetime(2024, 7, 4, tzinfo=UTC)
    assert retention_apply(polling_day=polling_day, days=180, now=polling_day + timedelta(days=179)) == 0
    assert retention_apply(polling_day=polling_day, days=180, now=polling_day + timedelta(days=181)) == 1
    assert Supporter.objects.filter(erased_at__isnull=True).count() == 0


def test_retention_command(organisation, postcodes):
    make_supporter(organisation, 1)
    out = io.StringIO()
    call_command("outreach", "retention", "--election", "parl.2024-07-04", "--days", "30", stdout=out)
    assert out.getvalue().startswith("1 supporters erased")


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl"), ("ar", "rtl"), ("bn", "ltr")])
def test_share_kit_has_a_wa_me_link_and_a_qr_code_of_it(language, direction):
    group = Organisation(name="Test Group", slug="test-group", address="2 Test Road\nAberdeen\nAB10 1AB")
    kit = share_kit(seat_name="Aberdeen South", language=language, organisation=group, referral_code="abc123")
    assert kit.direction == direction
    assert kit.wa_me.startswith("https://wa.me/?text=")
    assert unquote(kit.wa_me.removeprefix("https://wa.me/?text=")) == kit.text
    assert "Aberdeen South" in kit.text and kit.text.endswith(IMPRINT)
    assert "/outreach/join/?ref=abc123" in kit.text
    assert kit.qr_svg.startswith("<svg") and "<path" in kit.qr_svg


def test_personal_links_count_sign_ups(client, organisation, postcodes):
    inviter = make_supporter(organisation, 1)
    for n in (2, 3):
        supporter_sign_up(organisation=organisation, first_name=f"F{n}", phone=f"+4479112{n:05d}",
                          postcode="AB10 1PE", consents={"whatsapp", "special"}, referral_code=inviter.referral_code)
    assert referral_counts(organisation=organisation) == {inviter.pk: 2}
    page = client.get(f"/outreach/join/?ref={inviter.referral_code}")
    assert f'value="{inviter.referral_code}"' in page.content.decode()


def test_share_page_lists_the_segment_seats(client, organisation, postcodes):
    segment_create(organisation=organisation, name="Aberdeen", basis="list", gss_codes=[SOUTH], channel="whatsapp")
    page = client.get("/outreach/share/?lang=ur").content.decode()
    assert 'dir="rtl" lang="ur"' in page and "Aberdeen South" in page and "https://wa.me/?text=" in page
    assert "<svg" in page
