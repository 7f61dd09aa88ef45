"""The general elections swingfund imports, named by their Democracy Club ids (built with `uk-election-ids`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from uk_election_ids.election_ids import IdBuilder

from swingfund.elections.models import BoundarySet, DataSource, Election


@dataclass(frozen=True)
class KnownElection:
    year: int
    poll_date: date
    boundary_set: str
    notional: bool = False

    @property
    def id(self) -> str:
        base = IdBuilder("parl", self.poll_date).election_group_id
        return f"{base}.notional" if self.notional else base

    @property
    def name(self) -> str:
        if self.notional:
            return f"UK general election {self.year}, notional results on {self.boundary_set} boundaries"
        return f"UK general election {self.year}"


GE2015 = KnownElection(2015, date(2015, 5, 7), BoundarySet.PCON2010)
GE2017 = KnownElection(2017, date(2017, 6, 8), BoundarySet.PCON2010)
GE2019 = KnownElection(2019, date(2019, 12, 12), BoundarySet.PCON2010)
GE2024 = KnownElection(2024, date(2024, 7, 4), BoundarySet.PCON2024)
GE2019_NOTIONAL = KnownElection(2019, date(2019, 12, 12), BoundarySet.PCON2024, notional=True)
BY_YEAR = {e.year: e for e in (GE2017, GE2019, GE2024)}


def election_ensure(known: KnownElection, *, source: DataSource) -> Election:
    """Create or update the Election row for a known general election."""
    election, _ = Election.objects.update_or_create(
        id=known.id,
        defaults={
            "name": known.name,
            "poll_date": known.poll_date,
            "boundary_set": known.boundary_set,
            "notional": known.notional,
            "source": source,
        },
    )
    return election
