"""Segments: supporters in a set of constituencies (from a targets run, the committee's decisions or a list),
narrowed by tag, language and channel; with the count per seat shown before anything is sent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from swingfund.elections.models import Constituency
from swingfund.organisations.models import Organisation
from swingfund.outreach import errors
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.models import Channel, Consent, Segment, Supporter, Tag


def constituencies_from_targets(*, election_id: str, bloc: str, top: int, lens: str = "swing") -> list[str]:
    """The GSS codes of the `top` seats of a targets run, by P(pivotal) under the lens (swing or own)."""
    from swingfund.targeting.bloc import bloc_parse
    from swingfund.targeting.targets import targets_compute

    table = targets_compute(election_id=election_id, bloc=bloc_parse(text=bloc))
    p = np.nan_to_num(getattr(table, "p_swing" if lens == "swing" else "p_own"), nan=-1.0)
    order = np.argsort(-p, kind="stable")[:top]
    return [table.seats.codes[i] for i in order]


def constituencies_from_decisions(*, organisation: Organisation, election_id: str | None = None) -> list[str]:
    """The seats in which the committee approved an intervention (a grant or staying out)."""
    from swingfund.committee.models import Decision

    qs = Decision.objects.filter(outcome=Decision.Outcome.APPROVED, proposal__organisation=organisation)
    if election_id:
        qs = qs.filter(proposal__election_id=election_id)
    return sorted(set(qs.values_list("proposal__constituency__gss_code", flat=True)))


def segment_create(
    *,
    organisation: Organisation,
    name: str,
    basis: str,
    gss_codes: Iterable[str],
    channel: str,
    tags: Iterable[str] = (),
    language: str = "",
    basis_note: str = "",
    now: datetime | None = None,
) -> Segment:
    codes = sorted(set(gss_codes))
    seats = list(Constituency.objects.filter(gss_code__in=codes, boundary_set="pcon2024"))
    if not seats:
        raise OutreachRefusal(errors.SEGMENT_EMPTY)
    unknown = set(codes) - {s.gss_code for s in seats}
    if unknown:
        raise OutreachRefusal(f"Not 2024 constituencies: {', '.join(sorted(unknown))}")
    if channel not in Channel.values:
        raise OutreachRefusal(f"Unknown channel {channel!r}")
    segment = Segment.objects.create(
        organisation=organisation, name=name, basis=basis, basis_note=basis_note[:300], language=language,
        channel=channel, created_at=now or timezone.now(),
    )
    segment.constituencies.set(seats)
    segment.tags.set([Tag.objects.get_or_create(organisation=organisation, name=t)[0] for t in tags])
    return segment


def reachable(*, channel: str) -> QuerySet[Supporter]:
    """Supporters the channel may reach now: live consent (email confirmed by double opt-in, the mobile number by
    its owner), not erased."""
    live = Consent.objects.filter(supporter=OuterRef("pk"), purpose=channel, withdrawn_at__isnull=True)
    special = Consent.objects.filter(supporter=OuterRef("pk"), purpose="special", withdrawn_at__isnull=True)
    qs = Supporter.objects.filter(Exists(live), Exists(special), erased_at__isnull=True)
    if channel == Channel.EMAIL:
        return qs.exclude(email="").filter(email_confirmed_at__isnull=False)
    return qs.exclude(phone="").filter(phone_confirmed_at__isnull=False)


def segment_members(*, segment: Segment) -> QuerySet[Supporter]:
    qs = reachable(channel=segment.channel).filter(
        organisation=segment.organisation, constituency__in=segment.constituencies.all()
    )
    tag_ids = list(segment.tags.values_list("pk", flat=True))
    if tag_ids:
        qs = qs.filter(tags__in=tag_ids).distinct()
    if segment.language:
        qs = qs.filter(language=segment.language)
    return qs


def segment_counts(*, segment: Segment) -> list[tuple[Constituency, int]]:
    """Every seat of the segment with the number of supporters a send would reach there (zero included)."""
    counts = dict(
        segment_members(segment=segment).order_by().values("constituency").annotate(n=Count("pk", distinct=True))
        .values_list("constituency", "n")
    )  # fmt: skip
    return [(seat, counts.get(seat.pk, 0)) for seat in segment.constituencies.order_by("name")]
