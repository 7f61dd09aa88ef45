"""Email through Django's SMTP backend to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import pytest

from swingfund.organisations.models import Organisation
from swingfund.outreach import errors
from swingfund.outreach.delivery import channel_drain
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.messaging import message_approve, message_create, message_queue
from swingfund.outreach.models import Consent, Delivery
from swingfund.outreach.segments import segment_create
from swingfund.outreach.services import consent_withdraw
from swingfund.testing.smtp import SmtpSink
from tests.outreach.conftest import IMPRINT, NORTH, SOUTH, make_supporter


@pytest.fixture
def smtp(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.OUTREACH_RATES = {"email": 1000.0, "whatsapp": 1000.0}
        yield sink


def _send(organisation, organisers, *, title="Vote"):
    segment = segment_create(organisation=organisation, name=title, basis="list", gss_codes=[SOUTH, NORTH],
                             channel="email")  # fmt: skip
    message = message_create(segment=segment, title=title, author=organisers[0],
                             translations={"en": ("Polling day in {seat}", "Hi {first_name}, vote!")})  # fmt: skip
    message_approve(message=message, approver=organisers[1])
    message_queue(message=message)
    return message


def test_only_the_segment_gets_it_with_imprint_and_one_click_unsubscribe(client, organisation, postcodes,
                                                                         organisers, smtp):  # fmt: skip
    inside = [make_supporter(organisation, 1), make_supporter(organisation, 2, postcode="AB10 1PE")]
    make_supporter(organisation, 3, postcode="AB12 3GQ")  # West Aberdeenshire: outside the segment
    make_supporter(organisation, 4, confirm=False)  # never confirmed the double opt-in
    opted_out = make_supporter(organisation, 5)
    consent_withdraw(supporter=opted_out, purpose="email", via="test")
    smtp.received.clear()  # (confirmation emails of the sign-ups, if any)
    message = _send(organisation, organisers)
    late = make_supporter(organisation, 6)  # signed up after queueing: not in this send
    result = channel_drain(channel="email")
    assert result.sent == 2
    got = {r.envelope_to[0]: r.message for r in smtp.received}
    assert set(got) == {s.email for s in inside}
    for supporter in inside:
        mail = got[supporter.email]
        text = mail.get_body(("plain",)).get_content()
        assert text.rstrip().endswith(IMPRINT)
        assert mail["From"] == "hello@testgroup.example"
        assert mail["Subject"] == f"Polling day in {supporter.constituency.name}"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail["List-Unsubscribe"].strip() == f"<http://127.0.0.1:8000/outreach/unsubscribe/{supporter.token}/email/>"
        assert mail["Message-ID"] == f"<delivery-{Delivery.objects.get(supporter=supporter).pk}@testgroup.example>"
    # one click (RFC 8058: a POST with no cookie and no CSRF token) stops email at once
    url = got[inside[0].email]["List-Unsubscribe"].strip().strip("<>").replace("http://127.0.0.1:8000", "")
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Consent.objects.get(supporter=inside[0], purpose="email").withdrawn_at is not None
    smtp.received.clear()
    _send(organisation, organisers, title="Second")
    channel_drain(channel="email")
    assert {r.envelope_to[0] for r in smtp.received} == {inside[1].email, late.email}
    assert message.deliveries.filter(status="sent").count() == 2


def test_opt_out_after_queueing_cancels_the_unsent(organisation, postcodes, organisers, smtp):
    a, b = make_supporter(organisation, 1), make_supporter(organisation, 2)
    smtp.received.clear()
    _send(organisation, organisers)
    consent_withdraw(supporter=a, purpose="email", via="test")
    channel_drain(channel="email")
    assert [r.envelope_to for r in smtp.received] == [[b.email]]
    assert Delivery.objects.get(supporter=a).status == Delivery.Status.CANCELLED


def test_smtp_failure_retries_with_back_off(organisation, postcodes, organisers, settings, smtp):
    make_supporter(organisation, 1)
    settings.EMAIL_PORT = 1  # nothing listens there
    _send(organisation, organisers)
    result = channel_drain(channel="email")
    d = Delivery.objects.get()
    assert result.retried == 1 and d.status == Delivery.Status.READY and d.attempts == 1
    assert 29 <= (d.next_attempt_at - d.events.get(kind="retry").at).total_seconds() <= 31
    assert result.deferred_until == d.next_attempt_at


def test_a_group_without_a_sender_or_address_sends_nothing_and_is_told_why(organisation, postcodes, organisers,
                                                                            settings, smtp):  # fmt: skip
    make_supporter(organisation, 1)
    settings.DEFAULT_FROM_EMAIL = ""
    Organisation.objects.filter(pk=organisation.pk).update(sender_email="")
    organisation.refresh_from_db()
    with pytest.raises(OutreachRefusal) as refused:
        _send(organisation, organisers)
    assert str(refused.value) == errors.NO_SENDER and not Delivery.objects.exists()
    settings.DEFAULT_FROM_EMAIL = "noreply@site.example"  # the deployment's fallback, used only when the group has none
    Organisation.objects.filter(pk=organisation.pk).update(address="")
    organisation.refresh_from_db()
    with pytest.raises(OutreachRefusal) as refused:
        _send(organisation, organisers, title="Again")
    assert str(refused.value) == errors.IMPRINT_ADDRESS_MISSING and not Delivery.objects.exists()
    Organisation.objects.filter(pk=organisation.pk).update(address="2 Test Road\nAberdeen\nAB10 1AB")
    smtp.received.clear()
    _send(organisation, organisers, title="Third")
    assert channel_drain(channel="email").sent == 1
    assert [r.message["From"] for r in smtp.received] == ["noreply@site.example"]
