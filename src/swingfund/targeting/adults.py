"""The bloc's adult share relative to its seat's, per census category, from published national age profiles.

Census counts include children, and blocs differ in age. Where a national profile is published, the default adult
ratio of a one-category bloc is derived from it (and cited in the output); otherwise the bloc-neutral default of
`bloc.ADULT_RATIO` stays. A ratio the user sets is always kept.

Muslim (England and Wales): ONS, *Religion by age and sex, England and Wales: Census 2021* (January 2023): about a
third of people identifying as Muslim were under 16 (median age 27, against 40 for the whole population); about
18.6 % of all usual residents were under 16 (ONS, *Age and sex, England and Wales: Census 2021*). With 16–17 year
olds about 2.5 % of each group, adults are about 0.33 + 0.025 → 64 % of Muslims against 79 % of everyone:
a ratio of 0.81, range 0.76–0.86 for the imprecision of "about a third".
"""

from __future__ import annotations

from dataclasses import replace

from swingfund.targeting.bloc import ADULT_RATIO, Assumption, Assumptions, Bloc

ADULT_RATIO_BY_CATEGORY: dict[tuple[str, str], tuple[tuple[float, float, float], str]] = {
    ("religion", "muslim"): (
        (0.81, 0.76, 0.86),
        "ONS, Religion by age and sex, England and Wales: Census 2021 (January 2023): about a third of Muslims "
        "under 16, median age 27 against 40; adults ≈ 64 % of Muslims against 79 % of all residents",
    ),
}
OLDER_CENSUS_NOTE = ("Bloc counts come from {census} for a {year} election: the bloc is held at its census size "
                     "(growth assumption: none, so a growing bloc is understated by its growth since the census).")


def bloc_adult_ratio(*, bloc: Bloc, assumptions: Assumptions) -> tuple[Assumptions, list[str]]:
    """Assumptions with the bloc's published adult ratio where the user kept the neutral default; notes to print."""
    default = Assumption("adult_ratio", *ADULT_RATIO)
    if len(bloc.terms) != 1 or assumptions.adult_ratio != default or bloc.terms[0] not in ADULT_RATIO_BY_CATEGORY:
        return assumptions, [f"Adult ratio of the bloc: {assumptions.adult_ratio} (no published profile used)."]
    values, citation = ADULT_RATIO_BY_CATEGORY[bloc.terms[0]]
    ratio = Assumption("adult_ratio", *values)
    return replace(assumptions, adult_ratio=ratio), [f"Adult ratio of the bloc: {ratio}, from {citation}."]


def older_census_notes(*, censuses: list[str], election_id: str) -> list[str]:
    """A note per census taken more than a year before the election (its growth assumption, stated)."""
    year = int(election_id.split(".")[1][:4])
    out = []
    for census in censuses:
        digits = "".join(ch for ch in census if ch.isdigit())
        if digits and int(digits) < year - 1:
            out.append(OLDER_CENSUS_NOTE.format(census=census, year=year))
    return out
