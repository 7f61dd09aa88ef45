"""Writes for money going out: campaigns, grants from committee decisions, paying them, and spending about
a named candidate (capped at the local permitted sum unless the agent authorised more in writing)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from swingfund.committee import chain as record_chain
from swingfund.committee.content import proposal_hash
from swingfund.compliance import gifts as law
from swingfund.compliance import material
from swingfund.compliance.bydate import OutOfTime
from swingfund.compliance.models import LegalForm
from swingfund.compliance.selectors import agent_authorities, authority_terms, figure_table, legal_status_for
from swingfund.compliance.selectors_bydate import candidate_spend_date_check, grant_date_check
from swingfund.display import money
from swingfund.elections.models import Candidacy
from swingfund.funding import ledger, selectors
from swingfund.funding.ledger import Line
from swingfund.funding.models import (
    Campaign,
    CandidateSpend,
    Donation,
    GivingMode,
    Grant,
    GrantAllocation,
)
from swingfund.funding.services.gifts import _require_amount, _require_aware
from swingfund.funding.services.refunds import remaining_pence

NOT_A_GRANT = "Decision #{id} is not an approved grant: only approved grant decisions become payable grants."
PROPOSAL_CHANGED = (
    "Refused: proposal #{proposal} no longer matches what decision #{id} approved (recorded hash {recorded}, "
    "the proposal now hashes to {now}); a grant is made only from the proposal exactly as decided."
)
DECISION_DISAGREES = (
    "Refused: decision #{id}, the votes it counted and their hashes do not agree ({problems}); a grant is made only "
    "from a decision its votes and the committee's record chain still support."
)
NO_CAMPAIGN = "No campaign of {organisation} can pay this grant: create a campaign first."
INSUFFICIENT_FUNDS = (
    "Refused: campaign '{campaign}' has {available} pence spendable{held_note}, less than the {amount} pence asked."
)
HELD_NOTE = " ({held} pence more is held pending permissibility checks and may not be spent)"
EARMARK_SHORT = (
    "Refused: only {available} pence of gifts earmarked for {candidacy} remain to pass on, less than {amount} pence."
)
ALREADY_PAID = "Grant #{id} was already paid (bank reference {reference})."
REFERENCE_REQUIRED = "Paying a grant needs the bank reference of the payment."
CHARITY_REFUSED = (
    "Refused: {organisation} is recorded as a charity (no. {number}), and a charity may not give money to a "
    "candidate or party (Charity Commission, CC9 'Speaking out: guidance on campaigning and political activity by "
    "charities'). Change the group's legal status only if it is wrong."
)
SITTING_MP_CODE = "grant_sitting_mp"
NOT_STANDING = (
    "Refused: {candidacy} is not standing at {election} ({reason}). A grant is a donation to a candidate at that "
    "election (Representation of the People Act 1983, Schedule 2A)."
)
UNCLEAN_FUNDS = (
    "Refused: only {clean} of campaign '{campaign}' is clean money for grants, less than the {amount} asked. A grant "
    "passes on gifts to a candidate, so any gift over {threshold.display} in it must come from an identified donor "
    "checked permissible; an anonymous gift over {threshold.display} can never fund one ({threshold.source}). "
    "Check the donors, or fund the grant from other gifts."
)
AGENT_REQUIRED = ("A grant is offered to the candidate's election agent: give the agent's name and at least one way to "
                  "reach them (email, phone or postal address).")
GRANT_CLOSED = "Grant #{id} was {state} by the candidate's agent: it can no longer be offered, accepted or paid."
NOT_PAID_YET = "Grant #{id} was never paid, so it cannot be returned: record that the agent declined it instead."
NOT_YET_PAID_DECLINE = "Grant #{id} was already paid: money the agent sends back is a return, not a refusal."
SLUG_TAKEN = "A campaign with the slug '{slug}' already exists."
# A campaign's slug is in its URLs, file names and CSV exports: lower-case words joined by single hyphens.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80
BAD_SLUG = ("A campaign's slug is lower-case letters (a-z), digits and single hyphens between them, at most "
            f"{SLUG_MAX} characters (e.g. summer-2024); got {{slug!r}}.")
BAD_MODE = "Giving mode must be 'pooled' or 'earmarked' (got {mode!r})."
BAD_DATES = "A campaign must end after it starts."


def campaign_create(*, organisation, slug: str, title: str, description: str, purpose: str, mode: str,
                    goal_pence: int, starts_at: dt.datetime, ends_at: dt.datetime, election=None) -> Campaign:
    """Open a campaign. `purpose` says who the money is for and what for (shown with the crowdfunding notice)."""
    if not isinstance(slug, str) or len(slug) > SLUG_MAX or not SLUG_PATTERN.fullmatch(slug):
        raise ValueError(BAD_SLUG.format(slug=slug))
    if mode not in GivingMode.values:
        raise ValueError(BAD_MODE.format(mode=mode))
    goal_pence = _require_amount(goal_pence)
    starts_at, ends_at = _require_aware(starts_at), _require_aware(ends_at)
    if ends_at <= starts_at:
        raise ValueError(BAD_DATES)
    try:
        with transaction.atomic():
            return Campaign.objects.create(organisation=organisation, slug=slug, title=title, description=description,
                                           purpose=purpose, mode=mode, goal_pence=goal_pence, starts_at=starts_at,
                                           ends_at=ends_at, election=election)
    except IntegrityError as error:
        if Campaign.objects.filter(slug=slug).exists():
            raise ValueError(SLUG_TAKEN.format(slug=slug)) from error
        raise


def grant_refusal(*, campaign: Campaign, candidacy: Candidacy, election_id: str | None = None) -> str | None:
    """Why the law refuses this grant, or None. A grant is a donation to the candidate (not spending: it is not
    tested against the candidate's spending limit), so: the group must be able to make political donations (a
    charity generally may not), and the recipient must be standing at that election — the campaign's election, or
    the committee proposal's (`election_id`) — not at a notional or different one."""
    status = legal_status_for(campaign.organisation)
    if status is not None and status.legal_form == LegalForm.CHARITY:
        return CHARITY_REFUSED.format(organisation=campaign.organisation, number=status.charity_number)
    if candidacy.election.notional:
        return NOT_STANDING.format(candidacy=candidacy, election=candidacy.election_id,
                                   reason="that is a notional result on new boundaries, not a poll")
    for expected in (campaign.election_id, election_id):
        if expected and candidacy.election_id != expected:
            return NOT_STANDING.format(candidacy=candidacy, election=expected,
                                       reason=f"their candidacy is at {candidacy.election_id}")
    return None


def _pick_campaign(*, organisation, candidacy: Candidacy) -> Campaign:
    campaigns = Campaign.objects.filter(organisation=organisation)
    earmarked = campaigns.filter(mode=GivingMode.EARMARKED, donations__earmarked_candidacy=candidacy).first()
    chosen = earmarked or campaigns.filter(mode=GivingMode.POOLED).order_by("-starts_at", "-id").first()
    if chosen is None:
        raise ValueError(NO_CAMPAIGN.format(organisation=organisation))
    return chosen


def grant_create(*, campaign: Campaign, candidacy: Candidacy, amount_pence: int, reason: str,
                 decision_id: int | None = None, created_at: dt.datetime | None = None,
                 election_id: str | None = None) -> Grant:
    """A payable grant: refused when the group may not make it (`grant_refusal`: a charity; a recipient not
    standing at that election), or when the campaign's spendable funds (held gifts excluded) — or, in earmarked
    mode, the gifts earmarked for this candidacy — do not cover it. Posts Dr grants to the candidacy / Cr grants
    payable. In earmarked mode it allocates the oldest earmarked gifts first, so the notice names each true donor."""
    amount_pence = _require_amount(amount_pence)
    moment = _require_aware(created_at or timezone.now())
    refusal = grant_refusal(campaign=campaign, candidacy=candidacy, election_id=election_id)
    try:
        grant_date_check(candidacy=candidacy, on=moment.date())  # the law by date: inside the candidacy, or refused
    except OutOfTime as out_of_time:
        # Money to a sitting MP outside a candidacy is a donation to a regulated donee (PPERA Sch 7): say that
        # first, whatever election the campaign is for; any other refusal by date comes after grant_refusal's.
        if out_of_time.code == SITTING_MP_CODE or not refusal:
            raise
    if refusal:
        raise ValueError(refusal)
    with transaction.atomic():
        ledger.chain_lock()
        if decision_id is not None:
            existing = Grant.objects.filter(decision_id=decision_id).first()
            if existing is not None:
                return existing
        allocations: list[tuple[Donation, int]] = []
        if campaign.mode == GivingMode.EARMARKED:
            allocations = _allocate_earmarked(campaign=campaign, candidacy=candidacy, amount_pence=amount_pence)
        else:
            available = selectors.campaign_spendable_pence(campaign)
            if amount_pence > available:
                held = selectors.campaign_held_pence(campaign)
                raise ValueError(INSUFFICIENT_FUNDS.format(
                    campaign=campaign.slug, available=available, amount=amount_pence,
                    held_note=HELD_NOTE.format(held=held) if held else ""))
            allocations = _allocate_clean(campaign=campaign, amount_pence=amount_pence, on=moment.date())
        approval = ledger.transaction_post(
            kind="grant", description=f"Grant of {money(amount_pence)} to {candidacy}"[:300],
            lines=[Line(ledger.account_for_grants_to(candidacy), amount_pence,
                        f"decision #{decision_id}" if decision_id else "grant"),
                   Line(ledger.account_shared("grants_payable"), -amount_pence, f"candidacy #{candidacy.pk}")],
            campaign=campaign, posted_at=moment,
        )
        grant = Grant.objects.create(decision_id=decision_id, campaign=campaign, candidacy=candidacy,
                                     amount_pence=amount_pence, reason=reason, created_at=moment, approval=approval)
        GrantAllocation.objects.bulk_create(
            [GrantAllocation(grant=grant, donation=gift, amount_pence=share) for gift, share in allocations])
    return grant


def _allocate_clean(*, campaign: Campaign, amount_pence: int, on: dt.date) -> list[tuple[Donation, int]]:
    """Pooled mode: the clean gifts (`selectors.clean_gift_filter`) a grant passes on, oldest first, so the ledger
    records which gifts fund it; refused (UNCLEAN_FUNDS) when the clean part of the fund does not cover it."""
    clean = selectors.campaign_clean_pence(campaign, on=on)
    if amount_pence > clean:
        raise ValueError(UNCLEAN_FUNDS.format(clean=money(clean), campaign=campaign.slug, amount=money(amount_pence),
                                              threshold=figure_table().get(law.GRANT_FIGURE, on=on)))
    gifts = selectors.gifts_free_to_grant(campaign).filter(selectors.clean_gift_filter(on=on))
    allocations, needed = [], amount_pence
    for gift in gifts.iterator():
        share = min(gift.free_pence, needed)
        allocations.append((gift, share))
        needed -= share
        if needed == 0:
            break
    return allocations


def _allocate_earmarked(*, campaign: Campaign, candidacy: Candidacy, amount_pence: int) -> list[tuple[Donation, int]]:
    gifts = Donation.objects.select_for_update(of=("self",)).filter(  # a gift row, not its donor
        selectors.clean_gift_filter(on=campaign.starts_at.date()), campaign=campaign, earmarked_candidacy=candidacy,
        status=Donation.Status.ACCEPTED).order_by("received_at", "id")
    allocations, needed = [], amount_pence
    for gift in gifts:
        passed_on = gift.allocations.filter(grant__reversal__isnull=True).aggregate(t=Sum("amount_pence"))["t"] or 0
        free = remaining_pence(gift) - passed_on
        if free <= 0:
            continue
        share = min(free, needed)
        allocations.append((gift, share))
        needed -= share
        if needed == 0:
            return allocations
    raise ValueError(EARMARK_SHORT.format(available=amount_pence - needed, candidacy=candidacy, amount=amount_pence))


def grant_create_from_decision(*, decision, campaign: Campaign | None = None,
                               created_at: dt.datetime | None = None) -> Grant:
    """The payable grant of an approved committee grant decision (idempotent: one grant per decision)."""
    proposal = decision.proposal
    if decision.outcome != "approved" or proposal.kind != "grant" or proposal.candidacy_id is None:
        raise ValueError(NOT_A_GRANT.format(id=decision.pk))
    proposal.refresh_from_db()
    current = proposal_hash(proposal)
    if current != decision.proposal_hash:
        raise ValueError(PROPOSAL_CHANGED.format(proposal=proposal.pk, id=decision.pk,
                                                 recorded=decision.proposal_hash[:12], now=current[:12]))
    problems = record_chain.decision_problems(decision)  # the votes, the decision and their chained hashes agree
    if problems:
        raise ValueError(DECISION_DISAGREES.format(id=decision.pk, problems="; ".join(problems)))
    existing = Grant.objects.filter(decision_id=decision.pk).first()
    if existing is not None:
        return existing
    if campaign is None:
        campaign = _pick_campaign(organisation=proposal.organisation, candidacy=proposal.candidacy)
    return grant_create(campaign=campaign, candidacy=proposal.candidacy, amount_pence=int(proposal.amount_pence),
                        reason=proposal.reason, decision_id=decision.pk, election_id=proposal.election_id,
                        created_at=created_at)


def grant_pay(*, grant: Grant, bank_reference: str, paid_at: dt.datetime | None = None, agent_name: str = "",
              agent_address: str = "") -> Grant:
    """Record the bank payment of a grant: Dr grants payable / Cr bank, with the bank reference."""
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise ValueError(REFERENCE_REQUIRED)
    moment = _require_aware(paid_at or timezone.now())
    with transaction.atomic():
        ledger.chain_lock()
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.came_back:
            raise ValueError(GRANT_CLOSED.format(id=grant.pk, state=grant.get_agent_response_display().lower()))
        if grant.status == Grant.Status.PAID:
            if grant.bank_reference == bank_reference:
                return grant
            raise ValueError(ALREADY_PAID.format(id=grant.pk, reference=grant.bank_reference))
        grant.payment = ledger.transaction_post(
            kind="grant_paid", description=f"Grant #{grant.pk} paid to {grant.candidacy}"[:300],
            lines=[Line(ledger.account_shared("grants_payable"), grant.amount_pence, f"grant #{grant.pk}"),
                   Line(ledger.account_shared("bank"), -grant.amount_pence, f"grant #{grant.pk}")],
            campaign=grant.campaign, posted_at=moment,
        )
        grant.status, grant.paid_at, grant.bank_reference = Grant.Status.PAID, moment, bank_reference
        grant.agent_name = agent_name or grant.agent_name
        grant.agent_address = agent_address or grant.agent_address
        grant.save(update_fields=["payment", "status", "paid_at", "bank_reference", "agent_name", "agent_address"])
    return grant


def grant_offer(*, grant: Grant, agent_name: str, agent_email: str = "", agent_phone: str = "",
                agent_address: str = "", offered_at: dt.datetime | None = None) -> Grant:
    """Offer the grant to the candidate's election agent, named with a way to reach them: the donation notice is
    addressed to this agent, who accepts or declines."""
    agent_name = (agent_name or "").strip()
    contacts = [(value or "").strip() for value in (agent_email, agent_phone, agent_address)]
    if not agent_name or not any(contacts):
        raise ValueError(AGENT_REQUIRED)
    moment = _require_aware(offered_at or timezone.now())
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.came_back:
            raise ValueError(GRANT_CLOSED.format(id=grant.pk, state=grant.get_agent_response_display().lower()))
        grant.agent_name = agent_name
        grant.agent_email, grant.agent_phone, grant.agent_address = contacts
        grant.offered_at = moment
        grant.save(update_fields=["agent_name", "agent_email", "agent_phone", "agent_address", "offered_at"])
    return grant


def _respond(grant: Grant, *, on: dt.date, note: str, response: str) -> Grant:
    if not isinstance(on, dt.date):
        raise ValueError("The agent's answer needs its date (a date, e.g. 2024-06-20).")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.came_back:
        raise ValueError(GRANT_CLOSED.format(id=grant.pk, state=grant.get_agent_response_display().lower()))
    if not grant.agent_name:
        raise ValueError(AGENT_REQUIRED)
    grant.agent_response, grant.responded_on, grant.response_note = response, on, (note or "")[:300]
    return grant


def _on_day(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)


def grant_accept(*, grant: Grant, on: dt.date, note: str = "") -> Grant:
    """The agent accepts the grant on `on` (candidates do welcome or refuse such support)."""
    with transaction.atomic():
        grant = _respond(grant, on=on, note=note, response=Grant.Response.ACCEPTED)
        grant.save(update_fields=["agent_response", "responded_on", "response_note"])
    return grant


def grant_decline(*, grant: Grant, on: dt.date, note: str = "") -> Grant:
    """The agent declines an unpaid grant on `on`: its approval is reversed by a new ledger transaction linked to
    it, so the money is back in the group's fund (and free to fund another grant)."""
    with transaction.atomic():
        ledger.chain_lock()
        grant = _respond(grant, on=on, note=note, response=Grant.Response.DECLINED)
        if grant.status == Grant.Status.PAID:
            raise ValueError(NOT_YET_PAID_DECLINE.format(id=grant.pk))
        grant.reversal = ledger.transaction_reverse(original=grant.approval, posted_at=_on_day(on))
        grant.save(update_fields=["agent_response", "responded_on", "response_note", "reversal"])
    return grant


def grant_return(*, grant: Grant, on: dt.date, note: str = "") -> Grant:
    """The agent sends a paid grant back on `on`: the payment and then the approval are reversed, each by a new
    ledger transaction linked to its original, so the money is back in the bank and in the group's fund."""
    with transaction.atomic():
        ledger.chain_lock()
        grant = _respond(grant, on=on, note=note, response=Grant.Response.RETURNED)
        if grant.status != Grant.Status.PAID:
            raise ValueError(NOT_PAID_YET.format(id=grant.pk))
        grant.payment_reversal = ledger.transaction_reverse(original=grant.payment, posted_at=_on_day(on))
        grant.reversal = ledger.transaction_reverse(original=grant.approval, posted_at=_on_day(on))
        grant.save(update_fields=["agent_response", "responded_on", "response_note", "reversal",
                                  "payment_reversal"])
    return grant


def candidate_spend_record(*, campaign: Campaign, candidacy: Candidacy, kind: str, description: str,
                           amount_pence: int, spent_at: dt.datetime, supplier: str = "",
                           invoice_reference: str = "") -> CandidateSpend:
    """Spending about a named candidate (RPA 1983 s.75), checked by the law's one rule for it
    (`compliance.material.check_candidate_material`, the rule material is checked by before it goes out): with
    everything the campaign's group has spent about that candidacy before (this record and the material costs
    charged to it), it is refused past the permitted sum, unless the candidate's election agent authorised more in
    writing (`swingfund compliance authority`: the group's latest authority signed on or before the day of the
    spending), and then past the authority's limit. Another group's spending or authority does not count. Also
    refused beyond the campaign's spendable funds. Posts Dr candidate spend / Cr bank."""
    amount_pence = _require_amount(amount_pence)
    moment = _require_aware(spent_at)
    candidate_spend_date_check(candidacy=candidacy, on=moment.date())  # s.75: only within the candidacy
    organisation = campaign.organisation
    status = legal_status_for(organisation)
    material.check_charity(legal_form=status.legal_form if status else None,  # CC9: a charity may not, at any sum
                           charity_number=status.charity_number if status else "",
                           organisation=str(organisation), doing=material.CHARITY_CANDIDATE)
    with transaction.atomic():
        ledger.chain_lock()  # one writer at a time: the total checked is the total written against
        spent = selectors.candidate_spent_pence(organisation=organisation, candidacy_ids=[candidacy.pk])
        authority = agent_authorities(organisation=organisation, candidacy_ids=[candidacy.pk],
                                      on=moment.date()).get(candidacy.pk)
        material.check_candidate_material(
            figures=figure_table(), costs={candidacy.pk: amount_pence}, earlier=spent,
            authorities={candidacy.pk: authority_terms(authority)}, names={candidacy.pk: str(candidacy)},
            on=candidacy.election.poll_date, spending=True)
        available = selectors.campaign_spendable_pence(campaign)
        if amount_pence > available:
            held = selectors.campaign_held_pence(campaign)
            raise ValueError(INSUFFICIENT_FUNDS.format(campaign=campaign.slug, available=available,
                                                       amount=amount_pence,
                                                       held_note=HELD_NOTE.format(held=held) if held else ""))
        posted = ledger.transaction_post(
            kind="candidate_spend",
            description=f"{CandidateSpend.Kind(kind).label if kind in CandidateSpend.Kind.values else 'Spending'} "
                        f"about {candidacy}"[:300],
            lines=[Line(ledger.account_shared("candidate_spend"), amount_pence, f"candidacy #{candidacy.pk}"),
                   Line(ledger.account_shared("bank"), -amount_pence, f"candidacy #{candidacy.pk}")],
            campaign=campaign, posted_at=moment,
        )
        return CandidateSpend.objects.create(
            candidacy=candidacy, campaign=campaign, kind=kind, description=description, amount_pence=amount_pence,
            spent_at=moment, supplier=supplier, invoice_reference=invoice_reference, authority=authority,
            transaction=posted)
