"""Messages: compose with translations, preview, approval by a second organiser, schedule, queue."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from swingfund.organisations.selectors import organisation_sender
from swingfund.outreach import compose, errors, spending
from swingfund.outreach.bulk import db_datetime, rows_insert
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.models import Channel, Delivery, Message, Segment, Supporter, Translation
from swingfund.outreach.segments import segment_members

DELIVERY_COLUMNS = ("message_id", "supporter_id", "constituency_id", "channel", "language", "status", "attempts",
                    "next_attempt_at", "claimed_by", "provider_id", "provider_status", "error", "cost_pence",
                    "claimed_at")  # fmt: skip
SAMPLE_VALUES = {"first_name": "Amina", "seat": "(the supporter's seat)", "candidate": "(the backed candidate)",
                 "reason": "(the committee's reason)"}  # fmt: skip


@transaction.atomic
def message_create(
    *,
    segment: Segment,
    title: str,
    author,
    translations: Mapping[str, tuple[str, str]],
    whatsapp_template: str = "",
    pledge_ask: bool = False,
    donate_url: str = "",
    election_id: str | None = None,
    now: datetime | None = None,
) -> Message:
    """`translations`: language → (subject, body). The first given is the fallback for other languages."""
    if not translations:
        raise OutreachRefusal("Write the message in at least one language.")
    if segment.channel == Channel.WHATSAPP and not whatsapp_template.strip():
        raise OutreachRefusal(errors.WHATSAPP_NEEDS_TEMPLATE)
    for subject, body in translations.values():
        compose.template_check(text=subject + body)
    message = Message.objects.create(
        organisation=segment.organisation, segment=segment, title=title, author=author, election_id=election_id,
        whatsapp_template=whatsapp_template.strip(), pledge_ask=pledge_ask, donate_url=donate_url,
        created_at=now or timezone.now(),
    )
    for language, (subject, body) in translations.items():
        Translation.objects.create(message=message, language=language, subject=subject, body=body)
    return message


@transaction.atomic
def translation_set(*, message: Message, language: str, subject: str, body: str) -> None:
    """Add or change one translation; a change after approval withdraws the approval."""
    compose.template_check(text=subject + body)
    Translation.objects.update_or_create(message=message, language=language, defaults={"subject": subject,
                                                                                          "body": body})
    if message.status == Message.Status.APPROVED:
        Message.objects.filter(pk=message.pk).update(status=Message.Status.DRAFT, approved_by=None, approved_at=None,
                                                     approved_hash="")


def message_approve(*, message: Message, approver, now: datetime | None = None) -> Message:
    if approver.pk == message.author_id:
        raise OutreachRefusal(errors.SELF_APPROVAL)
    message.approved_by = approver
    message.approved_at = now or timezone.now()
    message.approved_hash = compose.content_hash(message=message)
    message.status = Message.Status.APPROVED
    message.save(update_fields=["approved_by", "approved_at", "approved_hash", "status"])
    return message


def message_schedule(*, message: Message, send_after: datetime | None) -> None:
    Message.objects.filter(pk=message.pk).update(send_after=send_after)


def _translation_for(message: Message, language: str) -> Translation:
    by_language = {t.language: t for t in message.translations.all()}
    return by_language.get(language) or message.translations.order_by("id").first()


def seat_backing(*, message: Message) -> dict[int, tuple[str, str]]:
    """constituency id → (backed candidate, reason) from the committee's approved grant decisions."""
    from swingfund.committee.models import Decision, Proposal

    qs = Decision.objects.filter(
        outcome=Decision.Outcome.APPROVED, proposal__organisation=message.organisation,
        proposal__kind=Proposal.Kind.GRANT,
    ).select_related("proposal__candidacy__person")
    # tied to no election: the one whose regulated period today is in, as its cost was classified (`spending`)
    election_id = message.election_id or spending.message_election(message=message, on=timezone.now().date())
    if election_id:
        qs = qs.filter(proposal__election_id=election_id)
    return {d.proposal.constituency_id: (_candidate_name(d.proposal.candidacy), d.proposal.reason) for d in qs}


def _candidate_name(candidacy) -> str:
    """The candidate's name: the person's, or the name on the candidacy (a prospective candidate has no person row)."""
    if candidacy is None:
        return ""
    return candidacy.person.name if candidacy.person_id else candidacy.person_name


def values_for(*, message: Message, supporter: Supporter, backing: dict[int, tuple[str, str]]) -> dict[str, str]:
    site = settings.SWINGFUND_SITE_URL.rstrip("/")
    candidate, reason = backing.get(supporter.constituency_id, ("", ""))
    return {
        "first_name": supporter.first_name, "seat": supporter.constituency.name, "candidate": candidate,
        "reason": reason, "polling_day": compose.polling_day_text(message), "donate_link": message.donate_url,
        "pledge_link": f"{site}/outreach/pledge/{supporter.token}/{message.pk}/" if message.pledge_ask else "",
        "unsubscribe_link": f"{site}/outreach/unsubscribe/{supporter.token}/{message.segment.channel}/",
    }  # fmt: skip


def message_render(*, message: Message, supporter: Supporter, backing=None) -> compose.Rendered:
    t = _translation_for(message, supporter.language)
    backing = seat_backing(message=message) if backing is None else backing
    return compose.render(subject=t.subject, body=t.body, language=t.language,
                          values=values_for(message=message, supporter=supporter, backing=backing),
                          organisation=message.organisation)


def message_preview(*, message: Message, language: str) -> compose.Rendered:
    t = message.translations.filter(language=language).first()
    if t is None:
        raise OutreachRefusal(errors.NO_TRANSLATION.format(language=language))
    values = dict(SAMPLE_VALUES, polling_day=compose.polling_day_text(message), donate_link=message.donate_url,
                  pledge_link="https://…/pledge/" if message.pledge_ask else "", unsubscribe_link="https://…/unsubscribe/")
    return compose.render(subject=t.subject, body=t.body, language=language, values=values,
                          organisation=message.organisation)


def message_queue(*, message: Message, now: datetime | None = None) -> int:
    """Create one READY delivery per segment member (once per supporter, however often it is called) and wake
    the worker after commit. Refuses a message not approved, or changed since it was approved, and a paid message
    whose cost the law refuses (`spending.message_cost_record`, in the same transaction: refused, nothing queues)."""
    now = now or timezone.now()
    message.refresh_from_db()
    if message.status == Message.Status.DRAFT or not message.approved_by_id:
        raise OutreachRefusal(errors.NOT_APPROVED)
    if compose.content_hash(message=message) != message.approved_hash:
        raise OutreachRefusal(errors.STALE_APPROVAL)
    compose.imprint(organisation=message.organisation)  # no address, no imprint: refused before anything queues
    if message.segment.channel == Channel.EMAIL and not organisation_sender(organisation=message.organisation):
        raise OutreachRefusal(errors.NO_SENDER)
    start = max(now, message.send_after) if message.send_after else now
    languages = set(message.translations.values_list("language", flat=True))
    fallback = _translation_for(message, "").language
    members = segment_members(segment=message.segment).order_by("pk").values_list("pk", "constituency_id", "language")
    with transaction.atomic():
        already = set(Delivery.objects.filter(message=message).values_list("supporter_id", flat=True))
        channel, due = message.segment.channel, db_datetime(start)
        rows = [
            (message.pk, pk, seat, channel, lang if lang in languages else fallback, Delivery.Status.READY, 0, due,
             "", "", "", "", 0, None)
            for pk, seat, lang in members.iterator(chunk_size=5000) if pk not in already
        ]  # fmt: skip
        if rows and spending.price_pence(channel=channel):  # classified, checked and recorded before anything queues
            spending.message_cost_record(message=message, seat_counts=spending.seat_counts_of(rows), on=start.date())
        rows_insert(model=Delivery, columns=DELIVERY_COLUMNS, rows=rows)
        Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED)
        transaction.on_commit(lambda: _wake(channel=channel, run_after=start))
    return len(rows)


def _wake(*, channel: str, run_after: datetime) -> None:
    from swingfund.outreach.tasks import wake

    wake(channel=channel, run_after=run_after)
