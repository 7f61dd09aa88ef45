"""Supporters in and out: sign-up, double opt-in, consent withdrawal. Keyword-only functions, no HTTP.

Every refusal raises `OutreachRefusal` with a message from `errors` and writes nothing (one transaction).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from swingfund.elections.errors import LookupFailure
from swingfund.elections.importers.postcodes import normalise_postcode
from swingfund.elections.models import BoundarySet, Constituency, Postcode
from swingfund.elections.selectors import constituency_for_postcode
from swingfund.organisations.models import Organisation
from swingfund.outreach import consent, errors, suppression
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.languages import LANGUAGES
from swingfund.outreach.models import Consent, Delivery, Pledge, Purpose, Supporter, Tag

log = logging.getLogger(__name__)
BOUNDARY_SET = BoundarySet.PCON2024
CHANNEL_PURPOSES = (Purpose.EMAIL, Purpose.WHATSAPP)


MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})
# For UK numbers the type is fixed by the first digits of the national number (Ofcom allocates in blocks; the
# metadata's mobile patterns are a prefix of at most 6 digits then free digits), so a bulk import asks
# phonenumbers once per block. tests/outreach/test_phone.py checks this against phonenumbers number by number.
UK_BLOCK_DIGITS = 6
_uk_blocks: dict[str, bool] = {}


def _mobile(parsed: phonenumbers.PhoneNumber) -> bool:
    national = str(parsed.national_number)
    if parsed.country_code == 44 and len(national) == 10 and not parsed.italian_leading_zero:
        block = national[:UK_BLOCK_DIGITS]
        if block not in _uk_blocks:
            _uk_blocks[block] = phonenumbers.number_type(parsed) in MOBILE_TYPES
        return _uk_blocks[block]
    return phonenumbers.number_type(parsed) in MOBILE_TYPES


UK_MOBILE_SHAPE = re.compile(r"^(?:\+44|0044|0)(7\d{9})$")


def phone_normalise(*, phone: str, region: str = "GB") -> str:
    """`07911 123456` → `+447911123456` (E.164); raises OutreachRefusal for anything that is not a valid mobile
    number (WhatsApp needs one)."""
    shape = UK_MOBILE_SHAPE.match(re.sub(r"[\s\-()]", "", phone)) if region == "GB" else None
    if shape and shape[1][:UK_BLOCK_DIGITS] in _uk_blocks:  # a block phonenumbers has already judged
        if not _uk_blocks[shape[1][:UK_BLOCK_DIGITS]]:
            raise OutreachRefusal(errors.BAD_PHONE.format(phone=phone))
        return "+44" + shape[1]
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        raise OutreachRefusal(errors.BAD_PHONE.format(phone=phone)) from None
    if not _mobile(parsed):
        raise OutreachRefusal(errors.BAD_PHONE.format(phone=phone))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email_normalise(*, email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise OutreachRefusal(errors.BAD_EMAIL.format(email=email)) from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def constituency_resolve(*, postcode: str) -> tuple[str, Constituency]:
    """(normalised postcode, its 2024 constituency); refuses an invalid, unknown or terminated postcode."""
    try:
        seat = constituency_for_postcode(postcode, boundary_set=BOUNDARY_SET)
    except LookupFailure as exc:
        raise OutreachRefusal(str(exc)) from None
    key = normalise_postcode(postcode)
    if Postcode.objects.filter(postcode=key, boundary_set=BOUNDARY_SET, terminated=True).exists():
        raise OutreachRefusal(errors.POSTCODE_TERMINATED.format(postcode=postcode))
    return key, seat


def _contact_check(*, email: str, phone: str, consents: set[str], language: str) -> tuple[str, str]:
    if language not in LANGUAGES:
        raise OutreachRefusal(errors.UNKNOWN_LANGUAGE.format(language=language, choices=", ".join(LANGUAGES)))
    if not email.strip() and not phone.strip():
        raise OutreachRefusal(errors.NO_CONTACT)
    if Purpose.SPECIAL_CATEGORY not in consents:
        raise OutreachRefusal(errors.NO_SPECIAL_CONSENT)
    if not consents & set(CHANNEL_PURPOSES):
        raise OutreachRefusal(errors.NO_CHANNEL_CONSENT)
    email = email_normalise(email=email) if email.strip() else ""
    phone = phone_normalise(phone=phone) if phone.strip() else ""
    if Purpose.EMAIL in consents and not email:
        raise OutreachRefusal(errors.CHANNEL_WITHOUT_CONTACT.format(channel="email", what="email address"))
    if Purpose.WHATSAPP in consents and not phone:
        raise OutreachRefusal(errors.CHANNEL_WITHOUT_CONTACT.format(channel="WhatsApp", what="mobile number"))
    return email, phone


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_referral_code() -> str:
    return secrets.token_urlsafe(8)[:10]


@transaction.atomic
def supporter_sign_up(
    *,
    organisation: Organisation,
    first_name: str,
    last_name: str = "",
    email: str = "",
    phone: str = "",
    postcode: str,
    language: str = "en",
    consents: Iterable[str],
    source: str = "web sign-up form",
    referral_code: str = "",
    tags: Iterable[str] = (),
    now: datetime | None = None,
) -> Supporter:
    """Sign a person up, with the exact consent wordings they saw. Email consent waits for the link in the
    confirmation email (double opt-in) before any campaign email goes to them."""
    now = now or timezone.now()
    consents = set(consents)
    if not first_name.strip():
        raise OutreachRefusal("Give your first name.")
    email, phone = _contact_check(email=email, phone=phone, consents=consents, language=language)
    key, seat = constituency_resolve(postcode=postcode)
    if what := suppression.suppressed(organisation=organisation, email=email, phone=phone):
        raise OutreachRefusal(errors.SUPPRESSED.format(what=what))
    if email and Supporter.objects.filter(organisation=organisation, email__iexact=email).exists():
        raise OutreachRefusal(errors.ALREADY_SIGNED_UP.format(what="email address"))
    if phone and Supporter.objects.filter(organisation=organisation, phone=phone).exists():
        raise OutreachRefusal(errors.ALREADY_SIGNED_UP.format(what="mobile number"))
    referrer = (
        Supporter.objects.filter(organisation=organisation, referral_code=referral_code).first()
        if referral_code else None
    )
    supporter = Supporter.objects.create(
        organisation=organisation, first_name=first_name.strip(), last_name=last_name.strip(), email=email,
        phone=phone, postcode=key, constituency=seat, language=language, token=new_token(),
        referral_code=new_referral_code(), referred_by=referrer, source=source[:20], created_at=now,
    )  # fmt: skip
    Consent.objects.bulk_create(
        Consent(supporter=supporter, purpose=p, wording=consent.wording(purpose=p, organisation=organisation),
                version=consent.VERSION, source=source, given_at=now)
        for p in sorted(consents & {c.value for c in Purpose})
    )  # fmt: skip
    for name in tags:
        supporter.tags.add(Tag.objects.get_or_create(organisation=organisation, name=name)[0])
    if Purpose.EMAIL in consents:
        from swingfund.outreach.channels.email import confirmation_send

        transaction.on_commit(lambda: confirmation_send(supporter_id=supporter.pk))
    if Purpose.WHATSAPP in consents:
        from swingfund.outreach.channels.whatsapp import confirmation_send as phone_confirmation_send

        transaction.on_commit(lambda: phone_confirmation_send(supporter_id=supporter.pk))
    return supporter


@dataclass(frozen=True)
class Joined:
    """What the public sign-up answers: the same whether or not the person was already on the list."""

    first_name: str
    seat: Constituency
    check_email: bool
    check_whatsapp: bool


def supporter_join(
    *,
    organisation: Organisation,
    first_name: str,
    last_name: str = "",
    email: str = "",
    phone: str = "",
    postcode: str,
    language: str = "en",
    consents: Iterable[str],
    source: str = "web sign-up form",
    referral_code: str = "",
) -> Joined:
    """The public sign-up (the join page). Bad input is refused as by `supporter_sign_up`; otherwise the answer is
    the same whether or not the email address or mobile number is already on the list, so that the form cannot tell
    anyone who is a supporter. Someone already on the list is told by a message to their own address instead, and
    nothing changes: no record, no consent, no code to the number."""
    consents = set(consents)
    if not first_name.strip():
        raise OutreachRefusal("Give your first name.")
    email, phone = _contact_check(email=email, phone=phone, consents=consents, language=language)
    _key, seat = constituency_resolve(postcode=postcode)
    answer = Joined(first_name=first_name.strip(), seat=seat, check_email=bool(email and Purpose.EMAIL in consents),
                    check_whatsapp=bool(phone and Purpose.WHATSAPP in consents))
    if suppression.suppressed(organisation=organisation, email=email, phone=phone):
        log.info("sign-up for a contact on the suppression list of %s: nothing stored", organisation)
        return answer
    on_list = Supporter.objects.filter(organisation=organisation, erased_at__isnull=True)
    known = [s for s in (on_list.filter(email__iexact=email).first() if email else None,
                         on_list.filter(phone=phone).first() if phone else None) if s is not None]
    if known:
        for supporter in {s.pk: s for s in known}.values():
            transaction.on_commit(lambda pk=supporter.pk: _already_on_the_list(supporter_id=pk))
        log.info("sign-up for a contact already on the list of %s: told the person, nothing stored", organisation)
        return answer
    supporter_sign_up(organisation=organisation, first_name=first_name, last_name=last_name, email=email, phone=phone,
                      postcode=postcode, language=language, consents=consents, source=source,
                      referral_code=referral_code)  # fmt: skip
    return answer


def _already_on_the_list(*, supporter_id: int) -> None:
    """Tell someone already on the list that their address or number was used on the form again: by email when
    they have an address; else by WhatsApp when their number is confirmed; else, when their number still waits for
    its owner and its code has expired, by a fresh confirmation code (at most one per `CODE_HOURS`)."""
    from swingfund.outreach.channels import email as email_channel
    from swingfund.outreach.channels import whatsapp

    supporter = Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True).first()
    if supporter is None:
        return
    if supporter.email:
        email_channel.already_on_the_list_send(supporter_id=supporter.pk)
    elif supporter.phone_confirmed_at is not None:
        whatsapp.notice_send(supporter_id=supporter.pk)
    elif supporter.phone and (supporter.phone_code_sent_at is None or
                              supporter.phone_code_sent_at < timezone.now() - timedelta(hours=whatsapp.CODE_HOURS)):
        whatsapp.confirmation_send(supporter_id=supporter.pk)


def email_confirm(*, token: str, now: datetime | None = None) -> Supporter:
    """The double opt-in: the link in the confirmation email turns email consent on."""
    supporter = Supporter.objects.filter(token=token, erased_at__isnull=True).first()
    if supporter is None:
        raise OutreachRefusal("This confirmation link is not valid (or the supporter was erased).")
    if supporter.email_confirmed_at is None:
        supporter.email_confirmed_at = now or timezone.now()
        supporter.save(update_fields=["email_confirmed_at"])
    return supporter


@transaction.atomic
def consent_withdraw(*, supporter: Supporter, purpose: str, via: str, now: datetime | None = None) -> int:
    """Withdraw one consent at once: every unsent delivery on that channel is cancelled in the same transaction.
    Returns the number of deliveries cancelled. Withdrawing the special-category consent erases the supporter."""
    now = now or timezone.now()
    Consent.objects.filter(supporter=supporter, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_via=via[:200]
    )
    channels = [purpose] if purpose in CHANNEL_PURPOSES else [p.value for p in CHANNEL_PURPOSES]
    cancelled = Delivery.objects.filter(
        supporter=supporter, channel__in=channels, status=Delivery.Status.READY
    ).update(status=Delivery.Status.CANCELLED, error=f"consent withdrawn ({via})"[:300])
    if purpose == Purpose.SPECIAL_CATEGORY:
        from swingfund.outreach.rights import supporter_erase

        supporter_erase(supporter=supporter, now=now)
    return cancelled


def live_purposes(*, supporter: Supporter) -> set[str]:
    """The consents in force now (email counts only once confirmed)."""
    live = set(
        Consent.objects.filter(supporter=supporter, withdrawn_at__isnull=True).values_list("purpose", flat=True)
    )
    if supporter.email_confirmed_at is None:
        live.discard(Purpose.EMAIL)
    if supporter.phone_confirmed_at is None:
        live.discard(Purpose.WHATSAPP)
    return live


def phone_confirm(*, phone: str, code: str = "", reply_to: str = "", now: datetime | None = None) -> bool:
    """The owner of `phone` confirms it: by the one-time code of the first WhatsApp template message (typed on
    the site or sent back), or by a reply to that message from the number itself (`reply_to`: the id of the message
    replied to, which the Cloud API names in the reply's context). A code is good for `CODE_HOURS` and
    `CODE_ATTEMPTS` tries. True when a number was confirmed; a wrong code, an unknown number and a spent code all
    answer False alike."""
    from swingfund.outreach.channels import whatsapp

    now = now or timezone.now()
    try:
        phone = phone_normalise(phone=phone)
    except OutreachRefusal:
        return False
    confirmed = False
    with transaction.atomic():
        waiting = Supporter.objects.select_for_update().filter(
            phone=phone, erased_at__isnull=True, phone_confirmed_at__isnull=True, phone_code_sent_at__isnull=False,
            phone_code_sent_at__gt=now - timedelta(hours=whatsapp.CODE_HOURS),
        )  # fmt: skip
        for supporter in waiting:
            if reply_to:
                good = bool(supporter.phone_code_message_id) and secrets.compare_digest(
                    supporter.phone_code_message_id, reply_to)
            else:
                if supporter.phone_code_attempts >= whatsapp.CODE_ATTEMPTS:
                    continue
                good = secrets.compare_digest(supporter.phone_code_hash, whatsapp.code_hash(phone=phone, code=code))
            if good:
                Supporter.objects.filter(pk=supporter.pk).update(phone_confirmed_at=now, phone_code_hash="")
                confirmed = True
            elif not reply_to:
                Supporter.objects.filter(pk=supporter.pk).update(phone_code_attempts=F("phone_code_attempts") + 1)
    return confirmed


def pledge_record(*, token: str, message_id: int, will_vote: bool, now: datetime | None = None) -> Pledge:
    """A supporter's answer to a pledge-to-vote ask (one per message; a second answer replaces the first).
    Those who pledged get the polling-day reminder (`pledged_supporters`)."""
    from swingfund.outreach.models import Message

    supporter = Supporter.objects.filter(token=token, erased_at__isnull=True).first()
    message = Message.objects.filter(pk=message_id, pledge_ask=True).first()
    if supporter is None or message is None or message.organisation_id != supporter.organisation_id:
        raise OutreachRefusal("This pledge link is not valid.")
    pledge, _ = Pledge.objects.update_or_create(
        supporter=supporter, message=message, defaults={"will_vote": will_vote, "answered_at": now or timezone.now()}
    )
    return pledge


def pledged_supporters(*, organisation: Organisation, election_id: str):
    """Supporters who pledged to vote in this election: the audience of the polling-day reminder."""
    return Supporter.objects.filter(
        organisation=organisation, erased_at__isnull=True, pledges__will_vote=True,
        pledges__message__election_id=election_id,
    ).distinct()
