"""Reads for targeting: every seat of an election as numpy arrays, built once, one query per table.

Nothing here loops over the ORM row by row: each query returns flat tuples (`values_list`) that become
arrays. Seats are in a fixed order (GSS code), shared by every array of one `SeatArrays`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q

from swingfund.elections.carriers import carrier_name, is_speaker
from swingfund.elections.models import Candidacy, DataSource, DemographicStat, Election, Party, Result
from swingfund.targeting.bloc import Bloc
from swingfund.targeting.swing import top_two

ELECTION_NOT_IMPORTED = (
    "Election {election} is not imported. Import the official results with `swingfund data import PATH…` "
    "(or download them first with `swingfund data fetch`). Imported elections: {imported}."
)
ELECTION_NO_RESULTS = (
    "Election {election} has no results yet. Import the results file with `swingfund data import PATH…`."
)
BOUNDARY_MISMATCH = (
    "Census {census} is on {census_boundaries} boundaries but {election} is on {election_boundaries}: demographics "
    "and results can only be joined on the same boundary set. Census statistics on {election_boundaries}: {available}."
)
NO_DEMOGRAPHICS = (
    "No census statistics are imported for {boundary_set} seats. Import the census files with "
    "`swingfund data import PATH…` (or `swingfund data fetch`)."
)

# Where a seat has figures from more than one census on the same boundary set, the first listed wins.
CENSUS_PREFERENCE = ("census2021", "scotland2022", "census2011")
NON_BLOC_TOPICS = ("population", "age")


@dataclass(frozen=True)
class SeatArrays:
    """One election's results: per-seat arrays (same order everywhere) plus per-candidacy arrays."""

    election_id: str
    election_name: str
    boundary_set: str
    notional: bool
    constituency_ids: np.ndarray
    codes: list[str]
    names: list[str]
    regions: list[str]
    nations: list[str]
    electorate: np.ndarray
    valid_votes: np.ndarray
    majority: np.ndarray
    winner_votes: np.ndarray
    runner_up_votes: np.ndarray
    winner_name: list[str]
    winner_party: list[str]
    cand_seat: np.ndarray
    cand_party: np.ndarray
    cand_votes: np.ndarray
    cand_name: list[str]
    party_names: list[str]
    party_abbreviations: list[str]
    source_ids: set[int] = field(default_factory=set)
    # Party carriers (`swingfund.elections.carriers`): the party whose vote each candidacy carries (−1: none).
    cand_carrier: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    carrier_names: list[str] = field(default_factory=list)
    carrier_abbreviations: list[str] = field(default_factory=list)
    speaker_seat: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per seat

    @functools.cached_property  # read once a seat in the backtests' loops: built once, then kept (read-only)
    def in_gb(self) -> np.ndarray:
        """Per seat: True in Great Britain (England, Scotland, Wales), False in Northern Ireland."""
        mask = np.array([n != "N" for n in self.nations], dtype=bool)
        mask.flags.writeable = False
        return mask

    @property
    def turnout(self) -> np.ndarray:
        """Valid votes ÷ electorate: the share of the register whose vote counted."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.electorate > 0, self.valid_votes / self.electorate, np.nan)

    def __len__(self) -> int:
        return len(self.codes)


class TargetingError(ValueError):
    """The analysis cannot run on what is imported; the message says what to do."""


def election_get(*, election_id: str) -> Election:
    election = Election.objects.filter(id=election_id).first()
    if election is None:
        imported = ", ".join(Election.objects.values_list("id", flat=True)) or "none"
        raise TargetingError(ELECTION_NOT_IMPORTED.format(election=election_id, imported=imported))
    return election


def elections_with_results() -> list[Election]:
    return list(Election.objects.filter(results__isnull=False).distinct().order_by("-poll_date", "id"))


def seat_arrays(*, election_id: str) -> SeatArrays:
    """Every seat of the election with a result, as arrays. Three queries: results, candidacies, parties.

    An election that has not happened yet (no results, a `baseline`) is analysed from its baseline's result: the
    last result known before it, never its own. A by-election covers its one seat only."""
    target = election_get(election_id=election_id)
    election = target
    if target.baseline_id and not Result.objects.filter(election=target).exists():
        election = target.baseline
    seats = Result.objects.filter(election=election)
    if target.seat_id:
        seats = seats.filter(constituency_id=target.seat_id)
    results = list(
        seats.order_by("constituency__gss_code").values_list(
            "constituency_id", "constituency__gss_code", "constituency__name", "constituency__region",
            "constituency__nation", "electorate", "valid_votes", "majority", "winner_id", "source_id",
        )
    )
    if not results:
        raise TargetingError(ELECTION_NO_RESULTS.format(election=election_id))
    (cids, codes, names, regions, nations, electorate, valid, majority, winner_ids,
     r_sources) = zip(*results, strict=True)
    seat_of = {cid: i for i, cid in enumerate(cids)}
    cands = list(
        Candidacy.objects.filter(election=election, votes__isnull=False).values_list(
            "id", "constituency_id", "party_id", "votes", "person_name", "source_id"
        )
    )
    cands = [c for c in cands if c[1] in seat_of]
    party_ids = sorted({c[2] for c in cands if c[2] is not None})
    party_rows = {
        pid: (name, abbr)
        for pid, name, abbr in Party.objects.filter(id__in=party_ids).values_list("id", "name", "abbreviation")
    }
    party_index = {pid: i for i, pid in enumerate(party_ids)}
    party_names = [party_rows[p][0] for p in party_ids]
    party_abbrs = [party_rows[p][1] or party_rows[p][0] for p in party_ids]

    cand_seat = np.array([seat_of[c[1]] for c in cands], dtype=np.int64)
    cand_party = np.array([party_index.get(c[2], -1) for c in cands], dtype=np.int64)
    cand_votes = np.array([c[3] for c in cands], dtype=np.float64)
    cand_name = [c[4] or "" for c in cands]
    row_of = {c[0]: i for i, c in enumerate(cands)}

    n = len(codes)
    top, second = top_two(seat=cand_seat, votes=cand_votes, n_seats=n)
    winner_rows = np.array([row_of.get(w, t) if w is not None else t for w, t in zip(winner_ids, top, strict=True)])
    winner_votes = np.where(winner_rows >= 0, cand_votes[winner_rows], np.nan)
    runner_up_votes = np.where(second >= 0, cand_votes[second], 0.0)
    carriers = _carriers(cand_party=cand_party, party_names=party_names, party_abbrs=party_abbrs)
    speaker_seat = np.zeros(n, dtype=bool)
    speaker_seat[cand_seat[carriers.speaker]] = True
    return SeatArrays(
        election_id=target.id, election_name=target.name, boundary_set=election.boundary_set,
        notional=election.notional, constituency_ids=np.array(cids, dtype=np.int64), codes=list(codes),
        names=list(names), regions=[r or "" for r in regions], nations=list(nations),
        electorate=np.array(electorate, dtype=np.float64), valid_votes=np.array(valid, dtype=np.float64),
        majority=np.array(majority, dtype=np.float64), winner_votes=winner_votes, runner_up_votes=runner_up_votes,
        winner_name=[cand_name[r] if r >= 0 else "" for r in winner_rows],
        winner_party=[party_abbrs[cand_party[r]] if r >= 0 and cand_party[r] >= 0 else "" for r in winner_rows],
        cand_seat=cand_seat, cand_party=cand_party, cand_votes=cand_votes, cand_name=cand_name,
        party_names=party_names, party_abbreviations=party_abbrs,
        source_ids={*r_sources, *(c[5] for c in cands)} | ({election.source_id} if election.source_id else set()),
        cand_carrier=carriers.index, carrier_names=carriers.names, carrier_abbreviations=carriers.abbreviations,
        speaker_seat=speaker_seat,
    )


@dataclass(frozen=True)
class _Carriers:
    index: np.ndarray      # per candidacy: carrier column, −1 where the candidacy carries no party's vote
    names: list[str]
    abbreviations: list[str]
    speaker: np.ndarray    # per candidacy: the Speaker's own candidacy


def _carriers(*, cand_party: np.ndarray, party_names: list[str], party_abbrs: list[str]) -> _Carriers:
    """Map party columns to carrier columns (joint descriptions onto their party; see `elections.carriers`)."""
    by_party = [carrier_name(name) for name in party_names]
    names = sorted({c for c in by_party if c})
    column = {name: i for i, name in enumerate(names)}
    abbreviations = []
    for name in names:  # the carrier's own party row names its abbreviation; else the first joint description's
        own = [party_abbrs[i] for i, p in enumerate(party_names) if p == name]
        joint = [party_abbrs[i] for i, c in enumerate(by_party) if c == name]
        abbreviations.append((own or joint)[0])
    party_to_carrier = np.array([column[c] if c else -1 for c in by_party] + [-1], dtype=np.int64)
    speaker_party = np.array([is_speaker(name) for name in party_names] + [False], dtype=bool)
    return _Carriers(index=party_to_carrier[cand_party], names=names, abbreviations=abbreviations,
                     speaker=speaker_party[cand_party])


@dataclass(frozen=True)
class BlocPopulation:
    """Per seat (order of `SeatArrays`): the bloc's population (NaN = no data) and the seat's adult share."""

    population: np.ndarray
    adult_share: np.ndarray
    adult_share_from_census: np.ndarray  # bool: True where the census gave the seat's own adult share
    censuses: list[str]
    source_ids: set[int]


def bloc_categories(*, boundary_set: str, census: str | None = None) -> set[tuple[str, str]]:
    """The `topic:category` pairs a bloc can use on this boundary set (and census, if pinned)."""
    qs = DemographicStat.objects.filter(constituency__boundary_set=boundary_set).exclude(topic__in=NON_BLOC_TOPICS)
    if census:
        qs = qs.filter(census=census)
    return set(qs.values_list("topic", "category").distinct())


def census_boundary_sets() -> dict[str, set[str]]:
    """census → boundary sets it has statistics on."""
    out: dict[str, set[str]] = defaultdict(set)
    for census, boundary_set in DemographicStat.objects.values_list("census", "constituency__boundary_set").distinct():
        out[census].add(boundary_set)
    return out


def boundary_check(*, seats: SeatArrays, census: str | None) -> None:
    """Demographics join results only on the same boundary set: a clear error otherwise."""
    by_census = census_boundary_sets()
    here = sorted(c for c, sets in by_census.items() if seats.boundary_set in sets)
    if census and census in by_census and seats.boundary_set not in by_census[census]:
        raise TargetingError(BOUNDARY_MISMATCH.format(
            census=census, census_boundaries=", ".join(sorted(by_census[census])), election=seats.election_id,
            election_boundaries=seats.boundary_set, available=", ".join(here) or "none"))
    if not here:
        if by_census:
            other = sorted(by_census)[0]
            raise TargetingError(BOUNDARY_MISMATCH.format(
                census=other, census_boundaries=", ".join(sorted(by_census[other])), election=seats.election_id,
                election_boundaries=seats.boundary_set, available="none"))
        raise TargetingError(NO_DEMOGRAPHICS.format(boundary_set=seats.boundary_set))


def bloc_population(*, seats: SeatArrays, bloc: Bloc, default_adult_share: float) -> BlocPopulation:
    """Sum the bloc's categories per seat, as counts (percent × population where the census gives percent).

    One query. A seat lacking any of the bloc's categories, or its population where needed, is NaN.
    """
    wanted = set(bloc.terms) | {("population", "all"), ("age", "adult_share")}
    query = Q()
    for topic, category in wanted:
        query |= Q(topic=topic, category=category)
    qs = DemographicStat.objects.filter(query, constituency_id__in=[int(c) for c in seats.constituency_ids])
    if bloc.census:
        qs = qs.filter(census=bloc.census)
    figures: dict[tuple[int, str], dict[tuple[str, str], tuple[float, str]]] = defaultdict(dict)
    sources: dict[tuple[int, str], set[int]] = defaultdict(set)
    for cid, census, topic, category, value, unit, source_id in qs.values_list(
        "constituency_id", "census", "topic", "category", "value", "unit", "source_id"
    ):
        seat = figures[(cid, census)]
        if (topic, category) not in seat or unit == DemographicStat.Unit.COUNT:  # a count beats a percentage
            seat[(topic, category)] = (value, unit)
        sources[(cid, census)].add(source_id)

    n = len(seats)
    population = np.full(n, np.nan)
    adult = np.full(n, default_adult_share)
    from_census = np.zeros(n, dtype=bool)
    used: set[str] = set()
    used_sources: set[int] = set()
    preference = {c: i for i, c in enumerate(CENSUS_PREFERENCE)}
    censuses = sorted({c for _, c in figures}, key=lambda c: (preference.get(c, 99), c))
    for i, cid in enumerate(seats.constituency_ids.tolist()):
        for census in censuses:
            seat = figures.get((cid, census))
            if not seat or any(term not in seat for term in bloc.terms):
                continue
            total = 0.0
            for term in bloc.terms:
                value, unit = seat[term]
                if unit == DemographicStat.Unit.PERCENT:
                    pop = seat.get(("population", "all"))
                    if pop is None:
                        total = np.nan
                        break
                    value = value / 100.0 * pop[0]
                total += value
            population[i] = total
            if ("age", "adult_share") in seat:
                adult[i] = seat[("age", "adult_share")][0] / 100.0
                from_census[i] = True
            used.add(census)
            used_sources |= sources[(cid, census)]
            break
    return BlocPopulation(population=population, adult_share=adult, adult_share_from_census=from_census,
                          censuses=sorted(used, key=lambda c: (preference.get(c, 99), c)), source_ids=used_sources)


def sources_get(*, ids: set[int]) -> list[DataSource]:
    return list(DataSource.objects.filter(id__in=ids).order_by("publisher", "title"))


@dataclass(frozen=True)
class Forward:
    """An election without a result, and the baseline result it is forecast from."""

    election: Election
    baseline: Election


def forward_election(*, election_id: str) -> Forward | None:
    """None for an election with results; else the election and its baseline: the one it names, else the latest
    election with results on the same boundaries polled before it (TargetingError if there is none)."""
    from swingfund.targeting.polls import NO_BASELINE

    election = election_get(election_id=election_id)
    if Result.objects.filter(election=election).exists():
        return None
    named = getattr(election, "baseline", None)  # the baseline `swingfund election add` names, where it does
    if named is not None:
        return Forward(election=election, baseline=named)
    baseline = (Election.objects.filter(boundary_set=election.boundary_set, poll_date__lt=election.poll_date,
                                        results__isnull=False).distinct().order_by("-poll_date", "notional", "id")
                .first())
    if baseline is None:
        raise TargetingError(NO_BASELINE.format(election=election.id, boundary_set=election.boundary_set))
    return Forward(election=election, baseline=baseline)


def poll_points(*, forward: Forward, aliases: dict[str, str]) -> list:
    """The polls of a forward election as `polls.PollPoint`s: fieldwork ending before its polling day and starting
    after its baseline's. Party labels are mapped through `aliases` (casefolded label → party key); others are kept
    as printed (a new party, or the rest of the field)."""
    from swingfund.elections.models import Poll
    from swingfund.targeting.polls import PollPoint

    polls = (Poll.objects.filter(fieldwork_end__lt=forward.election.poll_date,
                                 fieldwork_start__gt=forward.baseline.poll_date)
             .select_related("source").prefetch_related("shares").order_by("fieldwork_end", "id"))
    out = []
    for poll in polls:
        shares: dict[str, float] = {}
        for s in poll.shares.all():
            key = aliases.get(s.party_label.casefold(), s.party_label)
            shares[key] = shares.get(key, 0.0) + s.share
        out.append(PollPoint(pollster=poll.pollster, start=poll.fieldwork_start, end=poll.fieldwork_end,
                             sample_size=poll.sample_size, area=poll.area, shares=shares,
                             illustrative=poll.illustrative, where=f"{poll.source.file_name}:{poll.line}"))
    return out
