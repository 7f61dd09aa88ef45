"""WhatsApp: the real pywa client against a local Cloud API stand-in; webhooks signed as Meta signs them."""

from __future__ import annotations

import datetime as dt
import json
from datetime import timedelta

import pytest

from swingfund.outreach.channels import whatsapp as wa_channel
from swingfund.outreach.delivery import channel_drain
from swingfund.outreach.messaging import message_approve, message_create, message_queue
from swingfund.outreach.models import Consent, Delivery
from swingfund.outreach.segments import segment_create
from swingfund.outreach.spending import CATEGORY, SUPPLIER
from swingfund.reports.models import CampaignSpend
from swingfund.testing.whatsapp import CloudApiStandIn, signature
from tests.outreach.conftest import IMPRINT, NORTH, SOUTH, make_supporter

SECRET = "app-secret-for-tests"
IN_PERIOD = dt.datetime(2024, 6, 20, 9, 0, tzinfo=dt.UTC)  # inside the 2024 regulated period


@pytest.fixture
def cloud(settings):
    with CloudApiStandIn() as stand_in:
        settings.WHATSAPP_TOKEN, settings.WHATSAPP_PHONE_ID = stand_in.token, stand_in.phone_id
        settings.WHATSAPP_API_BASE, settings.WHATSAPP_APP_SECRET = stand_in.base_url, SECRET
        settings.OUTREACH_RATES = {"email": 1000.0, "whatsapp": 1000.0}
        settings.OUTREACH_WHATSAPP_TIER = ""
        wa_channel._local.__dict__.clear()
        yield stand_in


def _queue(organisation, organisers, seats=(SOUTH, NORTH)):
    segment = segment_create(organisation=organisation, name="WA", basis="list", gss_codes=seats, channel="whatsapp")
    message = message_create(segment=segment, title="Polling day", author=organisers[0],
                             whatsapp_template="seat_update", election_id="parl.2024-07-04",
                             translations={"en": ("-", "Hi {first_name}, {seat} is close."),
                                           "ur": ("-", "سلام {first_name}، {seat}")})  # fmt: skip
    message_approve(message=message, approver=organisers[1])
    message_queue(message=message, now=IN_PERIOD)  # its cost is recorded as spending for the 2024 election
    return message


def _webhook(client, payload: dict, *, secret: str = SECRET, sign: bool = True):
    body = json.dumps(payload).encode()
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature(body=body, app_secret=secret)} if sign else {}
    return client.post("/outreach/whatsapp/webhook/", body, content_type="application/json", **headers)


def test_template_sends_carry_text_imprint_language_and_tracker(organisation, postcodes, organisers, cloud):
    a = make_supporter(organisation, 1, language="ur")
    b = make_supporter(organisation, 2, postcode="AB10 1PE")
    make_supporter(organisation, 3, channels=("email",))  # no WhatsApp consent
    make_supporter(organisation, 4, postcode="AB12 3GQ")  # outside the segment
    message = _queue(organisation, organisers)
    assert channel_drain(channel="whatsapp").sent == 2
    by_to = {s["to"]: s for s in cloud.sent}
    assert set(by_to) == {a.phone.lstrip("+"), b.phone.lstrip("+")}
    sent_a = by_to[a.phone.lstrip("+")]
    assert sent_a["template"]["name"] == "seat_update" and sent_a["template"]["language"]["code"] == "ur"
    params = cloud.body_params(sent_a)
    assert params["text"] == f"سلام Person1، Aberdeen South\n\n{IMPRINT}" and params["seat"] == "Aberdeen South"
    d = Delivery.objects.get(supporter=a)
    assert sent_a["biz_opaque_callback_data"] == f"delivery:{d.pk}" and d.provider_id == sent_a["id"]
    # the cost was recorded, before queueing, as general-campaign spending in the seats reached (2 × 4p)
    spend = CampaignSpend.objects.get()
    assert spend.amount_pence == 2 * 4 and spend.supplier == SUPPLIER and spend.category == CATEGORY
    assert sorted(c.gss_code for c in spend.constituencies.all()) == [NORTH, SOUTH]
    assert spend.organisation == organisation and spend.election_id == "parl.2024-07-04"
    assert message.deliveries.filter(cost_pence=4).count() == 2


def test_forged_or_missing_signature_is_refused_and_changes_nothing(client, organisation, postcodes, cloud):
    a = make_supporter(organisation, 1)
    stop = cloud.webhook_text(from_number=a.phone.lstrip("+"), text="STOP")
    forged = _webhook(client, stop, secret="not-the-app-secret")
    assert forged.status_code == 403 and forged.content.decode() == wa_channel.FORGED
    assert _webhook(client, stop, sign=False).status_code == 401
    assert Consent.objects.get(supporter=a, purpose="whatsapp").withdrawn_at is None
    assert _webhook(client, stop).status_code == 200
    assert Consent.objects.get(supporter=a, purpose="whatsapp").withdrawn_at is not None


@pytest.mark.parametrize("reply", ["STOP", "stop.", "بند کریں", "توقف", "Jooji"])
def test_a_stop_reply_removes_consent_before_the_next_batch(client, organisation, postcodes, organisers, cloud,
                                                            reply):  # fmt: skip
    people = [make_supporter(organisation, n) for n in range(1, 4)]
    _queue(organisation, organisers)
    assert channel_drain(channel="whatsapp", max_messages=1).sent == 1  # first batch (of one)
    response = _webhook(client, cloud.webhook_text(from_number=people[2].phone.lstrip("+"), text=reply))
    assert response.json() == {"stops": 1, "statuses": 0, "cancelled": 1, "confirmed": 0}
    channel_drain(channel="whatsapp")
    assert sorted(s["to"] for s in cloud.sent) == sorted(p.phone.lstrip("+") for p in people[:2])
    assert Delivery.objects.get(supporter=people[2]).status == Delivery.Status.CANCELLED


def test_status_webhooks_update_the_delivery_log(client, organisation, postcodes, organisers, cloud):
    a = make_supporter(organisation, 1)
    _queue(organisation, organisers)
    channel_drain(channel="whatsapp")
    for status in ("delivered", "read"):
        assert _webhook(client, cloud.webhook_status(sent=cloud.sent[0], status=status)).status_code == 200
    d = Delivery.objects.get(supporter=a)
    assert d.provider_status == "read"
    assert list(d.events.values_list("kind", flat=True)) == ["sent", "wa:delivered", "wa:read"]


def test_the_messaging_tier_is_honoured(organisation, postcodes, organisers, cloud):
    cloud.tier = "TIER_250"
    for n in range(1, 261):
        make_supporter(organisation, n, channels=("whatsapp",))
    _queue(organisation, organisers)
    result = channel_drain(channel="whatsapp")
    assert result.sent == 250 and len(cloud.sent) == 250
    assert cloud.errors == []  # never ran into the API's own limit (131048)
    assert Delivery.objects.filter(status=Delivery.Status.READY).count() == 10
    first = Delivery.objects.filter(status="sent").order_by("sent_at").first().sent_at
    assert result.deferred_until == first + timedelta(hours=24)


def test_a_transient_api_error_is_retried_later(organisation, postcodes, organisers, cloud):
    make_supporter(organisation, 1)
    cloud.fail_next = 1
    _queue(organisation, organisers)
    result = channel_drain(channel="whatsapp")
    d = Delivery.objects.get()
    assert result.retried == 1 and d.status == Delivery.Status.READY and "131000" in d.error
    assert cloud.sent == []
