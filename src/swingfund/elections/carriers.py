"""Party identity across elections: which *carrier* a candidacy's votes belong to when results are compared.

A carrier is the party whose vote a candidacy carries from one election to the next. Most parties carry their
own vote. A joint description carries the vote of the party it stands for: "Labour and Co-operative"
candidates are Labour's candidates in every seat where they stand (the House of Commons Library files list
them separately, but under the same abbreviation `Lab`; the notional 2019 results list "Labour" only).
The Speaker stands as "Speaker", the main parties stand aside by convention, and the seat is kept out of
swing. Independents and candidacies without a party carry nothing from the last election.

These are data, not rules about any party: a new joint description is one more line in `JOINT_DESCRIPTIONS`.
"""

from __future__ import annotations

JOINT_DESCRIPTIONS: dict[str, str] = {
    "Labour and Co-operative": "Labour",
    "Labour and Co-operative Party": "Labour",
    "Labour Co-op": "Labour",
}
"""Party name as printed on the ballot → the party whose vote it carries."""

RENAMED: dict[str, str] = {
    "Brexit Party": "Reform UK",
}
"""A registered party that changed its name carries its vote under the new name (the Brexit Party became Reform UK
in January 2021: the same party on the Electoral Commission's register, PP7931)."""

SPEAKER_NAMES = frozenset({"Speaker", "The Speaker", "Speaker seeking re-election"})
"""How the Speaker's candidacy is named in the official files (the seat is kept out of swing)."""

NO_CARRIER_NAMES = frozenset({"Independent", "Other candidates (combined)"})
"""Names under which candidates carry no party's vote between elections."""


def carrier_name(party_name: str | None) -> str | None:
    """The carrier of a candidacy standing under `party_name` (None: carries no party's vote)."""
    if not party_name:
        return None
    name = party_name.strip()
    if name in NO_CARRIER_NAMES:
        return None
    name = JOINT_DESCRIPTIONS.get(name, name)
    return RENAMED.get(name, name)


def is_speaker(party_name: str | None) -> bool:
    """True for the Speaker's own candidacy (its seat is kept out of swing)."""
    return bool(party_name) and party_name.strip() in SPEAKER_NAMES
