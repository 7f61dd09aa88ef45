"""Where each candidacy stands in its seat (1 = most likely to win): what the rule calls *place*.

In order of preference:

1. this election's count, when every candidacy in the seat has one;
2. a **projection** the user asks for: the last election on the same boundaries, moved by uniform or
   proportional national swing to the national shares given (targeting's `swing.project`);
3. the seat's **last result** on the same boundaries.

For 2 and 3 a candidacy inherits the votes its person won in the seat last time, else its party carrier's (a
registered party, i.e. one with an Electoral Commission id, through `elections.carriers`: a Labour and
Co-operative candidate carries Labour's votes and the reverse; independents carry nothing over), else 0 — a
newcomer. The projection uses national shares by carrier over Great Britain and keeps the Speaker's seat out.
Party here is only the carrier of past votes, as in any swing model; the rule itself never sees it.
Without any of these, places are unknown and the rule says it cannot tell who is competitive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from swingfund.elections.carriers import carrier_name, is_speaker
from swingfund.elections.models import Candidacy, Constituency, Election

ERROR_SHARES = "national shares must look like Lab=0.34,Con=0.24 (got {text!r})"
ERROR_PARTY = "no party {party!r} stood in {election}"
ERROR_NO_EARLIER = "no earlier election on {boundary_set} boundaries with results to project {election} from"


@dataclass(frozen=True)
class PastVotes:
    """Votes to carry over, per seat: by person and by registered party; `basis` says where they come from."""

    by_person: dict[tuple[int, int], float]
    by_party: dict[tuple[int, str], float]  # keyed by (seat, party carrier name)
    basis: str

    def votes(self, c: Candidacy) -> float:
        if c.person_id is not None and (c.constituency_id, c.person_id) in self.by_person:
            return self.by_person[(c.constituency_id, c.person_id)]
        carrier = carrier_name(c.party.name) if c.party_id is not None else None
        return self.by_party.get((c.constituency_id, carrier), 0.0) if carrier else 0.0


def _past(candidacies: Sequence[Candidacy], votes: Sequence[float], basis: str) -> PastVotes:
    by_person: dict[tuple[int, int], float] = {}
    by_party: dict[tuple[int, str], float] = {}
    for c, v in zip(candidacies, votes, strict=True):
        if c.person_id is not None:
            by_person[(c.constituency_id, c.person_id)] = float(v)
        carrier = carrier_name(c.party.name) if c.party_id is not None and c.party.ec_id else None
        if carrier:
            key = (c.constituency_id, carrier)
            by_party[key] = max(by_party.get(key, 0.0), float(v))
    return PastVotes(by_person, by_party, basis)


def earlier_election(*, election: Election, constituency_id: int | None = None) -> Election | None:
    """The latest earlier election on the same boundaries with results (in that seat, when one is given)."""
    qs = Election.objects.filter(
        boundary_set=election.boundary_set, poll_date__lt=election.poll_date, results__isnull=False
    )
    if constituency_id is not None:
        qs = qs.filter(results__constituency_id=constituency_id)
    return qs.distinct().order_by("-poll_date").first()


def last_result(*, election: Election, constituency_id: int) -> PastVotes | None:
    earlier = earlier_election(election=election, constituency_id=constituency_id)
    if earlier is None:
        return None
    past = list(
        Candidacy.objects.filter(election=earlier, constituency_id=constituency_id, votes__isnull=False).select_related(
            "party"
        )
    )
    return _past(past, [c.votes for c in past], f"the last result in the seat ({earlier.pk})")


def parse_shares(*, text: str) -> dict[str, float]:
    out = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        label, sep, value = part.partition("=")
        try:
            share = float(value)
        except ValueError:
            raise ValueError(ERROR_SHARES.format(text=text)) from None
        if not sep or not label.strip():
            raise ValueError(ERROR_SHARES.format(text=text))
        out[label.strip().lower()] = share
    if not out:
        raise ValueError(ERROR_SHARES.format(text=text))
    return out


def projection(*, election: Election, shares: str, method: str = "uniform") -> PastVotes:
    """Every seat's last result on these boundaries, moved by national swing to `shares` (e.g. `Lab=0.30`)."""
    from swingfund.targeting.swing import project

    earlier = earlier_election(election=election)
    if earlier is None:
        raise ValueError(ERROR_NO_EARLIER.format(boundary_set=election.boundary_set, election=election.pk))
    past = list(Candidacy.objects.filter(election=earlier, votes__isnull=False).select_related("party").order_by("pk"))
    seat_ids = sorted({c.constituency_id for c in past})
    seat_of = {s: i for i, s in enumerate(seat_ids)}
    carrier_of = {c.pk: carrier_name(c.party.name) if c.party_id is not None else None for c in past}
    carriers = sorted({name for name in carrier_of.values() if name})
    column = {name: i for i, name in enumerate(carriers)}
    lookup: dict[str, int] = {}
    for c in past:
        if carrier_of[c.pk]:
            for name in (carrier_of[c.pk], c.party.name, c.party.abbreviation):
                if name:
                    lookup.setdefault(name.lower(), column[carrier_of[c.pk]])
    nations = dict(Constituency.objects.filter(pk__in=seat_ids).values_list("pk", "nation"))
    speaker = {c.constituency_id for c in past if c.party_id is not None and is_speaker(c.party.name)}
    targets = {}
    for label, share in parse_shares(text=shares).items():
        if label not in lookup:
            raise ValueError(ERROR_PARTY.format(party=label, election=earlier.pk))
        targets[lookup[label]] = share
    result = project(
        seat=np.array([seat_of[c.constituency_id] for c in past], dtype=np.int64),
        party=np.array([column[carrier_of[c.pk]] if carrier_of[c.pk] else -1 for c in past], dtype=np.int64),
        votes=np.array([c.votes for c in past], dtype=np.float64),
        n_seats=len(seat_ids),
        n_parties=len(carriers),
        targets=targets,
        method=method,
        basis=np.array([nations.get(s) != "N" for s in seat_ids], dtype=bool),
        frozen=np.array([s in speaker for s in seat_ids], dtype=bool),
    )
    return _past(past, result.votes.tolist(), f"a {method} swing projection from {earlier.pk} to {shares}")


def places_detail(
    *, candidacies: Sequence[Candidacy], projected: PastVotes | None = None
) -> tuple[dict[int, int | None], str, set[int]]:
    """Places (1 = most votes) of one seat's candidacies, where they come from (module docs), and the
    *newcomers*: candidacies placed before the count that carry no votes at all from the last election."""
    if candidacies and all(c.votes is not None for c in candidacies):
        ordered = sorted(candidacies, key=lambda c: (-c.votes, c.pk))
        return {c.pk: i + 1 for i, c in enumerate(ordered)}, "this election's count", set()
    past = projected
    if past is None and candidacies:
        first = candidacies[0]
        past = last_result(election=Election.objects.get(pk=first.election_id), constituency_id=first.constituency_id)
    if past is None:
        return {c.pk: None for c in candidacies}, "no result or projection", set()
    ordered = sorted(candidacies, key=lambda c: (-past.votes(c), c.pk))
    newcomers = {c.pk for c in candidacies if past.votes(c) <= 0}
    return {c.pk: i + 1 for i, c in enumerate(ordered)}, past.basis, newcomers


def places_with_basis(
    *, candidacies: Sequence[Candidacy], projected: PastVotes | None = None
) -> tuple[dict[int, int | None], str]:
    """Places (1 = most votes) of one seat's candidacies and where they come from (module docs)."""
    place, basis, _ = places_detail(candidacies=candidacies, projected=projected)
    return place, basis


def places(*, candidacies: Sequence[Candidacy], projected: PastVotes | None = None) -> dict[int, int | None]:
    return places_with_basis(candidacies=candidacies, projected=projected)[0]
