"""The outreach step of `swingfund demo`: consenting demo supporters in the seats the committee decided on, a
segment of those seats, a message written by one demo organiser and approved by another, and the share kit
(at /outreach/share/). Idempotent. Demo supporters have example.org addresses and +44 7700 9xxxxx numbers
(Ofcom's drama range), so nothing real is ever contacted."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from swingfund.elections.models import Constituency
from swingfund.outreach import consent
from swingfund.outreach.messaging import message_approve, message_create
from swingfund.outreach.models import Consent, Message, Segment, Supporter
from swingfund.outreach.segments import constituencies_from_decisions, segment_counts, segment_create
from swingfund.outreach.services import new_referral_code, new_token

SEGMENT_NAME = "Seats the committee decided on (demo)"
PER_SEAT = 6
LANGUAGE_CYCLE = ("en", "ur", "bn", "en", "ar", "pa")
BODY_EN = ("Hello {first_name}. In {seat} the result could turn on a few hundred votes. Our committee backs "
           "{candidate}: {reason} Polling day is {polling_day}. Will you vote? {pledge_link}\n"
           "Stop these emails: {unsubscribe_link}")  # fmt: skip
BODY_UR = ("السلام علیکم {first_name}۔ {seat} میں چند سو ووٹ نتیجہ بدل سکتے ہیں۔ "
           "ووٹ ڈالنے کا دن: {polling_day}۔ {pledge_link}")


@dataclass
class DemoSummary:
    supporters: int
    seats: int
    message: str

    def __str__(self) -> str:
        return (f"{self.supporters} demo supporters in {self.seats} seats; message {self.message!r} approved. "
                "Share kit: /outreach/share/ · organisers: /outreach/")  # fmt: skip


def _organiser(username: str, organisation):
    from swingfund.accounts.services import role_grant

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    if not user.organisation_roles.filter(organisation=organisation, role="organiser").exists():
        role_grant(user=user, organisation=organisation, role="organiser", by="demo")
    return user


@transaction.atomic
def demo_run(*, organisation, election_id: str) -> DemoSummary:
    codes = constituencies_from_decisions(organisation=organisation, election_id=election_id)
    segment = Segment.objects.filter(organisation=organisation, name=SEGMENT_NAME).first()
    if segment is None:
        segment = segment_create(organisation=organisation, name=SEGMENT_NAME, basis="decisions", channel="email",
                                 gss_codes=codes, basis_note=f"committee decisions for {election_id}")  # fmt: skip
    now = timezone.now()
    seats = list(Constituency.objects.filter(gss_code__in=codes, boundary_set="pcon2024").order_by("gss_code"))
    n = 0
    for i, seat in enumerate(seats):
        for j in range(PER_SEAT):
            n += 1
            email = f"demo{i:03d}{j}@example.org"
            if Supporter.objects.filter(organisation=organisation, email__iexact=email).exists():
                continue
            s = Supporter.objects.create(
                organisation=organisation, first_name=f"Demo {i}-{j}", email=email, phone=f"+4477009{i:03d}{j:02d}",
                constituency=seat, language=LANGUAGE_CYCLE[j % len(LANGUAGE_CYCLE)], token=new_token(),
                referral_code=new_referral_code(), source="demo", created_at=now, email_confirmed_at=now,
                phone_confirmed_at=now,
            )  # fmt: skip
            Consent.objects.bulk_create(
                Consent(supporter=s, purpose=p, wording=consent.wording(purpose=p, organisation=organisation),
                        version=consent.VERSION,
                        source="swingfund demo", given_at=now) for p in ("email", "whatsapp", "special")
            )  # fmt: skip
    message = Message.objects.filter(segment=segment).first()
    if message is None:
        author, approver = _organiser("demo-organiser-1", organisation), _organiser("demo-organiser-2", organisation)
        message = message_create(
            segment=segment, title="Polling day: your vote can count", author=author, pledge_ask=True,
            election_id=election_id,
            translations={"en": ("Your vote in {seat} can count", BODY_EN), "ur": ("{seat}: آپ کا ووٹ", BODY_UR)},
        )  # fmt: skip
        message_approve(message=message, approver=approver)
    reachable = sum(count for _seat, count in segment_counts(segment=segment))
    return DemoSummary(supporters=reachable, seats=len(seats), message=message.title)
