"""How long the group keeps personal data: each period a dated figure with its legal basis.

A period is either set by a statute (`basis` STATUTE, with the Act and section) or is the group's own documented
policy where no statute sets one (`basis` POLICY): UK GDPR Article 5(1)(e) asks the controller to keep data no
longer than needed and to decide for how long, and the privacy notice must say which (Article 13(2)(a)). The figures
follow settings (an operator may change them); the privacy notice and the erasure refusals read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

STATUTE = "statute"
POLICY = "group policy"
GDPR_5_1_E = "UK GDPR Article 5(1)(e) (storage limitation)"
GDPR_URL = "https://www.legislation.gov.uk/eur/2016/679/article/5"
RPA_SCH_2A = "Representation of the People Act 1983, Schedule 2A and s.81"
RPA_SCH_2A_URL = "https://www.legislation.gov.uk/ukpga/1983/2/schedule/2A"
LIMITATION = "Limitation Act 1980, s.5 (six years for claims)"


@dataclass(frozen=True)
class Period:
    key: str
    what: str
    value: int
    unit: str  # "days after polling day", "years after the year received", "days after receipt"
    effective_from: date
    basis: str  # STATUTE or POLICY
    citation: str
    source_url: str

    @property
    def label(self) -> str:
        """'group policy' or the statute's citation: what the notice prints next to the figure."""
        return POLICY if self.basis == POLICY else self.citation


def periods() -> tuple[Period, ...]:
    start = date(2026, 12, 6)
    return (
        Period("supporters", "Supporters' details (name, contact, postcode, consents)", 180, "days after polling day",
               start, POLICY,
               f"no statute sets it: the group's own period under {GDPR_5_1_E}", GDPR_URL),
        Period("regulated_donations", "Records of gifts over £500 to a non-party campaign (donor's name, address, "
               "permissibility check)", settings.DONATION_RECORD_YEARS, "years after the year received", start,
               POLICY,
               "no statute sets it: PPERA 2000 Schedule 11 requires the check and the report, not a keeping period; "
               f"the group keeps them for questions from the Electoral Commission and claims ({LIMITATION})",
               "https://www.legislation.gov.uk/ukpga/2000/41/schedule/11"),
        Period("candidate_donations", "Records of gifts over £50 passed on to a candidate (the true donor's name and "
               "address, for the candidate's agent)", settings.DONATION_RECORD_YEARS,
               "years after the year received", start, POLICY,
               f"no statute sets it for the group: {RPA_SCH_2A} make the gift the candidate's donation, which the "
               f"agent reports in the election expenses return; the group keeps the record ({LIMITATION})",
               RPA_SCH_2A_URL),
        Period("payment_events", "Card-payment messages from Stripe (payer's name and email)",
               settings.STRIPE_PAYLOAD_RETENTION_DAYS, "days after receipt", start, POLICY,
               f"no statute sets it: the group's own period under {GDPR_5_1_E}", GDPR_URL),
    )


def period(key: str) -> Period:
    for p in periods():
        if p.key == key:
            return p
    raise KeyError(f"no retention period {key!r}; known: {', '.join(p.key for p in periods())}")
