"""The worked example on /compliance/: a group with £20,000 raised, two £1,000 grants and £1,200 of messages
backing one candidate, with and without the agent's written authority, and its returns.

Nothing in it is typed: the scenario is built in a fresh organisation through the public services (gifts, grants,
the agent's answer, the material check, the agent's authority), every figure is read back from the real functions
(limits, checks, the returns, the position), and the transaction is then rolled back, so nothing is kept. The
figures are illustrative (invented donors and agents), the candidacies real ones standing at the election shown.

Each figure is a `Fig` (a key, the words shown) so the page marks it and a test can check every one by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from swingfund.compliance import material
from swingfund.compliance.checks import return_due_date
from swingfund.compliance.errors import ComplianceRefusal
from swingfund.compliance.limits import FigureNotInForce
from swingfund.compliance.selectors import figure_table
from swingfund.compliance.selectors_general import regulated_period_for
from swingfund.display import day_words, election_words, money

ORGANISATION_NAME = "Worked Example Group (illustrative)"
ORGANISATION_SLUG = "worked-example-illustrative"
ORGANISATION_ADDRESS = "1 Example Street, Leeds LS1 1AA"
# (name, pence) of each gift, received on the gift day; then SMALL_GIFTS supporters giving SMALL_GIFT_PENCE each
GIFTS = (("Asha Example", 800_000), ("Ben Example", 500_000), ("Cara Example", 400_000))
SMALL_GIFTS, SMALL_GIFT_PENCE = 10, 30_000
GRANT_PENCE = 100_000
MESSAGE_PENCE = 120_000
AUTHORITY_PENCE = 150_000
GIFT_DAYS_BEFORE_POLL = 60
GRANT_DAYS_BEFORE_POLL = 14  # after the close of nominations: the candidacy has begun (RPA 1983 s.118A)
MESSAGE_DAYS_BEFORE_POLL = 10
MESSAGE_TEXT = "Our committee backs {candidate} in this seat. Polling day is Thursday."
NOT_AVAILABLE = "No worked example for {election}: {reason}"


@dataclass(frozen=True)
class Fig:
    key: str
    text: str


@dataclass(frozen=True)
class Cite:
    """A legal figure's citation, as the figure table gives it (a source, not a figure of the example)."""

    cite: str


@dataclass
class Step:
    """A heading and its lines; a line is a list of parts, each plain words or a `Fig`."""

    title: list
    lines: list[list] = field(default_factory=list)


@dataclass
class WorkedExample:
    election_id: str
    steps: list[Step] = field(default_factory=list)
    unavailable: str = ""

    def figures(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for step in self.steps:
            for part in [*step.title, *(p for line in step.lines for p in line)]:
                if isinstance(part, Fig):
                    found[part.key] = part.text
        return found


def _money(pounds: str) -> str:
    """A return's "1234.56" (pounds, as the Commission's files take it) in the page's words: "£1,234.56"."""
    whole, _, pence = pounds.partition(".")
    return money(int(whole) * 100 + int((pence + "00")[:2]))


def _sources(text: str) -> str:
    """The grants return's true sources ("Name 1000.00; …") in the page's words ("Name £1,000.00; …")."""
    return "; ".join(f"{name} {_money(amount)}" for name, _, amount in
                     (part.strip().rpartition(" ") for part in text.split(";")))


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _candidacies(election_id: str) -> list:
    """Two candidacies standing at the election (known to be candidates) in two different seats, first by code."""
    from swingfund.elections.models import Candidacy

    rows = (Candidacy.objects.filter(election_id=election_id, election__notional=False)
            .filter(Q(became_candidate_on__isnull=False) | Q(votes__isnull=False))
            .select_related("constituency", "election", "person").order_by("constituency__gss_code", "-votes", "pk"))
    picked, seats = [], set()
    for row in rows.iterator():
        if row.constituency_id not in seats:
            picked.append(row)
            seats.add(row.constituency_id)
        if len(picked) == 2:
            break
    return picked


def _name(candidacy) -> str:
    person = candidacy.person_name or (candidacy.person.name if candidacy.person_id else "")
    return f"{person} ({candidacy.constituency.name})"


def example_election(*, election_id: str, today: dt.date) -> str:
    """The election the worked example is built for: the one shown when its polling day has passed (a gift cannot
    be received in the future); else the latest UK general election already held, if one is imported."""
    from swingfund.elections.models import Election

    shown = Election.objects.filter(pk=election_id, notional=False).values_list("poll_date", flat=True).first()
    if shown is not None and shown <= today:
        return election_id
    held = (Election.objects.filter(id__startswith="parl.", notional=False, poll_date__lte=today)
            .order_by("-poll_date").values_list("pk", flat=True).first())
    return held or election_id


def worked_example(*, election_id: str) -> WorkedExample:
    """Build the scenario for `election_id`, read every figure back, and roll it all back."""
    example = WorkedExample(election_id=election_id)
    try:
        with transaction.atomic():
            _build(example)
            transaction.set_rollback(True)
    except (ValueError, ComplianceRefusal, FigureNotInForce) as exc:
        return WorkedExample(election_id=election_id,
                             unavailable=NOT_AVAILABLE.format(election=election_words(election_id), reason=exc))
    return example


def _build(example: WorkedExample) -> None:
    from swingfund.compliance.services import agent_authority_record, group_legal_status_set
    from swingfund.elections.models import Election
    from swingfund.funding import selectors as funding
    from swingfund.funding import services as money_services
    from swingfund.organisations.services import organisation_create
    from swingfund.reports import returns
    from swingfund.reports.position import organisation_position
    from swingfund.reports.returns_data import (
        candidate_spending_report,
        donations_report,
        grants_report,
        spending_report,
    )
    from swingfund.reports.services import material_cost_check, material_cost_record

    election_id = example.election_id
    election = Election.objects.filter(pk=election_id, notional=False).first()
    if election is None:
        raise ValueError("the election is not imported.")
    start, poll = regulated_period_for(election_id=election_id)
    candidacies = _candidacies(election_id)
    if len(candidacies) < 2:
        raise ValueError("it needs two candidacies in two seats, and fewer are imported.")
    figures = figure_table()
    gift_day = poll - dt.timedelta(days=GIFT_DAYS_BEFORE_POLL)
    grant_day = poll - dt.timedelta(days=GRANT_DAYS_BEFORE_POLL)
    message_day = poll - dt.timedelta(days=MESSAGE_DAYS_BEFORE_POLL)

    organisation = organisation_create(name=ORGANISATION_NAME, address=ORGANISATION_ADDRESS, slug=ORGANISATION_SLUG)
    status = group_legal_status_set(organisation=organisation, legal_form="unincorporated_association",
                                    uk_based=True, recorded_by="worked example")
    campaign = money_services.campaign_create(
        organisation=organisation, slug=ORGANISATION_SLUG, title="Illustrative fund", description="Illustrative.",
        purpose="Grants to the candidates our committee backs, and our messages (illustrative).", mode="pooled",
        goal_pence=2_000_000, starts_at=_noon(start), ends_at=_noon(poll), election=election)

    def give(name: str, pence: int, n: int) -> None:
        donor = money_services.donor_get_or_create(name=name, email="", address=f"{n} Illustrative Road, Leeds",
                                                   postcode="LS1 1AA")
        donor = money_services.donor_declare(donor=donor, category="uk_elector", evidence="electoral register",
                                             checked_by="worked example", checked_at=_noon(gift_day))
        money_services.donation_record(campaign=campaign, donor=donor, amount_pence=pence, method="bank_transfer",
                                       reference=f"illustrative-{n}", received_at=_noon(gift_day))

    for n, (name, pence) in enumerate(GIFTS, start=1):
        give(name, pence, n)
    for n in range(SMALL_GIFTS):
        give(f"Supporter {n + 1} Example", SMALL_GIFT_PENCE, len(GIFTS) + n + 1)
    raised = funding.campaign_spendable_pence(campaign)
    clean_before = funding.campaign_clean_pence(campaign, on=grant_day)
    grant_threshold = figures.get("candidate_donation_threshold", on=poll)

    step = Step(title=["1. The money raised for the ", Fig("election", election_words(election_id)), ": ",
                       Fig("raised", money(raised))])
    step.lines.append(["Received on ", Fig("gift_day", day_words(gift_day)), ", inside the regulated period (",
                       Fig("period_start", day_words(start)), " to ", Fig("poll_day", day_words(poll)), "): ",
                       *[p for n, (name, pence) in enumerate(GIFTS)
                         for p in ((", " if n else ""), f"{name} ", Fig(f"gift_{n + 1}", money(pence)))],
                       ", and ", Fig("small_count", str(SMALL_GIFTS)), " supporters ",
                       Fig("small_gift", money(SMALL_GIFT_PENCE)), " each. Every donor is identified and checked "
                       "on the electoral register."])
    step.lines.append(["Clean money for grants (gifts over ", Fig("grant_threshold", money(grant_threshold.value)),
                       " only from identified, permissible donors; ", Cite(grant_threshold.citation), "): ",
                       Fig("clean_before", money(clean_before)), "."])
    example.steps.append(step)

    grants = []
    for n, candidacy in enumerate(candidacies, start=1):
        grant = money_services.grant_create(campaign=campaign, candidacy=candidacy, amount_pence=GRANT_PENCE,
                                            reason="Illustrative grant.", created_at=_noon(grant_day))
        grant = money_services.grant_offer(grant=grant, agent_name=f"Agent {n} (illustrative)",
                                           agent_email=f"agent{n}@example.org", offered_at=_noon(grant_day))
        grant = money_services.grant_accept(grant=grant, on=grant_day + dt.timedelta(days=1))
        grant = money_services.grant_pay(grant=grant, bank_reference=f"ILLUSTRATIVE-{n}",
                                         paid_at=_noon(grant_day + dt.timedelta(days=2)))
        grants.append(grant)
    paid_on = grants[0].paid_at.date()
    step = Step(title=["2. Two grants of ", Fig("grant", money(GRANT_PENCE)), ", donations to the candidates"])
    for n, grant in enumerate(grants, start=1):
        step.lines.append([f"To {_name(grant.candidacy)}: offered to {grant.agent_name} on ",
                           Fig(f"grant_{n}_offered", day_words(grant.offered_at.date())), ", accepted on ",
                           Fig(f"grant_{n}_accepted", day_words(grant.responded_on)), ", paid on ",
                           Fig(f"grant_{n}_paid", day_words(grant.paid_at.date())), "."])
    return_days = figures.get("return_impermissible_days", on=poll)
    step.lines.append(["Each is over the ", Fig("grant_threshold_2", money(grant_threshold.value)),
                       " threshold: the candidate's agent records it and checks it, and returns it if impermissible "
                       "by ", Fig("grant_return_by", day_words(return_due_date(figures=figures, received_on=paid_on))),
                       " (", Fig("return_days", return_days.display),
                       " beginning with receipt; ", Cite(return_days.citation), ")."])
    step.lines.append(["Clean money left for grants: ",
                       Fig("clean_after", money(funding.campaign_clean_pence(campaign, on=grant_day))), "."])
    example.steps.append(step)

    backed = candidacies[0]
    seat = backed.constituency
    permitted = figures.get(material.PERMITTED_SUM_KEY, on=poll)
    plan = {"organisation": organisation, "election": election, "incurred_on": message_day,
            "seat_costs": {seat: MESSAGE_PENCE}, "texts": [MESSAGE_TEXT], "backed": {seat.pk: backed.pk}}
    step = Step(title=["3. ", Fig("messages", money(MESSAGE_PENCE)), f" of messages backing {_name(backed)}"])
    left_before = material.permitted_sum_left(figures=figures, spent_pence=0, authority=None, on=poll)
    try:
        material_cost_check(**plan)
    except ComplianceRefusal as refused:
        step.lines.append(["Without the agent's written authority: ", Fig("refused", "refused before sending"),
                           ". The permitted sum is ", Fig("permitted", money(permitted.value)), " (",
                           Cite(permitted.citation), "); ", Fig("left_before", money(left_before)),
                           " was left, and the messages would make ", Fig("refused_total", money(refused.total_pence)),
                           ", ", Fig("over_by", money(refused.total_pence - permitted.value)), " over."])
    else:
        raise ValueError("the material check accepted messages over the permitted sum without authority.")
    authorised_on = message_day - dt.timedelta(days=1)
    authority = agent_authority_record(
        organisation=organisation, candidacy=backed, agent_name="Agent 1 (illustrative)",
        agent_address="1 Agent Lane, Leeds LS2 2BB", authorised_on=authorised_on, limit_pence=AUTHORITY_PENCE,
        document=b"illustrative copy of the signed authority", document_name="authority.pdf",
        recorded_by="worked example")
    charge = material_cost_record(**plan, supplier="Message service (illustrative)",
                                  description=f"Messages backing {_name(backed)}", source_ref="worked example")
    (candidate,) = charge.candidates
    from swingfund.compliance.models import MaterialCost

    notice = MaterialCost.objects.filter(organisation=organisation, candidacy=backed).get()
    step.lines.append(["With the agent's written authority of ", Fig("authority", money(authority.limit_pence)),
                       " signed on ", Fig("authorised_on", day_words(authority.authorised_on)), ": ",
                       Fig("accepted", "accepted"), ", sent on ", Fig("message_day", day_words(message_day)),
                       ". Spending about the candidate is now ",
                       Fig("spent_after", money(candidate.spent_before_pence + candidate.pence)), " of ",
                       Fig("authority_2", money(candidate.limit_pence)), "; ", Fig("left_after",
                                                                                     money(candidate.left_pence)),
                       " is left. It is the candidate's election expense, reported to the agent by ",
                       Fig("notice_due", day_words(notice.agent_notice_due_on)), "."])
    example.steps.append(step)

    def rows(report, section):
        return [r for r in report.rows if r["ReportSection"] == section]

    step = Step(title=["4. Its returns"])
    s75 = candidate_spending_report(election_id=election_id, progress=False, organisation=organisation)
    (item,) = rows(s75, returns.SECTION_SPEND)
    days = s75.figures[1]
    step.lines.append(["To the Returning Officer, spending about a named candidate (", Cite(days.citation), "): ",
                       Fig("s75_amount", _money(item["TotalExpenditure"])), " about ", item["CandidateName"],
                       ", agent-authorised: ", Fig("s75_authorised", "yes" if item["AgentAuthorised"] == "True"
                                                   else "no"), ", due ",
                       Fig("s75_due", day_words(dt.date.fromisoformat(item["ReturnDueDate"]))), " (",
                       Fig("s75_days", days.display), "). Not in the PPERA spending return."])
    grant_report = grants_report(election_id=election_id, progress=False, organisation=organisation)
    grant_rows = rows(grant_report, returns.SECTION_GRANT)
    step.lines.append(["To each candidate's agent, the donation notice and the grants return: ",
                       Fig("grant_rows", str(len(grant_rows))), " grants, ",
                       Fig("grants_total", money(grant_report.totals["grants"])), " in all; true source named: ",
                       Fig("true_sources", "; ".join(sorted({_sources(r["TrueSources"]) for r in grant_rows}))), "."])
    position = organisation_position(election_id=election_id, organisation=organisation)
    general, ua_regime = position.regime("general"), position.regime("ua")
    if not general.gauges or not ua_regime.gauges:  # a figure not in force on that polling day
        raise ValueError("; ".join(position.gaps) or "a legal figure is not in force on that polling day.")
    gauge, ua = general.gauges[0], ua_regime.gauges[0]
    ppera = spending_report(election_id=election_id, progress=False, organisation=organisation)
    step.lines.append(["To the Electoral Commission, the PPERA spending return: regulated campaign spending ",
                       Fig("ppera_total", money(ppera.totals["general"])), " (grants and messages backing a "
                       "candidate are not in it). Unregistered, the group may spend up to ",
                       Fig("unregistered_limit", money(gauge.threshold_pence)), " (", Cite(gauge.figure.citation),
                       "); ", Fig("unregistered_left", money(gauge.threshold_pence - gauge.amount_pence)),
                       " is left. ", general.deadline])
    gifts = donations_report(election_id=election_id, progress=False, organisation=organisation)
    low, high = gifts.figures
    itemised = rows(gifts, returns.SECTION_ITEMISED)
    step.lines.append(["The donations report, once registered: each donation over ",
                       Fig("itemise_over", money(high.value)), " (", Cite(high.citation), "): ",
                       *[p for r in itemised for p in (f"{r['DonorName']} ", Fig(f"itemised_{r['Reference']}",
                                                                                  _money(r["Value"])))],
                       "; other donations over ", Fig("permissible_over", money(low.value)), ": ",
                       Fig("other_total", money(gifts.totals["other"])), "; gifts of ",
                       Fig("permissible_over_2", money(low.value)), " or less (not donations in law): ",
                       Fig("small_total", money(gifts.totals["small"])), "; received in all: ",
                       Fig("received_total", money(gifts.totals["received"])), "."])
    if status.legal_form == "unincorporated_association":
        step.lines.append(["As an unincorporated association (", Cite(ua.figure.citation), "): political contributions "
                           "in ", str(poll.year), " ", Fig("ua_amount", money(ua.amount_pence)), " of the ",
                           Fig("ua_threshold", money(ua.threshold_pence)), " registration threshold: grants to "
                           "candidates and spending about them are not political contributions."])
    example.steps.append(step)
