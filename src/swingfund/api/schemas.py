"""The API's response and request shapes (pydantic, via django-ninja): the OpenAPI schema is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from swingfund.targeting.display import LEVERAGE_NOTE, OWN_LEVERAGE_FIELD


class Problem(Schema):
    detail: str = Field(min_length=1)


class ValidationIssue(Schema):
    """One problem with a parameter or the body, as django-ninja reports it (`loc` says where)."""

    type: str
    loc: list[str | int]
    msg: str


class ValidationProblem(Schema):
    """A 422: the parameters or body that do not validate (a list), or a write the law or an idempotency key refuses
    (a sentence)."""

    detail: str | list[ValidationIssue]


class ElectionOut(Schema):
    id: str
    name: str
    poll_date: dt.date
    boundary_set: str
    notional: bool
    seats_with_results: int


class SeatOut(Schema):
    gss_code: str
    name: str
    nation: str
    region: str
    electorate: int
    valid_votes: int
    majority: int
    winner: str
    winner_party: str
    runner_up_party: str


class Source(Schema):
    title: str
    publisher: str
    file: str
    url: str | None = None
    sha256: str | None = None


class TargetOut(Schema):
    code: str
    name: str
    region: str
    nation: str
    mp: str
    party: str
    majority: float | None
    population: float | None
    bloc_voters: float | None
    bloc_vote: float | None
    leverage: float | str | None = Field(description=LEVERAGE_NOTE)  # the words of /targets/#leverage
    own_leverage: float | str | None = Field(description=OWN_LEVERAGE_FIELD)
    seed_flag: bool | None
    p_swing: float | None
    p_own: float | None
    has_data: bool


class TargetsOut(Schema):
    election: str
    boundary_set: str
    bloc: str
    censuses: list[str]
    draws: int
    seed: int
    projection: str | None
    assumptions: dict[str, Any]
    sources: list[Source]
    notes: list[str]
    seats: list[TargetOut]


class RecommendationOut(Schema):
    gss_code: str
    seat: str
    action: str
    backed: str
    candidacy_id: int | None
    reason: str
    majority: int | None
    leverage: float | None = Field(description=LEVERAGE_NOTE)
    p_decisive: float | None
    expected_impact: float


class RecommendationsOut(Schema):
    election: str
    organisation: str
    bloc: str | None
    notes: list[str]
    recommendations: list[RecommendationOut]


class OrganisationOut(Schema):
    slug: str
    name: str
    demo: bool
    standard_grant_pence: int


class DecisionOut(Schema):
    id: int
    election: str
    gss_code: str
    seat: str
    kind: str
    outcome: str
    candidacy: str
    amount_pence: int
    decided_at: dt.datetime
    reason: str
    tally: dict[str, Any]
    ballots: list[dict[str, Any]]


class StatementOut(Schema):
    slug: str
    title: str
    version: int
    text: str


class DivisionOut(Schema):
    division_id: str
    date: dt.date
    title: str
    url: str


class EvidenceOut(Schema):
    id: int
    person_id: int
    statement: str
    kind: str
    stance: str
    vote: str
    date: dt.date
    summary: str
    source_url: str
    division: DivisionOut | None


class ScorecardLineOut(Schema):
    statement: str
    title: str
    stance: str
    band: str
    vote_distance: float | None
    evidence: list[EvidenceOut]


class ScorecardOut(Schema):
    person_id: int
    name: str
    organisation: str
    method: str
    lines: list[ScorecardLineOut]


class CampaignOut(Schema):
    slug: str
    title: str
    organisation: str
    mode: str
    purpose: str
    election: str | None
    goal_pence: int
    raised_pence: int
    held_pence: int
    committed_pence: int
    spendable_pence: int
    gifts: int
    donors: int
    starts_at: dt.datetime
    ends_at: dt.datetime


class LedgerEntryOut(Schema):
    account: str
    account_name: str
    amount_pence: int


class LedgerSpendingOut(Schema):
    supplier: str = Field(description="The supplier paid, as recorded (a demo's suppliers are illustrative).")
    purpose: str = Field(description="What the money was for, as the public ledger page says it.")


class LedgerRowOut(Schema):
    id: int
    posted_at: dt.datetime
    kind: str
    description: str
    campaign: str
    reverses: int | str
    giver: str
    cash_pence: int
    entries: list[LedgerEntryOut]
    prev_hash: str
    hash: str
    what: str = Field(description="The line in plain words, as on the public ledger page (not part of the hash).")
    spending: LedgerSpendingOut | None = Field(None, description="For spending: its supplier and purpose.")


class LedgerOut(Schema):
    count: int
    totals: dict[str, int]
    transactions: list[LedgerRowOut]


class GiftIn(Schema):
    amount: str = Field(min_length=1, max_length=30, description="In pounds: '25', '£1,025.50'.")
    method: Literal["cash", "cheque", "bank_transfer"] = Field(description="An offline method (card gifts come "
                                                                           "through the payment provider).")
    reference: str = Field(max_length=200)
    received_on: dt.date | None = None
    anonymous: bool = False
    name: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    consent_publish: bool = False
    for_candidacy: int | None = Field(None, ge=1, le=2**31 - 1)


class GiftOut(Schema):
    id: int
    campaign: str
    amount_pence: int
    status: str
    hold_reason: str
    ledger_transaction: int | None


class SeatEvaluationOut(Schema):
    gss_code: str
    seat: str
    candidacy_id: int
    candidate: str
    party: str
    won: bool
    majority: int
    lead: int
    winner: str
    bloc_effect_interval: list[int] | None
    plausibly_pivotal: bool
    pivotal: str
    money: dict[str, Any]
    forecast: dict[str, Any] | None


class EvaluationOut(Schema):
    election: str
    organisation: str
    bloc: str
    summary: dict[str, Any]
    seats: list[SeatEvaluationOut]
    notes: list[str]
    stored_forecasts: list[dict[str, Any]] = []  # the forecasts the group stored, scored (evaluation/stored.py)


class SupporterIn(Schema):
    """A person who asked to hear from the group, signed up by an organiser's own system (a paper form, a stall):
    `consents` are the purposes they agreed to ("email", "whatsapp", "special"), `evidence` where and how."""

    first_name: str
    last_name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str
    language: str = "en"
    consents: list[str]
    evidence: str


class SupporterOut(Schema):
    id: int
    gss_code: str
    constituency: str
    email_confirmation_sent: bool
