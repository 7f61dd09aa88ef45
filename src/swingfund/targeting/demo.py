"""The demo's track record: a stored forecast of the 2024 general election made from the 2019 notional result, for
`evaluate` and /track-record/ to score against 2024's result.

Said plainly: it is a REHEARSAL made after the fact. The demo computes it when it is run (in 2026 or later), from
the 2019 notional result alone (the forecast never reads 2024's result), and stores it dated 20 June 2024, two weeks
before polling day, as if the demo group had published it then. Its inputs say so (`rehearsal`, `computed_at`,
`note`), so nobody can mistake it for a forecast anyone published before the election. Safe to repeat: one such
forecast per organisation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from swingfund.organisations.models import Organisation
from swingfund.targeting.models import StoredForecast

REHEARSAL_BASE = "parl.2019-12-12.notional"
REHEARSAL_ELECTION = "parl.2024-07-04"
REHEARSAL_DATED = dt.datetime(2024, 6, 20, 12, 0, tzinfo=dt.UTC)
REHEARSAL_DRAWS = 1000
REHEARSAL_NOTE = ("Illustrative rehearsal made after the fact: computed by `swingfund demo` on {computed} from the "
                  "2019 notional result only, and dated 20 June 2024 as if published before polling day. Not a "
                  "forecast anyone published before the 2024 election.")


def demo_rehearsal_forecast(*, organisation: Organisation, bloc: str | None) -> StoredForecast:
    """Store (once) the demo's 2019 notional → 2024 targets forecast, dated before 4 July 2024 (see module)."""
    from swingfund.targeting.bloc import bloc_parse
    from swingfund.targeting.forecasts import (
        TARGETS_INTERVAL,
        TARGETS_MODEL,
        stored_forecast_record,
        targets_forecast_seats,
    )
    from swingfund.targeting.targets import targets_compute

    existing = StoredForecast.objects.filter(organisation=organisation, election_id=REHEARSAL_ELECTION,
                                             base_election_id=REHEARSAL_BASE, kind=StoredForecast.Kind.TARGETS,
                                             inputs__rehearsal=True).first()
    if existing is not None:
        return existing
    parsed = bloc_parse(text=bloc, census=None) if bloc else None
    table = targets_compute(election_id=REHEARSAL_BASE, bloc=parsed, draws=REHEARSAL_DRAWS)
    computed = timezone.now()
    inputs = {"bloc": bloc, "draws": REHEARSAL_DRAWS, "interval_level": TARGETS_INTERVAL, "rehearsal": True,
              "computed_at": computed.isoformat(), "illustrative": True,
              "note": REHEARSAL_NOTE.format(computed=computed.date().isoformat()),
              "assumptions": table.assumptions.as_dict()}
    return stored_forecast_record(organisation=organisation, election_id=REHEARSAL_ELECTION,
                                  base_election_id=REHEARSAL_BASE, kind=StoredForecast.Kind.TARGETS,
                                  model=TARGETS_MODEL, inputs=inputs, seats=targets_forecast_seats(table=table),
                                  made_at=REHEARSAL_DATED)
