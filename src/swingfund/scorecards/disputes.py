"""Writes about the record around evidence: candidates' disputes of a coding, and candidates standing down.

Re-exported by `services.py`, the one place other code calls for writes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from swingfund.elections.models import Candidacy

from .models import Dispute, Evidence, StandDown

ERROR_DISPUTE_CLOSED = "this dispute has already been answered ({status})"
ERROR_DISPUTE_STATUS = "a response must uphold or reject the dispute"
ERROR_RESPONSE_EMPTY = "the organiser's response must say why"
ERROR_DISPUTE_EMPTY = "the candidate's dispute needs a text"


@transaction.atomic
def dispute_open(*, evidence: Evidence, candidate_text: str) -> Dispute:
    if not candidate_text.strip():
        raise ValidationError(ERROR_DISPUTE_EMPTY)
    return Dispute.objects.create(evidence=evidence, candidate_text=candidate_text, opened_at=timezone.now())


@transaction.atomic
def dispute_respond(
    *, dispute: Dispute, status: str, response: str, responded_by: AbstractBaseUser | None = None
) -> Dispute:
    """Answer a dispute: uphold it (the coding no longer counts) or reject it (the coding stands). The person's
    stored scores are recomputed at once."""
    from .services import scores_recompute

    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError(ERROR_DISPUTE_CLOSED.format(status=dispute.get_status_display()))
    if status not in (Dispute.Status.UPHELD, Dispute.Status.REJECTED):
        raise ValidationError(ERROR_DISPUTE_STATUS)
    if not response.strip():
        raise ValidationError(ERROR_RESPONSE_EMPTY)
    dispute.status, dispute.organiser_response = status, response
    dispute.responded_at, dispute.responded_by = timezone.now(), responded_by
    dispute.save()
    evidence = dispute.evidence
    scores_recompute(organisation=evidence.statement_version.statement.organisation, persons=[evidence.person_id])
    return dispute


@transaction.atomic
def stand_down_record(*, candidacy: Candidacy, announced: dt.date, source_url: str, note: str = "") -> StandDown:
    """Record that a candidate has stood down; the intervention rule then leaves them out."""
    from .services import check_url

    check_url(source_url)
    stand_down, _ = StandDown.objects.update_or_create(
        candidacy=candidacy,
        defaults={"announced": announced, "source_url": source_url, "note": note, "recorded_at": timezone.now()},
    )
    return stand_down
