"""Reads for scorecards: current statements, a person's scorecard, the rule's view of a seat, one seat's
intervention. Scores are computed from the evidence by `scoring.py` (pure, deterministic), so a page always
shows exactly what `scores_recompute` stores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from swingfund.elections.models import Candidacy, Constituency, Election, Person
from swingfund.organisations.models import Organisation

from . import scoring
from .models import Dispute, DivisionMapping, Evidence, Statement, StatementVersion
from .places import places, places_with_basis  # noqa: F401  (re-exported for pages and tests)
from .rules import Intervention, RuleConfig, SeatCandidate, decide_seat

ERROR_UNKNOWN_ELECTION = "election {election_id!r} is not imported: run `swingfund data import` on its files first"
ERROR_UNKNOWN_SEAT = "no seat {code!r} in election {election_id}"
ERROR_NO_CANDIDATES = "no candidacies recorded for {seat} in {election_id}"


def current_versions(*, organisation: Organisation) -> list[StatementVersion]:
    """The latest published version of each statement, in the organisation's order."""
    out = []
    for statement in Statement.objects.filter(organisation=organisation).order_by("position", "slug"):
        version = statement.versions.filter(published_at__isnull=False).order_by("-number").first()
        if version is not None:
            out.append(version)
    return out


def evidence_items(
    *, statement_version: StatementVersion, persons: Iterable[int] | None = None
) -> dict[int, list[scoring.EvidenceItem]]:
    """Every person's evidence on one statement version, as the facts `scoring` needs (by person id)."""
    mappings = {m.division_id: m for m in DivisionMapping.objects.filter(statement_version=statement_version)}
    upheld = Dispute.objects.filter(evidence=OuterRef("pk"), status=Dispute.Status.UPHELD)
    rows = Evidence.objects.filter(statement_version=statement_version).annotate(withdrawn=Exists(upheld))
    if persons is not None:
        rows = rows.filter(person_id__in=list(persons))
    out: dict[int, list[scoring.EvidenceItem]] = defaultdict(list)
    for ev in rows.order_by("person_id", "id"):
        mapping = mappings.get(ev.division_id) if ev.division_id else None
        out[ev.person_id].append(
            scoring.EvidenceItem(
                evidence_id=ev.pk,
                kind=ev.kind,
                stance=ev.stance,
                date=ev.date,
                vote=ev.vote,
                agree_when=mapping.agree_when if mapping else "",
                important=bool(mapping and mapping.important),
                withdrawn=ev.withdrawn,
            )
        )
    return dict(out)


def stances_by_person(
    *, organisation: Organisation, persons: Iterable[int], method: scoring.Method = scoring.DEFAULT_METHOD
) -> tuple[list[StatementVersion], dict[int, tuple[str, ...]]]:
    """Each person's stance on each current statement (unknown where there is no evidence)."""
    persons = list(persons)
    versions = current_versions(organisation=organisation)
    stances: dict[int, list[str]] = {p: [] for p in persons}
    for version in versions:
        items = evidence_items(statement_version=version, persons=persons)
        for p in persons:
            stances[p].append(scoring.statement_score(items=items.get(p, []), method=method).stance)
    return versions, {p: tuple(s) for p, s in stances.items()}


@dataclass(frozen=True)
class ScorecardLine:
    version: StatementVersion
    score: scoring.StatementScore
    evidence: list[Evidence]


@dataclass(frozen=True)
class Scorecard:
    person: Person
    organisation: Organisation
    method: str
    lines: list[ScorecardLine]

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("agree", "disagree", "mixed", "unknown"), 0)
        for line in self.lines:
            out[line.score.stance] += 1
        return out


def person_find(*, query: str) -> list[Person]:
    """A person by Democracy Club id (digits), by MNIS id (`mnis:123`), or by name (exact, then contains)."""
    query = query.strip()
    if query.isdigit():
        return list(Person.objects.filter(dc_person_id=int(query)))
    if query.lower().startswith("mnis:") and query[5:].isdigit():
        return list(Person.objects.filter(mnis_id=int(query[5:])))
    exact = list(Person.objects.filter(name__iexact=query))
    return exact or list(Person.objects.filter(name__icontains=query)[:20])


def person_scorecard(
    *,
    person: Person,
    organisation: Organisation,
    method: scoring.Method = scoring.DEFAULT_METHOD,
    public_only: bool = False,
) -> Scorecard:
    """A person's score on each current statement, with every piece of evidence behind it."""
    lines = []
    evidence_qs = Evidence.objects.select_related("division", "candidacy__constituency").prefetch_related(
        Prefetch("disputes", queryset=Dispute.objects.order_by("opened_at"))
    )
    for version in current_versions(organisation=organisation):
        items = evidence_items(statement_version=version, persons=[person.pk]).get(person.pk, [])
        rows = evidence_qs.filter(statement_version=version, person=person).order_by("date", "id")
        if public_only:
            rows = rows.filter(public=True)
            public_ids = {e.pk for e in rows}
            items = [i for i in items if i.evidence_id in public_ids]
        lines.append(ScorecardLine(version, scoring.statement_score(items=items, method=method), list(rows)))
    return Scorecard(person=person, organisation=organisation, method=method, lines=lines)


def candidacy_label(candidacy: Candidacy) -> str:
    name = candidacy.person_name or (candidacy.person.name if candidacy.person else "")
    party = candidacy.party.name if candidacy.party else ""
    return f"{name} ({party})" if party else name


def seat_candidacies(*, election_id: str, constituency: Constituency) -> list[Candidacy]:
    return list(
        Candidacy.objects.filter(election_id=election_id, constituency=constituency)
        .select_related("person", "party")
        .order_by("-votes", "id")
    )


def seat_view(
    *,
    organisation: Organisation,
    election_id: str,
    constituency: Constituency,
    method: scoring.Method = scoring.DEFAULT_METHOD,
) -> tuple[list[SeatCandidate], int]:
    """The rule's view of a seat: each candidacy's id, place, standing flag and stances; and the statement count."""
    from .seats import seat_views

    views, count = seat_views(
        organisation=organisation, election_id=election_id, constituency_ids=[constituency.pk], method=method
    )
    return views.get(constituency.pk, []), count


def election_get(*, election_id: str) -> Election:
    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        raise ValueError(ERROR_UNKNOWN_ELECTION.format(election_id=election_id))
    return election


def seat_get(*, election_id: str, code: str) -> Constituency:
    election = election_get(election_id=election_id)
    seat = Constituency.objects.filter(boundary_set=election.boundary_set, gss_code=code.strip().upper()).first()
    if seat is None:
        raise ValueError(ERROR_UNKNOWN_SEAT.format(code=code, election_id=election_id))
    return seat


def seat_intervention(
    *,
    organisation: Organisation,
    election_id: str,
    constituency: Constituency,
    config: RuleConfig | None = None,
    method: scoring.Method = scoring.DEFAULT_METHOD,
) -> Intervention:
    """Back one candidacy or stay out of this seat, by the intervention rule over the current evidence."""
    candidates, count = seat_view(
        organisation=organisation, election_id=election_id, constituency=constituency, method=method
    )
    if not candidates:
        raise ValueError(ERROR_NO_CANDIDATES.format(seat=constituency.name, election_id=election_id))
    return decide_seat(
        constituency_id=constituency.pk,
        election_id=election_id,
        seat_name=constituency.name,
        candidates=candidates,
        config=config or RuleConfig(),
        statement_count=count,
    )
