"""The historical error of the final polls at recent UK general elections: one set of figures, with sources.

The forward forecast's national error (`forecast.forecast_build(national_cov=...)`) and the poll average's
uncertainty (elections' poll import) both use these figures; import them from here, never restate them.

``FINAL_POLL_ERRORS``: per election, the average of the final published polls minus the Great Britain result,
in points of vote share, for the parties the reviews report. The figures are rounded to the half point (the
averages differ slightly with which polls count as "final"), and each row names its source:

* 2015: Sturgis et al., *Report of the Inquiry into the 2015 British general election opinion polls* (British
  Polling Council and Market Research Society, March 2016): final polls Con 34, Lab 34 against a GB result of
  Con 37.7, Lab 31.2 (the lead was understated by about 6.5 points).
* 2017: final polls about Con 44, Lab 36 (the Conservatives about 7 points ahead) against a GB result of
  Con 43.5, Lab 41.0 (British Polling Council, final polls table, June 2017): Labour understated by about 5 points.
* 2019: final polls Con 43, Lab 33 (British Polling Council, final polls table, December 2019) against a GB
  result of Con 44.7, Lab 33.0.
* 2024: final polls Lab about 39.5, Con 21, Reform UK 16.5, LD 11.5, Green 6.5 against a GB result of Lab 34.7,
  Con 24.4, Reform UK 14.7, LD 12.6, Green 6.9: the Labour lead over the Conservatives was overstated by about
  8 points (British Polling Council, "The 2024 General Election", https://britishpollingcouncil.org/?p=1239,
  collating its members' reviews of the overstatement of Labour's share).

``national_error_covariance`` turns these into a covariance between parties' national errors: each named party's
sd is the root mean square of its errors (Con 2.7, Lab 3.7 points), the Con–Lab correlation (−0.97) is that of
their errors over the four elections (strongly negative: when the polls overstate one they understate the other);
any other party gets ``MINOR_PARTY_SD`` and no correlation. Backtests use a perfect poll (no national error).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FINAL_POLL_ERRORS: dict[str, dict[str, float]] = {
    "parl.2015-05-07": {"Con": 34.0 - 37.7, "Lab": 34.0 - 31.2},
    "parl.2017-06-08": {"Con": 44.0 - 43.5, "Lab": 36.0 - 41.0},
    "parl.2019-12-12": {"Con": 43.0 - 44.7, "Lab": 33.0 - 33.0},
    "parl.2024-07-04": {"Con": 21.0 - 24.4, "Lab": 39.5 - 34.7, "RUK": 16.5 - 14.7, "LD": 11.5 - 12.6,
                        "Green": 6.5 - 6.9},
}
"""Final-poll average minus the GB result, points (see the module docstring for each row's source)."""

FINAL_POLL_SOURCES: dict[str, str] = {
    "parl.2015-05-07": "Sturgis et al. (2016), Report of the Inquiry into the 2015 British general election opinion "
                       "polls, British Polling Council / Market Research Society",
    "parl.2017-06-08": "British Polling Council, final polls of the 2017 general election",
    "parl.2019-12-12": "British Polling Council, final polls of the 2019 general election",
    "parl.2024-07-04": "British Polling Council, The 2024 General Election (members' reviews of the overstatement "
                       "of Labour's share), https://britishpollingcouncil.org/?p=1239",
}
MINOR_PARTY_SD = 0.015
"""sd of the national error of a party the reviews do not report (1.5 points): the 2024 errors of Reform UK, the
Liberal Democrats and the Greens (1.8, 1.1, 0.4 points) have a root mean square of about 1.2; rounded up."""
MAIN_PARTIES = ("Con", "Lab")


def party_error_sd(party: str) -> float:
    """Root mean square of the final polls' error for `party` (share, 0–1); `MINOR_PARTY_SD` for the rest."""
    errors = [e[party] for e in FINAL_POLL_ERRORS.values() if party in e]
    if len(errors) < 3:
        return MINOR_PARTY_SD
    return float(np.sqrt(np.mean(np.square(errors)))) / 100.0


def main_party_correlation() -> float:
    """Correlation of the Conservative and Labour final-poll errors over the elections with both reported."""
    pairs = np.array([(e["Con"], e["Lab"]) for e in FINAL_POLL_ERRORS.values() if "Con" in e and "Lab" in e])
    return float(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1])


def national_error_covariance(parties: Sequence[str], *, scale: float = 1.0) -> np.ndarray:
    """Covariance (shares²) of the national errors of `parties` (abbreviations as `FINAL_POLL_ERRORS` spells them:
    Con, Lab, LD, RUK, Green, …). `scale` multiplies every sd (e.g. 0 for a perfect poll)."""
    sd = np.array([party_error_sd(p) for p in parties]) * scale
    corr = np.eye(len(parties))
    rho = main_party_correlation()
    for i, a in enumerate(parties):
        for j, b in enumerate(parties):
            if i != j and a in MAIN_PARTIES and b in MAIN_PARTIES:
                corr[i, j] = rho
    return corr * np.outer(sd, sd)
