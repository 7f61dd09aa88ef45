"""Reads for the public journey: home → postcode → seat → decision → grant → ledger. Read-only; each function
composes the owning apps' own selectors (DESIGN.md: the public site reads the apps to its left)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from swingfund import caching
from swingfund.committee.models import Decision
from swingfund.elections.models import BoundarySet, Candidacy, Constituency, Election, Result
from swingfund.elections.selectors import (
    constituencies_named,
    constituency_for_postcode,
    is_postcode,
    postcode_example,
    postcode_lookup_covers_every_seat,
)
from swingfund.funding import selectors as funding
from swingfund.funding.models import Campaign, Grant
from swingfund.funding.rules import campaign_status
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import GroupDefaults, group_defaults, organisation_current, organisation_defaults
from swingfund.targeting.bloc import BlocError, bloc_parse
from swingfund.targeting.display import LEVERAGE_HREF, LEVERAGE_NOTE
from swingfund.targeting.selectors import TargetingError
from swingfund.targeting.targets import TargetRow, TargetTable, targets_compute

LATEST_DECISIONS = 6


def group(request: HttpRequest | None = None) -> GroupDefaults:
    """The defaults of the group this request's site serves (its organisation row, chosen by host): election, lens,
    bloc or none. Without a request: the site's only (or first) group."""
    if request is not None and hasattr(request, "organisation"):
        return organisation_defaults(organisation=request.organisation)
    return group_defaults()


def group_bloc(request: HttpRequest | None = None) -> str:
    """The group's census bloc, the view every public page opens on; "" for a group without one."""
    return group(request).bloc


def group_lens(request: HttpRequest | None = None) -> str:
    return group(request).lens


def group_election(request: HttpRequest | None = None) -> str:
    """The election the group's public pages open on (its default, else the latest imported)."""
    return group(request).election_id


def organisation() -> Organisation | None:
    return organisation_current()


def targets_cached(*, election_id: str, bloc: str, request: HttpRequest | None = None) -> TargetTable:
    """The target table for an election and bloc with the default assumptions, a heavy result computed once per
    imported data version (`caching.result`; the computation is seeded, so the cached table equals a fresh one).
    Give the `request` when a visitor chose the bloc: a new table then counts against an anonymous visitor's rate
    limit and may be refused (`caching.Refused`)."""
    return caching.result(request=request, name="public:targets", params={"election": election_id, "bloc": bloc},
                          version=caching.data_version("imports"),
                          compute=lambda: targets_compute(election_id=election_id,
                                                          bloc=bloc_parse(text=bloc) if bloc else None))


def seat_for_postcode(postcode: str) -> Constituency:
    """The current constituency of a postcode (2024 boundaries); LookupFailure names what is wrong."""
    return constituency_for_postcode(postcode, boundary_set=BoundarySet.PCON2024)


def looks_like_postcode(text: str) -> bool:
    return is_postcode(text)


def seats_named(text: str) -> list[Constituency]:
    """The current seats (2024 boundaries) a seat name or place name finds; one for a seat's whole name."""
    return constituencies_named(text, boundary_set=BoundarySet.PCON2024)


def postcode_lookup_complete() -> bool:
    return postcode_lookup_covers_every_seat(boundary_set=BoundarySet.PCON2024)


@dataclass(frozen=True)
class SearchExamples:
    postcode: str  # "" when the lookup holds no postcode
    name: str


def search_examples(*, organisation: Organisation | None) -> SearchExamples:
    """Examples for the find-my-seat box that work on this site: a postcode the imported lookup answers, and the
    name of the seat of the group's latest decision (else the first seat by name)."""
    latest = (Decision.objects.filter(proposal__organisation=organisation).select_related("proposal__constituency")
              .order_by("-decided_at").first() if organisation is not None else None)
    if latest is not None:
        name = latest.proposal.constituency.name
    else:
        name = (Constituency.objects.filter(boundary_set=BoundarySet.PCON2024).order_by("name")
                .values_list("name", flat=True).first() or "")
    return SearchExamples(postcode=postcode_example(boundary_set=BoundarySet.PCON2024), name=name)


def latest_election_for(seat: Constituency) -> Election | None:
    result = (Result.objects.filter(constituency=seat).select_related("election")
              .order_by("-election__poll_date").first())
    return result.election if result else None


@dataclass
class BlocEstimate:
    bloc: str
    row: TargetRow
    voters_low: float
    voters_high: float
    vote_low: float
    vote_high: float
    notes: list[str] = field(default_factory=list)


def bloc_estimate(*, election_id: str, code: str, bloc: str) -> BlocEstimate | None:
    """The seat's bloc voters and cohesive bloc vote with the range the assumptions allow (every assumption at
    its low end, then at its high end), from the cached target table; None without census figures (and for a
    group without a census bloc)."""
    if not bloc:
        return None
    try:
        table = targets_cached(election_id=election_id, bloc=bloc)
    except (BlocError, TargetingError, ValueError):
        return None
    if code not in table.seats.codes:
        return None
    row = table.row(table.seats.codes.index(code))
    if not row.has_data:
        return None
    a = table.assumptions
    central = a.adult_ratio.central * a.registration.central * a.turnout_ratio.central
    low = a.adult_ratio.low * a.registration.low * a.turnout_ratio.low
    high = a.adult_ratio.high * a.registration.high * a.turnout_ratio.high
    voters = row.bloc_voters
    return BlocEstimate(
        bloc=bloc, row=row, voters_low=voters * low / central, voters_high=voters * high / central,
        vote_low=voters * low / central * a.cohesion.low, vote_high=voters * high / central * a.cohesion.high,
        notes=[n for n in table.notes() if n != LEVERAGE_NOTE])  # the page links to /targets/#leverage instead


@dataclass
class ResultLine:
    candidacy: Candidacy
    share: float
    width: float


def result_lines(*, result: Result) -> list[ResultLine]:
    """The seat's count as bars: each candidacy's votes and share of the valid vote, largest first."""
    cands = list(Candidacy.objects.filter(election=result.election, constituency=result.constituency)
                 .select_related("party", "person").order_by("-votes", "person_name"))
    top = max((c.votes or 0 for c in cands), default=0) or 1
    valid = result.valid_votes or 1
    return [ResultLine(candidacy=c, share=(c.votes or 0) / valid, width=100 * (c.votes or 0) / top) for c in cands]


def seat_decisions(*, seat: Constituency, organisation: Organisation | None = None) -> QuerySet[Decision]:
    """The seat's decisions: of `organisation` only when given (a site serving several groups shows each its own)."""
    mine = {"proposal__organisation": organisation} if organisation is not None else {}
    return (Decision.objects.filter(proposal__constituency=seat, **mine)
            .select_related("proposal", "proposal__candidacy", "proposal__candidacy__party", "proposal__election",
                            "proposal__organisation")
            .order_by("-decided_at", "-id"))


def seat_grants(*, seat: Constituency, organisation: Organisation | None = None) -> QuerySet[Grant]:
    """Grants to any candidacy in this seat (from `organisation`'s campaigns when given), with their ledger
    transactions (approval, payment)."""
    mine = (Q(campaign__organisation=organisation) | Q(campaign__organisation__isnull=True)
            if organisation is not None else Q())
    return (Grant.objects.filter(mine, candidacy__constituency=seat)
            .select_related("candidacy", "candidacy__party", "campaign", "decision", "approval", "payment")
            .order_by("created_at", "id"))


def latest_decisions(*, limit: int = LATEST_DECISIONS,
                     organisation: Organisation | None = None) -> QuerySet[Decision]:
    mine = {"proposal__organisation": organisation} if organisation is not None else {}
    return (Decision.objects.filter(**mine).select_related("proposal", "proposal__constituency", "proposal__candidacy",
                                            "proposal__candidacy__party", "proposal__election")
            .order_by("-decided_at", "-id")[:limit])


def decision_get(*, pk: int) -> Decision:
    return (Decision.objects.select_related("proposal", "proposal__constituency", "proposal__candidacy",
                                            "proposal__candidacy__party", "proposal__election",
                                            "proposal__organisation")
            .get(pk=pk))


def grant_for(decision: Decision) -> Grant | None:
    return Grant.objects.filter(decision=decision).select_related("approval", "payment", "campaign").first()


def campaigns_with_totals(*, organisation: Organisation | None = None) -> list[dict]:
    """Campaigns with their totals: `organisation`'s own (and any belonging to no group) when given."""
    mine = Q(organisation=organisation) | Q(organisation__isnull=True) if organisation is not None else Q()
    now = timezone.now()
    return [{"campaign": c, "totals": funding.campaign_totals(c),
             "status": campaign_status(starts_at=c.starts_at, ends_at=c.ends_at, now=now)}
            for c in Campaign.objects.filter(mine).select_related("organisation").order_by("-ends_at")]


def recommendations_cached(*, organisation: Organisation, election_id: str, bloc: str, lens: str) -> tuple[list, list]:
    """Every seat's recommendation (scorecards' rule over targeting), a heavy result computed once per version of
    the imports, the organisations and the scorecards (`caching.result`)."""
    from swingfund.scorecards.recommendations import recommendations_with_notes

    supporters = None
    if not bloc and organisation.bloc_kind == "supporters":
        from swingfund.outreach.selectors import supporters_per_seat

        supporters = supporters_per_seat(organisation_id=organisation.pk)
    return caching.result(
        name="public:recommendations", version=caching.data_version("imports", "organisations", "scorecards"),
        params={"organisation": organisation.pk, "election": election_id, "bloc": bloc, "lens": lens,
                "supporters": sorted((supporters or {}).items())},
        compute=lambda: recommendations_with_notes(organisation=organisation, election_id=election_id,
                                                   bloc=bloc or None, supporters=supporters, lens=lens, top=None))


def backed_map_svg(*, election_id: str, bloc: str, organisation: Organisation) -> str:
    """The hex map of leverage with the seats the committee approved a grant in outlined; '' without a layout."""
    from django.urls import reverse

    from swingfund.display import money
    from swingfund.targeting.charts import ChartError, hexjson_path
    from swingfund.targeting.hexmap import linked_hex_map_html, map_hexes_load

    if not bloc:
        return ""
    table = targets_cached(election_id=election_id, bloc=bloc)
    try:
        hexes = map_hexes_load(path=hexjson_path(boundary_set=table.seats.boundary_set))
    except ChartError:
        return ""
    grants = {d.proposal.constituency.gss_code: d for d in Decision.objects.filter(
        proposal__organisation=organisation, proposal__election_id=election_id, proposal__kind="grant",
        outcome="approved").select_related("proposal", "proposal__constituency", "proposal__candidacy")}
    rows = table.rows(sort="leverage")
    titles = {}
    for r in rows:
        backed = grants.get(r.code)
        extra = (f"; we gave {money(backed.proposal.amount_pence)} to {backed.proposal.candidacy.person_name}"
                 if backed else "")
        titles[r.code] = f"{r.name}: leverage {r.leverage:.1f}{extra}"
    return linked_hex_map_html(hexes=hexes, values={r.code: r.leverage for r in rows}, titles=titles,
                               link=lambda code: reverse("public:seat", args=[code]), marked=set(grants),
                               legend_title="Leverage", legend_href=LEVERAGE_HREF)


@dataclass
class BackingRow:
    rank: int
    recommendation: object
    decision: Decision | None


def whom_we_back(*, organisation: Organisation, election_id: str, bloc: str, lens: str, top: int) -> tuple[
        list[BackingRow], list[str]]:
    """The top recommendations by expected impact, plus every seat the committee decided on (so no decision — and
    no grant — is left off), each beside the committee's actual decision, rejections included."""
    recs, notes = recommendations_cached(organisation=organisation, election_id=election_id, bloc=bloc, lens=lens)
    decisions = {d.proposal.constituency.gss_code: d for d in
                 Decision.objects.filter(proposal__organisation=organisation, proposal__election_id=election_id)
                 .select_related("proposal", "proposal__constituency", "proposal__candidacy",
                                 "proposal__candidacy__party").order_by("decided_at", "id")}
    rows = [BackingRow(rank=i + 1, recommendation=r, decision=decisions.get(r.gss_code))
            for i, r in enumerate(recs) if i < top or r.gss_code in decisions]
    return rows, notes


# One plain headline per decision and per seat (issue 22, part 2). The words are module constants so that tests
# and templates agree on them.
BACKS_PAID = "The committee backs {name}: {amount} paid"
BACKS_PROMISED = "The committee backs {name}: {amount} promised, not yet paid"
BACKS_APPROVED = "The committee backs {name}: {amount} agreed, not yet granted"
NOT_BACKED = "The committee voted not to back {name}: {reason}"
STAY_OUT = "We stay out here: {reason}"
NOT_STAYING_OUT = "The committee voted against staying out here: {reason}"
NO_DECISION = "The committee has not decided anything about this seat yet."
NO_REASON_GIVEN = "no member gave a reason ({against} of {eligible} voted against)"


def rejection_words(decision: Decision) -> str:
    """The reasons members gave for a rejection, in words ("The amount is not right for this seat; …"); when none
    was given, who voted against."""
    reasons = decision.reasons or []
    if reasons:
        return "; ".join(r["label"] + (f" ({r['count']} members)" if r.get("count", 1) > 1 else "") for r in reasons)
    tally = decision.tally or {}
    return NO_REASON_GIVEN.format(against=tally.get("votes_against", 0), eligible=tally.get("eligible", 0))


def decision_headline(decision: Decision, grant: Grant | None = None) -> str:
    """The one sentence a visitor reads for a decision: whom the committee backs and what it paid, whom it voted
    not to back and why, or why it stays out."""
    from swingfund.display import money

    proposal = decision.proposal
    approved = decision.outcome == Decision.Outcome.APPROVED
    if proposal.kind == "grant":
        name = proposal.candidacy.person_name if proposal.candidacy else "a candidate"
        if proposal.candidacy and proposal.candidacy.illustrative:  # an invented (demo) candidate, labelled so
            name += " (illustrative)"
        if not approved:
            return NOT_BACKED.format(name=name, reason=rejection_words(decision))
        if grant is None:
            return BACKS_APPROVED.format(name=name, amount=money(proposal.amount_pence, short=True))
        words = BACKS_PAID if grant.payment_id else BACKS_PROMISED
        return words.format(name=name, amount=money(grant.amount_pence, short=True))
    if approved:
        return STAY_OUT.format(reason=proposal.reason.rstrip("."))
    return NOT_STAYING_OUT.format(reason=rejection_words(decision))


def seat_headline(*, decisions: list[Decision], grants: list[Grant]) -> str:
    """The seat's headline: its latest decision's (`decisions` newest first), with that decision's grant."""
    if not decisions:
        return NO_DECISION
    latest = decisions[0]
    grant = next((g for g in grants if g.decision_id == latest.pk), None)
    return decision_headline(latest, grant)


@dataclass
class RecordLine:
    decision: Decision
    headline: str
    grant: Grant | None


def group_record(*, organisation: Organisation | None, limit: int = LATEST_DECISIONS) -> dict:
    """What the group backs and what it gave: every approved grant decision with its headline and grant (newest
    first), the total granted and paid, and the latest other decisions with their headlines."""
    mine = {"proposal__organisation": organisation} if organisation is not None else {}
    decisions = list(Decision.objects.filter(**mine).select_related(
        "proposal", "proposal__constituency", "proposal__candidacy", "proposal__candidacy__party",
        "proposal__election").order_by("-decided_at", "-id"))
    grants = {g.decision_id: g for g in Grant.objects.filter(decision__in=[d.pk for d in decisions])}
    lines = [RecordLine(decision=d, headline=decision_headline(d, grants.get(d.pk)), grant=grants.get(d.pk))
             for d in decisions]
    backed = [line for line in lines if line.decision.proposal.kind == "grant"
              and line.decision.outcome == Decision.Outcome.APPROVED]
    return {
        "backed": backed,
        "others": [line for line in lines if line not in backed][:limit],
        "granted_pence": sum(line.grant.amount_pence for line in backed if line.grant is not None),
        "paid_pence": sum(line.grant.amount_pence for line in backed
                          if line.grant is not None and line.grant.payment_id),
    }


def seat_bloc_words(*, seat: Constituency, bloc: str) -> str:
    """The bloc in words with the census of the seat's nation: Scotland's was taken in 2022, the rest of the UK's
    in 2021 ("Muslim (Scotland's census 2022)")."""
    from swingfund.display import bloc_words

    if not bloc:
        return ""
    if seat.gss_code.upper().startswith("S") and "/" not in bloc:
        return bloc_words(f"census2022/{bloc}")
    return bloc_words(bloc)


def give_link(*, organisation: Organisation | None) -> tuple[str, str]:
    """Where a visitor gives: (url, words) for the group's open campaign ending soonest, else the fund's page."""
    from django.urls import reverse

    for row in sorted(campaigns_with_totals(organisation=organisation), key=lambda r: r["campaign"].ends_at):
        if row["status"] == "open":
            campaign = row["campaign"]
            return reverse("funding:campaign", args=[campaign.slug]), f"Give to {campaign.title}"
    return reverse("funding:campaigns"), "Give to the fund"


@dataclass(frozen=True)
class MajorityBar:
    """The forecast's 10–90 % range of the projected winner's lead, drawn on an axis that always shows zero:
    positions in percent of the bar's width."""
    low: int
    high: int
    left: float  # where the range starts
    width: float  # how wide it is
    zero: float  # where a lead of zero (a tie) sits
    crosses_zero: bool


def majority_bar(row: TargetRow) -> MajorityBar | None:
    """The bar for a target row's majority interval; None when the forecast gives none."""
    import math

    low, high = row.majority_interval
    if math.isnan(low) or math.isnan(high):
        return None
    start, end = min(low, 0.0), max(high, 0.0)
    span = (end - start) or 1.0
    start, span = start - 0.05 * span, 1.1 * span  # a margin either side
    return MajorityBar(low=round(low), high=round(high), left=100 * (low - start) / span,
                       width=max(100 * (high - low) / span, 0.5), zero=100 * (0 - start) / span,
                       crosses_zero=low < 0 < high)
