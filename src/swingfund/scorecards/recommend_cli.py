"""The command-line arguments of a recommendation run, shared by `swingfund recommend` and `swingfund committee
propose` so that the same arguments give the same seats. Parses and resolves only; the work is
`recommendations.recommendations_with_notes`.

Defaults come from the group (`organisations.selectors.organisation_defaults`): its election, its lens and its bloc.
`--bloc` takes a census bloc (`topic:category`, several joined by +), `none` (rank seats by marginality) or
`supporters` (count the group's own consenting supporters per seat).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from swingfund.cliargs import SEATS, float_range, int_range
from swingfund.organisations.models import BlocKind, Organisation
from swingfund.organisations.selectors import (
    GroupDefaults,
    organisation_current,
    organisation_defaults,
    organisation_get,
)
from swingfund.targeting.supporters import supporter_counts

from . import scoring
from .rules import RuleConfig

BLOC_NONE, BLOC_SUPPORTERS = BlocKind.NONE.value, BlocKind.SUPPORTERS.value
NO_ORGANISATION = "No organisation yet: run `swingfund setup` to create your group (or `swingfund demo`)."
NO_ELECTION = "No election to recommend for: import one (`swingfund data import`) or pass --election parl.YYYY-MM-DD."
COMPETITIVE_BAD = "--competitive must be a number ≥ 1 or 'all', not {value!r}"


def add_recommendation_arguments(parser: argparse.ArgumentParser, *, top_default: int | None = None) -> None:
    """The arguments that choose which seats are recommended and what the rule decides in each."""
    parser.add_argument("--election", help="Democracy Club id, e.g. parl.YYYY-MM-DD (default: the group's election)")
    parser.add_argument("--bloc", help="topic:category (several joined by +), 'none' (marginality only) or "
                                       "'supporters' (our own supporters per seat); default: the group's bloc")
    parser.add_argument("--organisation", help="organisation slug (default: the group this site serves)")
    parser.add_argument("--lens", choices=["swing", "own"],
                        help="swing: decide between the leading two; own: elect our own candidate (default: the "
                             "group's lens)")
    parser.add_argument("--project", metavar="SHARES",
                        help="before the count, place candidates by a national swing projection, e.g. Lab=0.30")
    parser.add_argument("--swing", choices=["uniform", "proportional"], default="uniform")
    parser.add_argument("--top", type=int_range(1, SEATS), default=top_default, help="only the N best target seats")
    parser.add_argument("--min-leverage", type=float_range(0.0, 1e9))
    parser.add_argument("--min-p-decisive", type=float_range(0.0, 1.0))
    parser.add_argument("--competitive", default="2", help="N (top N of the last result) or 'all'")
    parser.add_argument("--min-agree", type=int_range(0, 1000),
                        help="statements a candidate must agree with (default: all)")
    parser.add_argument("--tie-break", choices=["most_likely_to_win", "stay_out"], default="most_likely_to_win")
    parser.add_argument("--split-vote", choices=["stay_out", "warn"], default="stay_out")
    parser.add_argument("--method", choices=sorted(scoring.SCORERS), default=scoring.DEFAULT_METHOD)


@dataclass(frozen=True)
class RecommendationRun:
    """Resolved arguments: the organisation, the label of the bloc, and the keyword arguments of
    `recommendations_with_notes`."""

    organisation: Organisation
    defaults: GroupDefaults
    bloc_label: str
    kwargs: dict[str, Any]


def bloc_resolve(*, text: str | None, organisation: Organisation, defaults: GroupDefaults) -> tuple[
        str | None, dict[int, int] | None, str]:
    """`--bloc` → (census bloc or None, supporter counts or None, label). Empty: the group's own bloc kind."""
    choice = (text or "").strip()
    if not choice:
        choice = defaults.bloc if defaults.has_census_bloc else (
            BLOC_SUPPORTERS if defaults.counts_supporters else BLOC_NONE)
    if choice.lower() == BLOC_NONE:
        return None, None, BLOC_NONE
    if choice.lower() == BLOC_SUPPORTERS:
        return None, supporter_counts(organisation_id=organisation.pk), BLOC_SUPPORTERS
    return choice, None, choice


def recommendation_run(options: dict[str, Any]) -> RecommendationRun:
    """Parsed options (as a command's `handle` receives them) → the run. Raises ValueError with a message."""
    slug = options["organisation"]
    organisation = organisation_get(slug=slug) if slug else organisation_current()
    if organisation is None:
        raise ValueError(NO_ORGANISATION)
    defaults = organisation_defaults(organisation=organisation)
    competitive = options["competitive"]
    if competitive == "all":
        mode, top_n = "all", 2
    elif competitive.isdigit() and int(competitive) >= 1:
        mode, top_n = "top_n", int(competitive)
    else:
        raise ValueError(COMPETITIVE_BAD.format(value=competitive))
    config = RuleConfig(competitive=mode, top_n=top_n, min_agree=options["min_agree"],
                        tie_break=options["tie_break"], split_vote=options["split_vote"])
    election_id = options["election"] or defaults.election_id
    if not election_id:
        raise ValueError(NO_ELECTION)
    bloc, supporters, label = bloc_resolve(text=options["bloc"], organisation=organisation, defaults=defaults)
    return RecommendationRun(
        organisation=organisation, defaults=defaults, bloc_label=label,
        kwargs={"election_id": election_id, "bloc": bloc, "supporters": supporters, "top": options["top"],
                "min_leverage": options["min_leverage"], "min_p_decisive": options["min_p_decisive"],
                "config": config, "method": options["method"], "lens": options["lens"] or defaults.lens,
                "project_shares": options["project"], "swing": options["swing"]})
