"""Stored forecasts, written and read (the service and selectors of `models.StoredForecast`).

`stored_forecast_record` stores a forecast as published, with its date, its inputs and a SHA-256 of both, in one
row that nobody can change afterwards. It refuses a forecast of an election made from that election's own result.
A forecast stored after polling day (a rehearsal on a past election, as the demo's 2019 → 2024 one) is kept with
its true date, and evaluation says it was made afterwards (`made_after_poll`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone

from swingfund.elections.models import Election
from swingfund.organisations.models import Organisation
from swingfund.targeting.models import StoredForecast

FORECAST_OWN_RESULT = ("A forecast of {election} cannot be made from its own result: forecast it from the election "
                       "before.")
FORECAST_NO_SEATS = "A stored forecast needs at least one seat."
FORECAST_SEAT_FIELDS = ("gss_code", "p_win")


def forecast_hash(*, payload: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def stored_forecast_record(*, organisation: Organisation, election_id: str, base_election_id: str, kind: str,
                           model: str, inputs: dict[str, object], seats: Sequence[dict[str, object]],
                           what_if: bool = False, made_at: dt.datetime | None = None) -> StoredForecast:
    """Store one published forecast (see the module docstring); returns the new row."""
    if base_election_id and base_election_id == election_id:
        raise ValueError(FORECAST_OWN_RESULT.format(election=election_id))
    made_at = made_at or timezone.now()
    if not seats:
        raise ValueError(FORECAST_NO_SEATS)
    rows = [dict(s) for s in seats]
    payload = {"organisation": organisation.slug, "election": election_id, "base": base_election_id, "kind": kind,
               "what_if": what_if, "made_at": made_at.isoformat(), "model": model, "inputs": inputs, "seats": rows}
    return StoredForecast.objects.create(
        organisation=organisation, election_id=election_id, base_election_id=base_election_id, kind=kind,
        what_if=what_if, made_at=made_at, model=model, inputs=inputs, seats=rows,
        content_hash=forecast_hash(payload=payload))


def stored_forecasts(*, organisation: Organisation, election_id: str, include_what_if: bool = False
                     ) -> list[StoredForecast]:
    """The organisation's stored forecasts of an election, oldest first (what-ifs left out unless asked)."""
    rows = StoredForecast.objects.filter(organisation=organisation, election_id=election_id)
    if not include_what_if:
        rows = rows.filter(what_if=False)
    return list(rows.order_by("made_at", "id"))


def made_after_poll(*, forecast: StoredForecast) -> bool:
    """Was the forecast made on or after its election's polling day (a rehearsal, not a published forecast)?"""
    election = Election.objects.filter(pk=forecast.election_id).first()
    return election is not None and forecast.made_at.date() >= election.poll_date


TARGETS_MODEL = "swingfund targeting: the forecast of the next result (projection, national and seat errors)"
TARGETS_INTERVAL = "10–90 %"


def targets_forecast_seats(*, table) -> list[dict[str, object]]:
    """Per seat of a target table (`targets.TargetTable`) with a forecast: the projected winner's party, its
    P(win), its lead and the 10–90 % interval of that lead, and the value of money there (targeting/value.py)."""
    value = table.money_value
    out = []
    for i, code in enumerate(table.seats.codes):
        p = float(table.p_win[i]) if table.p_win is not None else float("nan")
        if not np.isfinite(p) or not np.isfinite(table.majority[i]):
            continue
        row = {"gss_code": code, "seat": table.seats.names[i], "party": table.party[i], "mp": table.mp[i],
               "p_win": round(p, 6),
               "lead": round(float(table.majority[i]), 1),
               "lead_interval": [round(float(table.majority_p10[i]), 1), round(float(table.majority_p90[i]), 1)]}
        if value is not None and np.isfinite(value.per_1000[i]):
            row["value_per_1000"] = round(float(value.per_1000[i]), 6)
        out.append(row)
    return out


def targets_publish(*, organisation: Organisation, election_id: str, table, inputs: dict[str, object]
                    ) -> StoredForecast:
    """Store the forecast a group publishes with its targets: the table (computed from the result of
    `table.seats.election_id`) is its forecast of `election_id`, the election after."""
    return stored_forecast_record(organisation=organisation, election_id=election_id,
                                  base_election_id=table.seats.election_id, kind=StoredForecast.Kind.TARGETS,
                                  model=TARGETS_MODEL, inputs={**inputs, "interval_level": TARGETS_INTERVAL},
                                  seats=targets_forecast_seats(table=table))
