"""Supporter identity and privacy (issue 21, part 3), one test per attack: a mobile number enrolled by someone else
receives nothing until its owner confirms it; the sign-up page does not tell who is on the list; a case variant of
an email is the same person; placeholders cannot blow up a message; the HTML part of email is escaped; the importer
refuses NUL bytes and impossible dates by line. WhatsApp runs through the real pywa client against the local Cloud
API stand-in."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from swingfund.outreach import consent, errors
from swingfund.outreach.channels import whatsapp as wa_channel
from swingfund.outreach.delivery import channel_drain
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.importing import supporters_import
from swingfund.outreach.messaging import message_approve, message_create, message_preview, message_queue
from swingfund.outreach.models import Delivery, Supporter
from swingfund.outreach.segments import segment_create
from swingfund.outreach.services import live_purposes, supporter_sign_up
from swingfund.testing.whatsapp import CloudApiStandIn, signature
from tests.outreach.conftest import ALL_CONSENTS, NORTH, SOUTH

SECRET = "app-secret-for-tests"
PHONE = "+447911123456"
FORM = {"first_name": "Bilal", "phone": "07911 123456", "postcode": "AB10 1AB", "language": "en",
        "consent_whatsapp": "on", "consent_special": "on"}  # fmt: skip


@pytest.fixture
def cloud(settings):
    with CloudApiStandIn() as stand_in:
        settings.WHATSAPP_TOKEN, settings.WHATSAPP_PHONE_ID = stand_in.token, stand_in.phone_id
        settings.WHATSAPP_API_BASE, settings.WHATSAPP_APP_SECRET = stand_in.base_url, SECRET
        settings.OUTREACH_RATES = {"email": 1000.0, "whatsapp": 1000.0}
        settings.OUTREACH_WHATSAPP_TIER = ""
        wa_channel._local.__dict__.clear()
        yield stand_in


def _webhook(client, payload: dict):
    body = json.dumps(payload).encode()
    return client.post("/outreach/whatsapp/webhook/", body, content_type="application/json",
                       HTTP_X_HUB_SIGNATURE_256=signature(body=body, app_secret=SECRET))  # fmt: skip


def _join(client, capture, **overrides):
    with capture(execute=True):
        return client.post("/outreach/join/", {**FORM, **overrides})


def _queue_whatsapp(organisation, organisers):
    segment = segment_create(organisation=organisation, name="WA", basis="list", gss_codes=[SOUTH, NORTH],
                             channel="whatsapp")  # fmt: skip
    message = message_create(segment=segment, title="Polling day", author=organisers[0],
                             whatsapp_template="seat_update", translations={"en": ("-", "Hi {first_name}")})
    message_approve(message=message, approver=organisers[1])
    return message_queue(message=message)


def _code(cloud) -> str:
    (sent,) = [s for s in cloud.sent if s["template"]["name"] == wa_channel.CONFIRM_TEMPLATE]
    return cloud.body_params(sent)["code"]


# --- a mobile number receives nothing until its owner confirms it ---------------------------------------------------

def test_an_enrolled_phone_gets_only_the_confirmation_until_its_owner_enters_the_code(
        client, organisation, postcodes, organisers, cloud, django_capture_on_commit_callbacks, monkeypatch):
    from swingfund.reports import services as spending

    monkeypatch.setattr(spending, "campaign_spending_record", lambda **kw: None)  # a paid send is recorded there
    assert _join(client, django_capture_on_commit_callbacks).status_code == 200
    supporter = Supporter.objects.get()
    assert [s["template"]["name"] for s in cloud.sent] == [wa_channel.CONFIRM_TEMPLATE]  # the first template message
    assert cloud.sent[0]["to"] == PHONE.lstrip("+")
    assert "whatsapp" not in live_purposes(supporter=supporter)
    assert _queue_whatsapp(organisation, organisers) == 0  # nobody to send to yet
    code = _code(cloud)
    wrong = client.post("/outreach/confirm-phone/", {"phone": "07911 123456", "code": f"{(int(code) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400 and errors.PHONE_CODE_REFUSED in wrong.content.decode()
    unknown = client.post("/outreach/confirm-phone/", {"phone": "07911 654321", "code": code})
    assert unknown.status_code == 400 and errors.PHONE_CODE_REFUSED in unknown.content.decode()  # says nothing more
    right = client.post("/outreach/confirm-phone/", {"phone": "07911 123456", "code": code})
    assert right.status_code == 200
    supporter.refresh_from_db()
    assert supporter.phone_confirmed_at is not None and "whatsapp" in live_purposes(supporter=supporter)
    assert _queue_whatsapp(organisation, organisers) == 1
    assert channel_drain(channel="whatsapp").sent == 1


def test_guessing_the_code_is_cut_off(client, organisation, postcodes, cloud, django_capture_on_commit_callbacks):
    _join(client, django_capture_on_commit_callbacks)
    code = _code(cloud)
    wrong = [c for c in (f"{n:06d}" for n in range(10)) if c != code][: wa_channel.CODE_ATTEMPTS]
    for guess in wrong:
        client.post("/outreach/confirm-phone/", {"phone": PHONE, "code": guess})
    assert client.post("/outreach/confirm-phone/", {"phone": PHONE, "code": code}).status_code == 400
    assert Supporter.objects.get().phone_confirmed_at is None


def test_a_reply_to_the_first_template_message_confirms_but_not_from_another_number(
        client, organisation, postcodes, cloud, django_capture_on_commit_callbacks):
    _join(client, django_capture_on_commit_callbacks)
    (confirmation,) = cloud.sent
    stranger = cloud.webhook_reply(to=confirmation, from_number="447911999999", text="yes")
    assert _webhook(client, stranger).status_code == 200
    assert Supporter.objects.get().phone_confirmed_at is None  # someone else's phone quoting it proves nothing
    assert _webhook(client, cloud.webhook_reply(to=confirmation, text="Yes, that's me")).status_code == 200
    assert Supporter.objects.get().phone_confirmed_at is not None


def test_replying_with_the_code_confirms(client, organisation, postcodes, cloud, django_capture_on_commit_callbacks):
    _join(client, django_capture_on_commit_callbacks)
    _webhook(client, cloud.webhook_text(from_number=PHONE.lstrip("+"), text="hello"))
    assert Supporter.objects.get().phone_confirmed_at is None
    _webhook(client, cloud.webhook_text(from_number=PHONE.lstrip("+"), text=f"my code is {_code(cloud)}"))
    assert Supporter.objects.get().phone_confirmed_at is not None


# --- sign-up does not tell who is on the list ---------------------------------------------------------------------

def _visible(response) -> str:
    """The page as a reader sees it, without the per-response CSRF token and CSP nonce."""
    text = response.content.decode()
    return re.sub(r'(nonce|value)="[^"]*csrf[^"]*"|nonce="[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_sign_up_answers_the_same_for_someone_already_on_the_list(
        client, organisation, postcodes, cloud, django_capture_on_commit_callbacks):
    form = {**FORM, "email": "amina@example.org", "consent_email": "on", "first_name": "Amina"}
    first = _join(client, django_capture_on_commit_callbacks, **form)
    mail.outbox.clear()
    cloud.sent.clear()
    again = _join(client, django_capture_on_commit_callbacks, **{**form, "email": "AMINA@example.org"})
    assert (again.status_code, _visible(again)) == (first.status_code, _visible(first))
    assert "already" not in again.content.decode()
    assert Supporter.objects.count() == 1
    (notice,) = mail.outbox  # the person on the list hears of it, not the one at the form
    assert notice.to == ["amina@example.org"] and notice.subject == errors.ALREADY_ON_THE_LIST_SUBJECT
    assert cloud.sent == []  # no code to a number already on the list


# --- emails compare case-insensitively ---------------------------------------------------------------------------

def test_a_case_variant_of_an_email_is_the_same_person(organisation, postcodes):
    supporter_sign_up(organisation=organisation, first_name="Demo", email="demo0000@example.org", postcode="AB10 1AB",
                      consents=("email", "special"))  # fmt: skip
    with pytest.raises(OutreachRefusal, match="already signed up"):
        supporter_sign_up(organisation=organisation, first_name="Demo", email="DEMO0000@Example.org",
                          postcode="AB10 1AB", consents=("email", "special"))  # fmt: skip
    existing = Supporter.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule too
        Supporter.objects.create(organisation=organisation, first_name="x", email="Demo0000@example.org",
                                 constituency=existing.constituency, token="t" * 43, referral_code="r1",
                                 created_at=existing.created_at)  # fmt: skip
    csv = (f"first_name,email,postcode,consent_special_at,consent_email_at,consent_version,consent_source\n"
           f"Demo,DEMO0000@example.org,AB10 1AB,2026-05-01T10:00:00Z,2026-05-01T10:00:00Z,{consent.VERSION},stall\n")
    with pytest.raises(OutreachRefusal, match="line 2: This email address is already signed up"):
        supporters_import(organisation=organisation, text=csv, file_name="list.csv")
    assert Supporter.objects.count() == 1


# --- placeholders have bounded width and length --------------------------------------------------------------------

@pytest.mark.parametrize("body", ["{first_name:>5000000}", "{first_name:{seat}}", "{first_name!r}",
                                  "{first_name:,}", "x" * 20_001], ids=["width", "nested", "conversion", "spec",
                                                                        "length"])
def test_a_placeholder_cannot_blow_up_a_message(organisation, postcodes, organisers, body):
    segment = segment_create(organisation=organisation, name="E", basis="list", gss_codes=[SOUTH], channel="email")
    with pytest.raises(OutreachRefusal) as refused:
        message_create(segment=segment, title="t", author=organisers[0], translations={"en": ("s", body)})
    assert str(refused.value) in {errors.PLACEHOLDER_FORMAT.format(
        field=body[1:-1], width=errors.PLACEHOLDER_MAX_WIDTH, name="first_name"),
        errors.TEMPLATE_TOO_LONG.format(limit=errors.TEMPLATE_MAX_CHARS)}
    assert "5000000" not in body or "at most" in str(refused.value)


def test_a_small_width_is_still_allowed(organisation, postcodes, organisers):
    segment = segment_create(organisation=organisation, name="E", basis="list", gss_codes=[SOUTH], channel="email")
    message = message_create(segment=segment, title="t", author=organisers[0],
                             translations={"en": ("s", "[{first_name:>10}]")})
    assert "[     Amina]" in message_preview(message=message, language="en").body  # the preview's sample name


def test_the_compose_page_refuses_a_huge_width_with_a_clear_message(client, organisation, postcodes, organisers):
    segment = segment_create(organisation=organisation, name="E", basis="list", gss_codes=[SOUTH], channel="email")
    client.force_login(organisers[0])
    page = client.post(f"/outreach/segments/{segment.pk}/compose/", {
        "title": "t", "language": "en", "subject": "s", "body": "Hi {first_name:>5000000}"}, follow=True)
    assert len(page.content) < 200_000
    assert "at most" in page.content.decode()


# --- the HTML part of email is escaped -----------------------------------------------------------------------------

def test_the_html_part_of_email_is_escaped(organisation, postcodes, organisers, settings):
    settings.OUTREACH_RATES = {"email": 1000.0, "whatsapp": 1000.0}
    from swingfund.outreach.services import email_confirm

    person = supporter_sign_up(organisation=organisation, first_name='<img src=x onerror="alert(1)">',
                               email="x@example.org", postcode="AB10 1AB", consents=("email", "special"))
    email_confirm(token=person.token)
    segment = segment_create(organisation=organisation, name="E", basis="list", gss_codes=[SOUTH], channel="email")
    message = message_create(segment=segment, title="t", author=organisers[0],
                             translations={"en": ("s", "Hi {first_name} <script>alert(2)</script> & more")})
    message_approve(message=message, approver=organisers[1])
    message_queue(message=message)
    mail.outbox.clear()
    assert channel_drain(channel="email").sent == 1
    (html, mime), = mail.outbox[0].alternatives
    assert mime == "text/html"
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt; &amp; more" in html and "&lt;img src=x" in html
    assert Delivery.objects.get().status == "sent"


# --- the importer refuses NUL bytes and impossible dates, by line -------------------------------------------------

def test_the_importer_refuses_nul_bytes_and_impossible_dates_by_line(organisation, postcodes):
    header = "first_name,email,postcode,consent_special_at,consent_email_at,consent_version,consent_source," \
             "email_confirmed_at\n"
    v, when = consent.VERSION, "2026-05-01T10:00:00Z"
    rows = [
        f"Asha,asha@example.org,AB10 1AB,{when},{when},{v},stall,",
        f"Nu\x00l,nul@example.org,AB10 1AB,{when},{when},{v},stall,",
        f"Far,far@example.org,AB10 1AB,9999-12-31T23:59:59Z,{when},{v},stall,",
        f"Soon,soon@example.org,AB10 1AB,{when},2099-01-01T00:00:00Z,{v},stall,",
        f"Conf,conf@example.org,AB10 1AB,{when},{when},{v},stall,9999-01-01T00:00:00Z",
    ]
    with pytest.raises(OutreachRefusal) as refused:
        supporters_import(organisation=organisation, text=header + "\n".join(rows) + "\n", file_name="list.csv")
    lines = str(refused.value).splitlines()[1:]
    assert lines == [
        errors.CSV_NUL.format(line=3, column="first_name"),
        errors.CSV_IMPOSSIBLE_DATE.format(line=4, column="consent_special_at", value="9999-12-31T23:59:59Z"),
        errors.CSV_IMPOSSIBLE_DATE.format(line=5, column="consent_email_at", value="2099-01-01T00:00:00Z"),
        errors.CSV_IMPOSSIBLE_DATE.format(line=6, column="email_confirmed_at", value="9999-01-01T00:00:00Z"),
    ]
    assert Supporter.objects.count() == 0
    report = supporters_import(organisation=organisation, text=header + "\n".join(rows) + "\n", file_name="list.csv",
                               skip_refused=True)  # fmt: skip
    assert report.imported == 1 and list(Supporter.objects.values_list("first_name", flat=True)) == ["Asha"]


def test_an_imported_phone_waits_for_its_owner_too(organisation, postcodes):
    header = "first_name,phone,postcode,consent_special_at,consent_whatsapp_at,consent_version,consent_source\n"
    when = "2026-05-01T10:00:00Z"
    supporters_import(organisation=organisation, file_name="list.csv",
                      text=header + f"Yusuf,07911 200001,AB10 1PE,{when},{when},{consent.VERSION},paper form\n")
    assert "whatsapp" not in live_purposes(supporter=Supporter.objects.get())


def test_all_consents_still_sign_up(organisation, postcodes):
    supporter = supporter_sign_up(organisation=organisation, first_name="A", email="a@example.org", phone=PHONE,
                                  postcode="AB10 1AB", consents=ALL_CONSENTS)  # fmt: skip
    assert supporter.phone_confirmed_at is None and supporter.email_confirmed_at is None


def test_a_number_already_on_the_list_is_told_by_whatsapp_and_the_form_says_nothing(
        client, organisation, postcodes, cloud, django_capture_on_commit_callbacks):
    first = _join(client, django_capture_on_commit_callbacks)
    cloud.sent.clear()
    again = _join(client, django_capture_on_commit_callbacks, first_name="Someone")
    assert (again.status_code, _visible(again).replace("Someone", "Bilal")) == (first.status_code, _visible(first))
    assert cloud.sent == []  # unconfirmed, with a live code: nothing more to the number
    Supporter.objects.update(phone_confirmed_at=Supporter.objects.get().created_at)
    _join(client, django_capture_on_commit_callbacks, first_name="Someone")
    (notice,) = cloud.sent
    assert notice["template"]["name"] == wa_channel.NOTICE_TEMPLATE and notice["to"] == PHONE.lstrip("+")
    assert cloud.body_params(notice) == {"first_name": "Bilal"}  # the person on the list, not the form's name
    assert Supporter.objects.count() == 1
