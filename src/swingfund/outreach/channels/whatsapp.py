"""WhatsApp Cloud API through `pywa`: approved template sends, the messaging tier, signed webhooks.

Sends are template messages (a business may start a conversation only with a template Meta approved). The
rendered text — placeholders filled, the imprint last — goes as the template's named body parameter `text`,
with `first_name` and `seat`; `tracker` (Cloud API `biz_opaque_callback_data`) carries `delivery:ID`, so
status webhooks name the delivery they are about.

Webhooks are verified with pywa's X-Hub-Signature-256 check against the app secret before anything is read;
an inbound "STOP" (or a translation of it, `languages.STOP_WORDS`) withdraws WhatsApp consent at once, which
cancels every WhatsApp message not yet sent to that person. `WHATSAPP_API_BASE` points pywa at another host
(tests: the stand-in in `swingfund.testing.whatsapp`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading

import httpx
from django.conf import settings
from django.utils import timezone
from pywa import WhatsApp, utils
from pywa.errors import WhatsAppError
from pywa.types.templates import BodyText, TemplateLanguage

from swingfund.outreach.channels.base import ChannelError
from swingfund.outreach.languages import is_stop
from swingfund.outreach.models import Delivery, DeliveryEvent, Purpose, Supporter

log = logging.getLogger(__name__)
TIERS = {"TIER_250": 250, "TIER_1K": 1_000, "TIER_2K": 2_000, "TIER_10K": 10_000, "TIER_100K": 100_000,
         "TIER_UNLIMITED": 10**12}  # fmt: skip
NOT_CONFIGURED = "WhatsApp is off: set WHATSAPP_TOKEN and WHATSAPP_PHONE_ID"
UNSIGNED = "missing X-Hub-Signature-256 header"
FORGED = "X-Hub-Signature-256 does not match the body: update refused"
_local = threading.local()
# The first message to a number: an approved template carrying a one-time code (body parameter `code`). The owner
# types the code on the site (/outreach/confirm-phone/), sends it back, or replies to the message; until then the
# number receives nothing else (`Supporter.phone_confirmed_at`).
CONFIRM_TEMPLATE = getattr(settings, "WHATSAPP_CONFIRM_TEMPLATE", "") or "phone_confirmation"
# Sent to a confirmed number used on the sign-up form again, instead of telling the form (body parameter
# `first_name`).
NOTICE_TEMPLATE = getattr(settings, "WHATSAPP_NOTICE_TEMPLATE", "") or "already_signed_up"
CODE_DIGITS = 6
CODE_HOURS = 48
CODE_ATTEMPTS = 5
CODE_IN_TEXT = re.compile(rf"(?<!\d)\d{{{CODE_DIGITS}}}(?!\d)")


def notice_send(*, supporter_id: int) -> None:
    """Tell a supporter on a confirmed number that it was used on the sign-up form again (the form answers as for
    anyone): the approved template `NOTICE_TEMPLATE` with `first_name`. Logged, never raised."""
    supporter = Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True,
                                         phone_confirmed_at__isnull=False).exclude(phone="").first()
    if supporter is None:
        return
    try:
        client().send_template(
            to=supporter.phone.lstrip("+"), name=NOTICE_TEMPLATE, language=template_language(supporter.language),
            params=[BodyText.params(first_name=supporter.first_name)], tracker=f"notice:{supporter.pk}",
        )  # fmt: skip
    except (ChannelError, WhatsAppError, httpx.HTTPError) as exc:
        log.error("WhatsApp notice to supporter %s not sent: %s", supporter_id, exc)


def code_hash(*, phone: str, code: str) -> str:
    """What is stored of a one-time code: an HMAC under the site's secret, bound to the number."""
    return hmac.new(settings.SECRET_KEY.encode(), f"phone-code:{phone}:{code.strip()}".encode(),
                    hashlib.sha256).hexdigest()  # fmt: skip


def confirmation_send(*, supporter_id: int) -> None:
    """Send the confirmation template with a fresh one-time code, after the sign-up commits. A failure (WhatsApp
    off, the API refusing) is logged, never raised into the page: the number simply stays unconfirmed."""
    supporter = Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True,
                                         phone_confirmed_at__isnull=True).exclude(phone="").first()
    if supporter is None:
        return
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    Supporter.objects.filter(pk=supporter.pk).update(
        phone_code_hash=code_hash(phone=supporter.phone, code=code), phone_code_sent_at=timezone.now(),
        phone_code_attempts=0, phone_code_message_id="",
    )
    try:
        sent = client().send_template(
            to=supporter.phone.lstrip("+"), name=CONFIRM_TEMPLATE, language=template_language(supporter.language),
            params=[BodyText.params(code=code)], tracker=f"confirm:{supporter.pk}",
        )  # fmt: skip
    except (ChannelError, WhatsAppError, httpx.HTTPError) as exc:
        log.error("WhatsApp confirmation to supporter %s not sent: %s", supporter_id, exc)
        return
    Supporter.objects.filter(pk=supporter.pk).update(phone_code_message_id=sent.id)


def client() -> WhatsApp:
    """A pywa client for this thread (httpx clients are not shared across threads)."""
    if not settings.WHATSAPP_TOKEN or not settings.WHATSAPP_PHONE_ID:
        raise ChannelError(NOT_CONFIGURED)
    key = (settings.WHATSAPP_TOKEN, settings.WHATSAPP_PHONE_ID, settings.WHATSAPP_API_BASE)
    if getattr(_local, "key", None) != key:
        session = httpx.Client(timeout=30)
        wa = WhatsApp(phone_id=settings.WHATSAPP_PHONE_ID, token=settings.WHATSAPP_TOKEN, session=session)
        if settings.WHATSAPP_API_BASE:
            base = httpx.URL(settings.WHATSAPP_API_BASE)
            session.base_url = session.base_url.copy_with(scheme=base.scheme, host=base.host, port=base.port)
        _local.key, _local.wa = key, wa
    return _local.wa


def template_language(code: str) -> TemplateLanguage:
    try:
        return TemplateLanguage(code)
    except ValueError:
        return TemplateLanguage.ENGLISH_UK


class WhatsAppSender:
    def __init__(self) -> None:
        self.wa = client()
        self._tier: int | None = None

    def tier_limit(self) -> int:
        """From the phone number's `whatsapp_business_manager_messaging_limit` (asked once per drain), unless
        OUTREACH_WHATSAPP_TIER overrides it."""
        if settings.OUTREACH_WHATSAPP_TIER:
            return TIERS[settings.OUTREACH_WHATSAPP_TIER]
        if self._tier is None:
            try:
                tier = self.wa.get_business_phone_number().whatsapp_business_manager_messaging_limit
            except WhatsAppError as exc:
                raise ChannelError(f"WhatsApp: {exc.message}") from None
            self._tier = TIERS.get(tier or "", TIERS["TIER_250"])
        return self._tier

    def send(self, *, delivery, supporter, rendered) -> str:
        try:
            sent = self.wa.send_template(
                to=supporter.phone.lstrip("+"), name=delivery.message.whatsapp_template,
                language=template_language(rendered.language),
                params=[BodyText.params(first_name=supporter.first_name, seat=supporter.constituency.name,
                                        text=rendered.body)],
                tracker=f"delivery:{delivery.pk}",
            )  # fmt: skip
        except WhatsAppError as exc:
            raise ChannelError(f"WhatsApp {exc.code}: {exc.message}") from None
        except httpx.HTTPError as exc:
            raise ChannelError(f"WhatsApp: {exc}") from None
        return sent.id


class WebhookRefused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def webhook_handle(*, body: bytes, signature: str | None) -> dict[str, int]:
    """Verify and apply one Cloud API webhook: inbound messages (STOP) and message statuses."""
    if not signature:
        raise WebhookRefused(UNSIGNED, 401)
    if not settings.WHATSAPP_APP_SECRET or not utils.webhook_updates_validator(
        app_secret=settings.WHATSAPP_APP_SECRET, request_body=body, x_hub_signature=signature
    ):
        raise WebhookRefused(FORGED, 403)
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookRefused("body is not JSON", 400) from None
    counts = {"stops": 0, "statuses": 0, "cancelled": 0, "confirmed": 0}
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value", {})
            for msg in value.get("messages", []):
                text = (msg.get("text") or {}).get("body") or (msg.get("button") or {}).get("text") or ""
                phone = "+" + msg.get("from", "").lstrip("+")
                if is_stop(text):
                    counts["stops"] += 1
                    counts["cancelled"] += _stop(phone=phone, text=text)
                else:
                    counts["confirmed"] += _confirm(phone=phone, text=text,
                                                    reply_to=(msg.get("context") or {}).get("id", ""))
            for status in value.get("statuses", []):
                counts["statuses"] += _status(status)
    return counts


def _confirm(*, phone: str, text: str, reply_to: str) -> int:
    """A message from the number itself, replying to its confirmation or carrying its code, confirms it."""
    from swingfund.outreach.services import phone_confirm

    if reply_to and phone_confirm(phone=phone, reply_to=reply_to):
        return 1
    return int(any(phone_confirm(phone=phone, code=code) for code in CODE_IN_TEXT.findall(text)[:1]))


def _stop(*, phone: str, text: str) -> int:
    from swingfund.outreach.services import consent_withdraw

    cancelled = 0
    for supporter in Supporter.objects.filter(phone=phone, erased_at__isnull=True):
        cancelled += consent_withdraw(supporter=supporter, purpose=Purpose.WHATSAPP, via=f"WhatsApp reply {text!r}")
    return cancelled


def _status(status: dict) -> int:
    """Record delivered / read / failed. A `sent` status naming a delivery still SENDING (its worker died after
    the API accepted it) settles it as SENT, so recovery will not send it twice."""
    tracker = status.get("biz_opaque_callback_data") or ""
    qs = Delivery.objects.filter(provider_id=status.get("id", "")) if status.get("id") else Delivery.objects.none()
    if tracker.startswith("delivery:") and tracker[9:].isdigit():
        delivery_id = int(tracker[9:])
        Delivery.objects.filter(pk=delivery_id, status__in=[Delivery.Status.SENDING, Delivery.Status.READY]).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), provider_id=status.get("id", "")
        )
        qs = Delivery.objects.filter(pk=delivery_id)
    state = status.get("status", "")
    n = qs.update(provider_status=state[:20])
    for pk in qs.values_list("pk", flat=True):
        DeliveryEvent.objects.create(delivery_id=pk, at=timezone.now(), kind=f"wa:{state}"[:20],
                                     detail=json.dumps(status.get("errors", ""))[:300])  # fmt: skip
    return n
