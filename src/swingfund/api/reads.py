"""What the read endpoints return, as plain dicts, built from the apps' selectors with the public pages' privacy.

The public sees: amounts always; a giver's name only where the public ledger shows it (over the public threshold
and with consent); evidence marked public; committee members' names only where the organisation publishes them.
Nothing here is cached: the endpoints keep the heavy results (target tables, recommendations) and the rendered
bodies in the one cache layer (`swingfund.caching`), keyed by the data version they were built from.
"""

from __future__ import annotations

from django.db.models import Count

from swingfund.committee.selectors import public_decisions
from swingfund.elections.models import Election, Result
from swingfund.funding.models import Campaign
from swingfund.funding.selectors import campaign_totals, public_ledger_rows, public_ledger_totals
from swingfund.organisations.models import Organisation
from swingfund.reports.selectors import ledger_line_words
from swingfund.scorecards.models import Evidence
from swingfund.scorecards.recommendations import recommendations_with_notes
from swingfund.scorecards.selectors import current_versions, person_scorecard
from swingfund.targeting.bloc import Assumptions, bloc_parse
from swingfund.targeting.targets import targets_compute

RECOMMENDATIONS_CACHE_SECONDS = 60
"""Recommendations also depend on edits the data version cannot see: cached for a minute at most."""


def elections() -> list[dict]:
    counts = dict(Result.objects.values_list("election_id").annotate(n=Count("id")))
    return [{"id": e.pk, "name": e.name, "poll_date": e.poll_date, "boundary_set": e.boundary_set,
             "notional": e.notional, "seats_with_results": counts.get(e.pk, 0)}
            for e in Election.objects.order_by("-poll_date", "id")]


def seats(*, election: Election) -> list[dict]:
    rows = Result.objects.filter(election=election).select_related("constituency", "winner", "winner_party",
                                                                   "runner_up_party")
    return [{"gss_code": r.constituency.gss_code, "name": r.constituency.name, "nation": r.constituency.nation,
             "region": r.constituency.region, "electorate": r.electorate, "valid_votes": r.valid_votes,
             "majority": r.majority, "winner": r.winner.person_name if r.winner else "",
             "winner_party": r.winner_party.name if r.winner_party else "",
             "runner_up_party": r.runner_up_party.name if r.runner_up_party else ""}
            for r in rows.order_by("constituency__gss_code")]


def targets(*, election_id: str, bloc: str, census: str | None, assumptions: Assumptions, draws: int,
            seed: int) -> dict:
    """The whole target table (every seat, by leverage) with its notes: the heavy part, one per set of parameters."""
    table = targets_compute(election_id=election_id, bloc=bloc_parse(text=bloc, census=census),
                            assumptions=assumptions, draws=draws, seed=seed)
    return {**table.as_dict(table.rows(sort="leverage")), "notes": table.notes()}


def targets_view(data: dict, *, sort: str, top: int | None) -> dict:
    """A target table (`targets`) in the order asked for, cut to the `top` seats."""
    seats = data["seats"] if sort == "leverage" else _sorted(data["seats"], sort)
    return {**data, "seats": seats[:top] if top else seats}


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    def key(r: dict) -> tuple:
        v = r.get(sort)
        if v is None:
            return (1, 0.0, r["code"])
        v = float("inf") if v == "inf" else float(v)
        return (0, v if sort == "majority" else -v, r["code"])

    return sorted(rows, key=key)


def recommendations(*, organisation: Organisation, election_id: str, bloc: str | None, top: int | None,
                    lens: str) -> dict:
    recs, notes = recommendations_with_notes(organisation=organisation, election_id=election_id, bloc=bloc,
                                             top=top, lens=lens)
    return {"election": election_id, "organisation": organisation.slug, "bloc": bloc, "notes": notes,
            "recommendations": [{
                "gss_code": r.gss_code, "seat": r.seat_name, "action": r.action, "backed": r.backed_label,
                "candidacy_id": r.intervention.candidacy_id, "reason": r.reason, "majority": r.majority,
                "leverage": r.leverage, "p_decisive": r.p_decisive, "expected_impact": r.expected_impact,
            } for r in recs]}


def organisations() -> list[dict]:
    return [{"slug": o.slug, "name": o.name, "demo": o.demo, "standard_grant_pence": o.standard_grant_pence}
            for o in Organisation.objects.order_by("slug")]


def _ballots(ballots: list[dict], *, names: bool) -> list[dict]:
    return [{"choice": b.get("choice"), "cast_at": b.get("cast_at"), **({"name": b.get("name")} if names else {})}
            for b in ballots]


def decisions(*, organisation: Organisation) -> list[dict]:
    out = []
    for d in public_decisions(organisation=organisation):
        p = d.proposal
        label = ""
        if p.candidacy_id:
            party = p.candidacy.party.name if p.candidacy.party else ""
            label = f"{p.candidacy.person_name} ({party})" if party else p.candidacy.person_name
        out.append({"id": d.pk, "election": p.election_id, "gss_code": p.constituency.gss_code,
                    "seat": p.constituency.name, "kind": p.kind, "outcome": d.outcome, "candidacy": label,
                    "amount_pence": p.amount_pence, "decided_at": d.decided_at, "reason": p.reason,
                    "tally": d.tally, "ballots": _ballots(d.ballots, names=organisation.publishes_committee_names)})
    return out


def statements(*, organisation: Organisation) -> list[dict]:
    return [{"slug": v.statement.slug, "title": v.title, "version": v.number, "text": v.text}
            for v in current_versions(organisation=organisation)]


def evidence_row(e: Evidence) -> dict:
    division = None
    if e.division_id:
        d = e.division
        division = {"division_id": d.division_id, "date": d.date, "title": d.title, "url": d.url}
    return {"id": e.pk, "person_id": e.person_id, "statement": e.statement_version.statement.slug, "kind": e.kind,
            "stance": e.stance, "vote": e.vote, "date": e.date, "summary": e.summary, "source_url": e.source_url,
            "division": division}


def evidence(*, organisation: Organisation, person_id: int | None, statement: str | None) -> list[dict]:
    qs = (Evidence.objects.filter(statement_version__statement__organisation=organisation, public=True)
          .select_related("division", "statement_version__statement").order_by("date", "id"))
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if statement:
        qs = qs.filter(statement_version__statement__slug=statement)
    return [evidence_row(e) for e in qs]


def scorecard(*, organisation: Organisation, person) -> dict:
    card = person_scorecard(person=person, organisation=organisation, public_only=True)
    return {"person_id": person.pk, "name": person.name, "organisation": organisation.slug, "method": card.method,
            "lines": [{"statement": line.version.statement.slug, "title": line.version.title,
                       "stance": line.score.stance, "band": line.score.band,
                       "vote_distance": line.score.vote_distance,
                       "evidence": [evidence_row(e) for e in line.evidence]} for line in card.lines]}


def campaigns() -> list[dict]:
    out = []
    for c in Campaign.objects.select_related("organisation").order_by("slug"):
        t = campaign_totals(c)
        group = c.organisation.slug if c.organisation_id else ""  # an older campaign opened for no group
        out.append({"slug": c.slug, "title": c.title, "organisation": group, "mode": c.mode,
                    "purpose": c.purpose, "election": c.election_id, "goal_pence": c.goal_pence,
                    "raised_pence": t.raised_pence, "held_pence": t.held_pence,
                    "committed_pence": t.committed_pence, "spendable_pence": t.spendable_pence, "gifts": t.gifts,
                    "donors": t.donors, "starts_at": c.starts_at, "ends_at": c.ends_at})
    return out


def ledger(*, campaign: Campaign | None, limit: int, offset: int) -> dict:
    rows = public_ledger_rows(campaign=campaign)
    spending, words = ledger_line_words(rows)
    page = rows[offset:offset + limit]
    for row in page:  # as the public page says it: the line in words, and a spend's supplier and purpose
        spend = spending.get(row["id"])
        row.update(what=words[row["id"]], spending=spend.as_dict() if spend else None)
    return {"count": len(rows), "totals": public_ledger_totals(rows), "transactions": page}
