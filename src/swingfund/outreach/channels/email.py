"""Email through Django's SMTP backend: one connection per worker, the imprint in every message, and the
one-click unsubscribe headers of RFC 2369 / RFC 8058 (`List-Unsubscribe` + `List-Unsubscribe-Post`).

Every message goes From the sending group's own address (its organisation's sender, else the deployment's
fallback SWINGFUND_FROM_EMAIL) and closes with that group's imprint: never another group's, never a default."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.utils.html import escape, linebreaks

from swingfund.organisations.selectors import organisation_imprint, organisation_sender
from swingfund.outreach.channels.base import ChannelError
from swingfund.outreach.errors import IMPRINT_ADDRESS_MISSING, NO_SENDER
from swingfund.outreach.models import Supporter

log = logging.getLogger(__name__)
CONFIRM_SUBJECT = "Please confirm you want our emails"


def message_id(*, delivery_id: int, sender: str) -> str:
    """The idempotency key: a re-send after a crash carries the same Message-ID (in the sender's domain)."""
    domain = sender.rpartition("@")[2] or "swingfund.invalid"
    return f"<delivery-{delivery_id}@{domain}>"


def unsubscribe_url(*, supporter: Supporter) -> str:
    return f"{settings.SWINGFUND_SITE_URL.rstrip('/')}/outreach/unsubscribe/{supporter.token}/email/"


class EmailSender:
    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)

    def tier_limit(self) -> int:
        return 10**12

    def send(self, *, delivery, supporter, rendered) -> str:
        sender = organisation_sender(organisation=delivery.message.organisation)
        if not sender:
            raise ChannelError(NO_SENDER)
        mid = message_id(delivery_id=delivery.pk, sender=sender)
        url = unsubscribe_url(supporter=supporter)
        mail = EmailMultiAlternatives(
            subject=rendered.subject, body=rendered.body, from_email=sender,
            to=[supporter.email], connection=self.connection,
            headers={"Message-ID": mid, "List-Unsubscribe": f"<{url}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Content-Language": rendered.language},
        )  # fmt: skip
        # The text is the group's words with supporters' names filled in, never HTML: every character is escaped.
        paragraphs = linebreaks(rendered.body, autoescape=True)
        html = f'<div dir="{rendered.direction}" lang="{escape(rendered.language)}">{paragraphs}</div>'
        mail.attach_alternative(html, "text/html")
        try:
            if mail.send() != 1:
                raise ChannelError("the SMTP server accepted no recipient")
        except (smtplib.SMTPException, OSError) as exc:
            self.connection.close()
            raise ChannelError(f"SMTP: {exc}") from None
        return mid


def confirmation_send(*, supporter_id: int) -> None:
    """The double opt-in email, sent after the sign-up commits; a failure is logged (the person can sign up
    again), never raised into the page."""
    supporter = Supporter.objects.filter(pk=supporter_id).select_related("organisation").first()
    if supporter is None or not supporter.email:
        return
    organisation = supporter.organisation
    imprint, sender = organisation_imprint(organisation=organisation), organisation_sender(organisation=organisation)
    if not imprint or not sender:  # refused, not sent with a wrong or missing imprint or sender
        log.error("confirmation email to supporter %s not sent: %s", supporter_id,
                  IMPRINT_ADDRESS_MISSING if not imprint else NO_SENDER)
        return
    name = organisation.legal_name or organisation.name
    link = f"{settings.SWINGFUND_SITE_URL.rstrip('/')}/outreach/confirm/{supporter.token}/"
    body = (
        f"Hello {supporter.first_name},\n\nYou (or someone using your address) signed up to hear from "
        f"{name}. To receive our emails, confirm here:\n{link}\n\n"
        "If this was not you, ignore this email: nothing more will be sent.\n\n"
        f"{imprint}"
    )
    try:
        send_mail(CONFIRM_SUBJECT, body, sender, [supporter.email])
    except (smtplib.SMTPException, OSError):
        log.exception("confirmation email to supporter %s failed", supporter_id)


def already_on_the_list_send(*, supporter_id: int) -> None:
    """Tell a supporter, at their own address, that someone used it on the sign-up form again: the form itself
    answers as for anyone (`services.supporter_join`). Logged, never raised, like the confirmation."""
    from swingfund.outreach.errors import ALREADY_ON_THE_LIST_SUBJECT

    supporter = Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True).select_related("organisation").first()
    if supporter is None or not supporter.email:
        return
    organisation = supporter.organisation
    imprint, sender = organisation_imprint(organisation=organisation), organisation_sender(organisation=organisation)
    if not imprint or not sender:
        log.error("notice to supporter %s not sent: %s", supporter_id,
                  IMPRINT_ADDRESS_MISSING if not imprint else NO_SENDER)
        return
    name = organisation.legal_name or organisation.name
    body = (
        f"Hello {supporter.first_name},\n\nSomeone (perhaps you) used this address on the sign-up form of {name}. "
        "You are already on our list, so nothing has changed. If you no longer want to hear from us, use the "
        f"unsubscribe link:\n{unsubscribe_url(supporter=supporter)}\n\n{imprint}"
    )
    try:
        send_mail(ALREADY_ON_THE_LIST_SUBJECT, body, sender, [supporter.email])
    except (smtplib.SMTPException, OSError):
        log.exception("notice to supporter %s failed", supporter_id)
