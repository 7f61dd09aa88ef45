"""The rule's view of many seats at once: a fixed number of queries however many seats are asked for.

Candidacies, stances (one evidence query per statement), stand-downs and places are loaded in bulk, then each
seat is handed to the pure rule. Used by recommendations (all target seats) and by the seat page (one seat).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from swingfund.elections.models import Candidacy, CandidacyStatus
from swingfund.organisations.models import Organisation

from . import scoring
from .models import StandDown
from .places import PastVotes, places_detail
from .rules import SeatCandidate
from .selectors import candidacy_label, stances_by_person


def seat_views(
    *,
    organisation: Organisation,
    election_id: str,
    constituency_ids: Iterable[int],
    method: scoring.Method = scoring.DEFAULT_METHOD,
    projected: PastVotes | None = None,
) -> tuple[dict[int, list[SeatCandidate]], int]:
    """{constituency id: the rule's view of its candidacies}, and the number of current statements.
    Seats without candidacies in the election are absent from the result. Places come from `places.py`
    (this election's count, else `projected`, else each seat's last result)."""
    by_seat: dict[int, list[Candidacy]] = defaultdict(list)
    for c in (
        Candidacy.objects.filter(election_id=election_id, constituency_id__in=list(constituency_ids))
        .select_related("person", "party")
        .order_by("constituency_id", "-votes", "id")
    ):
        by_seat[c.constituency_id].append(c)
    everyone = [c for group in by_seat.values() for c in group]
    versions, stances = stances_by_person(
        organisation=organisation, persons={c.person_id for c in everyone if c.person_id}, method=method
    )
    stood_down = set(
        StandDown.objects.filter(
            candidacy__election_id=election_id, candidacy__constituency_id__in=list(by_seat)
        ).values_list("candidacy_id", flat=True)
    )
    unknown = tuple("unknown" for _ in versions)
    out = {}
    for seat_id, group in by_seat.items():
        place, _, newcomers = places_detail(candidacies=group, projected=projected)
        out[seat_id] = [
            SeatCandidate(
                candidacy_id=c.pk,
                label=candidacy_label(c),
                place=place[c.pk],
                stances=stances.get(c.person_id, unknown) if c.person_id else unknown,
                standing=c.pk not in stood_down and c.status == CandidacyStatus.STANDING,
                newcomer=c.pk in newcomers,
            )
            for c in group
        ]
    return out, len(versions)
