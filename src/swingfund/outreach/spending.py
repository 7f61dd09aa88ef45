"""A paid message's cost, classified and checked BEFORE any delivery of it is queued (`swingfund.reports`).

The cost of a WhatsApp template message in each seat reached is spending about each candidacy the message names,
backs or opposes there (RPA 1983 s.75: the permitted sum, or the agent's written authority), or else general-
campaign spending (PPERA 2000 Part VI). A message tied to no election (or sent outside its election's regulated
period) goes to the election whose regulated period its send date falls in, or is recorded as outside any period.
`message_queue` calls `message_cost_record` inside the transaction that inserts the deliveries: a refusal (or any
failure to record) leaves nothing queued, so nothing is sent; the worker's drain records nothing after sending.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.models import Channel, Message

SUPPLIER = "Meta Platforms Ireland Ltd (WhatsApp Business Platform)"
CATEGORY = "material"  # PPERA Sch 8A Part 1 para 1(2)(a): election material made available to the public
NOT_RECORDED = "Nothing was queued: the cost of this message could not be recorded. {reason}"


def price_pence(*, channel: str) -> int:
    """What one delivery costs the group: a WhatsApp template message is paid for; an email is not."""
    return settings.OUTREACH_WHATSAPP_PRICE_PENCE if channel == Channel.WHATSAPP else 0


def backed_candidacies(*, organisation, election_id: str) -> dict[int, int]:
    """Seat id → the candidacy the committee backs there at `election_id` (what `{candidate}` becomes)."""
    from swingfund.committee.models import Decision, Proposal

    qs = Decision.objects.filter(outcome=Decision.Outcome.APPROVED, proposal__organisation=organisation,
                                 proposal__kind=Proposal.Kind.GRANT, proposal__election_id=election_id,
                                 proposal__candidacy__isnull=False).select_related("proposal")
    return {d.proposal.constituency_id: d.proposal.candidacy_id for d in qs}


def _texts(message: Message) -> list[str]:
    return [f"{t.subject}\n{t.body}" for t in message.translations.all()]


def message_election(*, message: Message, on: date) -> str:
    """The election a message sent on `on` counts for: its own when `on` is in that election's regulated period,
    else the one whose period `on` is in, else '' (outside any regulated period)."""
    from swingfund.reports.services import material_election

    return material_election(on=on, preferred=message.election_id) or ""


def _inputs(*, message: Message, seat_counts: dict[int, int], on: date):
    from swingfund.elections.models import Constituency

    price = price_pence(channel=message.segment.channel)
    seats = Constituency.objects.in_bulk(list(seat_counts))
    seat_costs = {seats[pk]: n * price for pk, n in sorted(seat_counts.items())}
    election_id = message_election(message=message, on=on)
    backed = backed_candidacies(organisation=message.organisation, election_id=election_id) if election_id else {}
    return seat_costs, election_id, backed


def message_cost_record(*, message: Message, seat_counts: dict[int, int], on: date):
    """Classify, check and record what sending `message` to `seat_counts` (seat id → deliveries) costs, before any
    is queued; raises `OutreachRefusal` naming the law when it is refused or cannot be recorded."""
    from swingfund.reports.services import material_cost_record

    seat_costs, election_id, backed = _inputs(message=message, seat_counts=seat_counts, on=on)
    n = sum(seat_counts.values())
    try:
        return material_cost_record(
            organisation=message.organisation, election=election_id or None, incurred_on=on, seat_costs=seat_costs,
            texts=_texts(message), backed=backed, supplier=SUPPLIER,
            description=f"WhatsApp template messages: {message.title} ({n} messages)",
            source_ref=f"outreach:message:{message.pk}:queued:{n}:{on.isoformat()}")
    except ValueError as exc:  # the law's refusal (LimitExceeded, CharityRefused) or input the record refuses
        raise OutreachRefusal(str(exc)) from exc
    except LookupError as exc:  # a legal figure not in force: the cost cannot be checked, so nothing goes out
        raise OutreachRefusal(NOT_RECORDED.format(reason=exc)) from exc


def message_cost_position(*, message: Message, seat_counts: dict[int, int], on: date):
    """What `message_cost_record` would decide for the segment as it stands, writing nothing: the `MaterialCharge`
    and '' — or None and the refusal's words."""
    from swingfund.reports.services import material_cost_check

    seat_costs, election_id, backed = _inputs(message=message, seat_counts=seat_counts, on=on)
    try:
        return material_cost_check(organisation=message.organisation, election=election_id or None,
                                   incurred_on=on, seat_costs=seat_costs, texts=_texts(message),
                                   backed=backed), ""
    except (ValueError, LookupError) as exc:
        return None, str(exc)


def seat_counts_of(rows) -> dict[int, int]:
    """Seat id → number of deliveries, from delivery rows (tuples whose third item is the seat id)."""
    return dict(Counter(row[2] for row in rows))


@dataclass(frozen=True)
class LawPanel:
    """What the message page shows: which regime the message's cost falls under, and what is left under each
    limit — for a message not yet queued, what queueing it now would decide; once queued, what was recorded."""

    paid: bool
    on: date
    election_id: str = ""
    refusal: str = ""
    regimes: tuple[str, ...] = ()
    candidates: tuple = ()  # material.CandidateCharge: spent before and left after
    general_pence: int = 0
    general_seats: int = 0
    outside_pence: int = 0
    general_limits: tuple = ()  # (label, limit name, amount, limit, left, citation)
    recorded: tuple = ()  # compliance.MaterialCost rows of this message


def _general_limits(*, organisation, election_id: str) -> tuple:
    from swingfund.reports.position import organisation_position

    gauges = organisation_position(election_id=election_id, organisation=organisation).regime("general").gauges
    return tuple((g.label, g.name, g.amount_pence, g.threshold_pence, max(g.threshold_pence - g.amount_pence, 0),
                  g.figure.citation) for g in gauges if g.kind == "limit")


def _charged(recorded, organisation) -> tuple:
    """The recorded charges to candidacies, with what has been spent about each since and what is left."""
    from swingfund.compliance.material import CandidateCharge
    from swingfund.compliance.selectors import figure
    from swingfund.funding.selectors import candidate_spent_pence

    rows = [r for r in recorded if r.candidacy_id]
    spent = candidate_spent_pence(organisation=organisation, candidacy_ids=[r.candidacy_id for r in rows])
    charges = []
    for r in rows:
        limit = r.authority.limit_pence if r.authority else figure(
            "local_permitted_sum", on=r.candidacy.election.poll_date).value
        charges.append(CandidateCharge(candidacy_id=r.candidacy_id, name=str(r.candidacy), pence=r.amount_pence,
                                       spent_before_pence=spent[r.candidacy_id] - r.amount_pence,
                                       limit_pence=limit, authorised=r.authority is not None))
    return tuple(charges)


def message_law(*, message: Message, seat_counts: dict[int, int], on: date) -> LawPanel:
    """The law panel of the message page (see `LawPanel`)."""
    from swingfund.compliance.material import Regime
    from swingfund.compliance.models import MaterialCost

    if not price_pence(channel=message.segment.channel):
        return LawPanel(paid=False, on=on)
    recorded = tuple(MaterialCost.objects.filter(organisation=message.organisation,
                                                 source_ref__startswith=f"outreach:message:{message.pk}:")
                     .select_related("candidacy__election", "candidacy__constituency", "authority"))
    seat_counts = {seat: n for seat, n in seat_counts.items() if n}
    if message.status == Message.Status.QUEUED or not seat_counts:
        election_id = next((r.election_id for r in recorded if r.election_id), "")
        regimes = tuple(dict.fromkeys(Regime(r.regime).label for r in recorded))
        limits = _general_limits(organisation=message.organisation, election_id=election_id) if election_id else ()
        return LawPanel(paid=True, on=on, election_id=election_id, regimes=regimes, recorded=recorded,
                        general_limits=limits, candidates=_charged(recorded, message.organisation))
    charge, refusal = message_cost_position(message=message, seat_counts=seat_counts, on=on)
    if charge is None:
        return LawPanel(paid=True, on=on, refusal=refusal, recorded=recorded)
    limits = _general_limits(organisation=message.organisation, election_id=charge.election_id) \
        if charge.election_id else ()
    return LawPanel(paid=True, on=on, election_id=charge.election_id, regimes=tuple(Regime(r).label for r in
                    charge.regimes), candidates=charge.candidates, general_pence=charge.general_pence,
                    general_seats=len(charge.general_seats), outside_pence=charge.outside_pence,
                    general_limits=limits, recorded=recorded)
