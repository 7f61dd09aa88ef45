"""The SHA-256 of what committee members vote on (after Democracy Club's SuggestedPostLock).

A vote records the hash of the proposal as the member saw it; if the proposal changed in between, the hash no
longer matches and the vote is refused as stale. The hash covers every field a member reads before voting.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime


def content_hash(
    *,
    organisation_id: int,
    kind: str,
    election_id: str,
    constituency_id: int,
    candidacy_id: int | None,
    amount_pence: int,
    reason: str,
    warnings: list[str],
    deadline: datetime | None,
) -> str:
    """Hex SHA-256 of the canonical JSON (sorted keys, no whitespace) of the proposal's content."""
    payload = {
        "organisation": organisation_id,
        "kind": kind,
        "election": election_id,
        "constituency": constituency_id,
        "candidacy": candidacy_id,
        "amount_pence": amount_pence,
        "reason": reason,
        "warnings": list(warnings),
        "deadline": deadline.isoformat() if deadline else None,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def proposal_hash(proposal) -> str:
    """`content_hash` of a proposal as it stands now in its row (recomputed, never the stored `content_hash`)."""
    return content_hash(
        organisation_id=proposal.organisation_id,
        kind=proposal.kind,
        election_id=proposal.election_id,
        constituency_id=proposal.constituency_id,
        candidacy_id=proposal.candidacy_id,
        amount_pence=proposal.amount_pence,
        reason=proposal.reason,
        warnings=list(proposal.warnings),
        deadline=proposal.deadline,
    )
