"""The law's caps on money for one seat and candidate, read from compliance's dated figures (never literals).

Three ways a group's money can reach a seat, each with its own legal caps (LAW.md, the three situations):

- `donation` — grants to the backed candidate's campaign: a gift over the donation threshold is a candidate
  donation (RPA 1983 Sch. 2A) that the candidate can only spend within their own spending limit (s.76:
  base + per-elector rate × electorate), so that limit caps what is useful to give.
- `local` — the group's own spending about the named candidate (s.75): the permitted sum unless the
  candidate's agent authorised more in writing (then the candidate's limit applies instead).
- `campaign` — a registered non-party campaign (PPERA Part VI): the constituency limit per seat, the targeted
  spending limit per nation over the seats whose backed candidates are of one party, the nation's overall
  limit, and — for a campaigner that has not notified the Commission — the notification threshold UK-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from swingfund.compliance.checks import candidate_spending_limit
from swingfund.compliance.limits import Figure
from swingfund.compliance.selectors import FigureNotInForce, figure, figure_table
from swingfund.display import money

CHANNELS = ("donation", "local", "campaign")
CHANNEL_UNKNOWN = "Unknown channel {channel!r}: choose donation, local or campaign."
TYPE_UNKNOWN_NOTE = ("{seat}: constituency type unknown, so the lower (borough) per-elector rate is used for the "
                     "candidate's limit.")


@dataclass(frozen=True)
class Cap:
    """A cap in pence, what it is called and where it comes from."""

    name: str
    pence: int
    source: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "pence": self.pence, "display": money(self.pence, short=True), "source": self.source}


def candidate_cap(*, electorate: int, constituency_type: str, on: date) -> tuple[Cap, bool]:
    """The candidate's spending limit for the seat; True when the seat type was unknown (borough rate used)."""
    unknown = (constituency_type or "").strip().lower() not in {"borough", "burgh", "county"}
    limit, base, rate = candidate_spending_limit(figures=figure_table(), electorate=max(electorate, 1),
                                                 constituency_type="borough" if unknown else constituency_type,
                                                 on=on)
    return Cap(name="candidate spending limit", pence=limit,
               source=f"{base.citation}: {base.display} + {rate.display} × {electorate:,} electors"), unknown


def _cap(fig: Figure, name: str) -> Cap:
    return Cap(name=name, pence=fig.value, source=fig.source)


def local_cap(*, on: date) -> Cap:
    return _cap(figure("local_permitted_sum", on=on), "local permitted sum (s.75, no agent authorisation)")


def constituency_cap(*, nation: str, on: date) -> Cap:
    return _cap(figure("non_party_constituency_limit", on=on, nation=nation), "non-party constituency limit")


def targeted_cap(*, nation: str, on: date) -> Cap:
    return _cap(figure("targeted_spending_limit", on=on, nation=nation), f"targeted spending limit ({nation})")


def national_cap(*, nation: str, on: date) -> Cap | None:
    """The non-party limit of one nation, or None where no figure is recorded for it."""
    try:
        fig = figure("non_party_limit", on=on, nation=nation)
    except FigureNotInForce:
        return None
    if fig.nation != nation:
        return None
    return _cap(fig, f"non-party spending limit ({nation})")


def notification_cap(*, on: date) -> Cap:
    return _cap(figure("non_party_notification_threshold", on=on), "notification threshold (not registered)")
