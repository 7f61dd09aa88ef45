"""Stored forecasts: a forecast as the group published it (with targets or a plan), with its date and inputs.

A stored forecast is never rewritten: it is what evaluation scores once the election's result is imported, so
changing or deleting one is refused like a decided proposal — by the model (`appendonly.AppendOnlyModel`) and by
database triggers on SQLite and PostgreSQL (`immutability.py`, migration `0002_stored_forecast_triggers`).

Elections are named by their Democracy Club id (a plain column, not a foreign key, so that re-importing an
election never has to touch what was forecast for it).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from swingfund import appendonly
from swingfund.appendonly import AppendOnlyError

ERROR_STORED_FORECAST = ("A stored forecast is final: it is scored as it was published ({model}: {action} refused). "
                         "Make a new forecast instead.")


class StoredForecastError(AppendOnlyError):
    """An attempt to change or delete a stored forecast."""


class StoredForecast(appendonly.AppendOnlyModel):
    """One published forecast of an election: per seat, the backed (or challenging) candidate's P(win) and the
    interval of their lead, and where the money went; with every input that produced it."""

    append_only_error = StoredForecastError
    append_only_message = ERROR_STORED_FORECAST

    class Kind(models.TextChoices):
        PLAN = "plan", "plan"
        TARGETS = "targets", "targets"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="stored_forecasts")
    election_id = models.CharField(max_length=100, db_index=True, help_text="The election forecast.")
    base_election_id = models.CharField(max_length=100, blank=True,
                                        help_text="The result it was forecast from (the election before).")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    what_if = models.BooleanField(default=False, help_text="A what-if, not the group's plan: never scored as one.")
    made_at = models.DateTimeField()
    model = models.CharField(max_length=300, help_text="The model that produced the probabilities.")
    inputs = models.JSONField(help_text="Every input: bloc, lens, assumptions, draws, seed, budget, effect, …")
    seats = models.JSONField(help_text="Per seat: gss_code, candidacy_id, p_win, lead, lead_interval, amount_pence.")
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("made_at", "id")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["plan", "targets"]), name="storedforecast_kind_known"),
            models.CheckConstraint(condition=~Q(election_id=""), name="storedforecast_election_named"),
            models.CheckConstraint(condition=~Q(election_id=models.F("base_election_id")),
                                   name="storedforecast_not_from_its_own_result"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} forecast of {self.election_id} ({self.made_at:%Y-%m-%d %H:%M} UTC)"
