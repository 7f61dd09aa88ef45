"""Writes for gifts: donors, donations (card and offline), refunds, disputes, holding, releasing, returning.

Every function is keyword-only, runs under `transaction.atomic`, takes the ledger's chain-head lock first
(so concurrent deliveries of the same payment serialise, and the idempotency check cannot race), and
posts its money movement through `funding.ledger.transaction_post`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from swingfund.compliance import gifts as law
from swingfund.compliance.gifts import GiftPosition
from swingfund.compliance.selectors import figure_table, figures_memo
from swingfund.display import money
from swingfund.funding import ledger, rules
from swingfund.funding.ledger import Line
from swingfund.funding.models import (
    Campaign,
    ComplianceTask,
    Donation,
    Donor,
    GivingMode,
    Method,
    PermissibilityCategory,
)

AMOUNT_NOT_POSITIVE = "The amount must be a positive whole number of pence (got {value!r})."
AMOUNT_TOO_LARGE = "The amount {value!r} pence is over the most swingfund records in one movement ({limit:,} pence)."
RECEIVED_IN_FUTURE = "A gift cannot be received in the future: {value} is after now ({now}, UTC)."
RECEIVED_TOO_EARLY = "A gift received on {value} is before {earliest}: check the date."
FEE_OUT_OF_RANGE = "The fee must be between 0 and the gift's amount ({amount} pence); got {fee!r}."
UNKNOWN_METHOD = "Unknown payment method {method!r}: use one of {known}."
NAIVE_TIME = "Times must be timezone-aware (UTC); got {value!r}."
EARMARK_REQUIRED = "Campaign '{campaign}' is earmarked: each gift must name the backed candidacy it is for."
EARMARK_FORBIDDEN = "Campaign '{campaign}' is pooled: a gift to it cannot be earmarked for a candidacy."
DONOR_NAME_REQUIRED = "A donor needs a name."
UNKNOWN_CATEGORY = "Unknown permissibility category {category!r}: use one of {known}."



def _require_amount(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(AMOUNT_NOT_POSITIVE.format(value=value))
    if value > rules.MAX_AMOUNT_PENCE:
        raise ValueError(AMOUNT_TOO_LARGE.format(value=value, limit=rules.MAX_AMOUNT_PENCE))
    return value


def _require_aware(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValueError(NAIVE_TIME.format(value=value))
    return value.astimezone(dt.UTC)


def _cash_account(method: str):
    return ledger.account_shared("card_clearing" if method == Method.CARD else "bank")


# --- donors ---------------------------------------------------------------------------------------------


def donor_details_clean(*, name: str, email: str, address: str, postcode: str,
                        category: str | None) -> tuple[str, str, str, str]:
    """(name, email, address, postcode) as stored: trimmed, email lower-cased, postcode normalised; refuses a
    blank name or an unknown category."""
    name = (name or "").strip()
    if not name:
        raise ValueError(DONOR_NAME_REQUIRED)
    if category is not None and category not in PermissibilityCategory.values:
        raise ValueError(UNKNOWN_CATEGORY.format(category=category, known=", ".join(PermissibilityCategory.values)))
    return name, (email or "").strip().lower(), (address or "").strip(), rules.normalise_postcode(postcode)


def donor_details_widen(donor: Donor, *, address: str, postcode: str, consent_publish: bool | None = None) -> list[str]:
    """Fill a known donor's blank address or postcode from a later gift of the same identity; returns the fields
    changed (not saved). A checked donor whose address changes is checked no more. Consent is never widened here:
    each gift carries its own (`Donation.consent_publish`)."""
    changed = []
    if address and not donor.address:
        donor.address, changed = address, [*changed, "address"]
    if postcode and not donor.postcode:
        donor.postcode, changed = postcode, [*changed, "postcode"]
    if changed and donor.checked_at is not None:
        donor.checked_at, donor.checked_by, changed = None, "", [*changed, "checked_at", "checked_by"]
    return changed


def donor_duplicate_task(donor: Donor, *, others: list[Donor]) -> ComplianceTask | None:
    """A task for the treasurer when a new donor shares an email, or a name and postcode, with donors already
    recorded: they may be one person (merge only with evidence) or someone using another's details."""
    if not others:
        return None
    named = ", ".join(f"#{o.pk} {o.name}" for o in others[:5])
    text = (f"New donor #{donor.pk} {donor.name} shares an email or a name and postcode with {named}: check whether "
            f"they are one person before counting their gifts together; never on the email alone")
    task, _ = ComplianceTask.objects.get_or_create(kind=ComplianceTask.Kind.DUPLICATE, donor=donor, done_at=None,
                                                   defaults={"description": text[:400], "due_on": None})
    return task


def donor_lookalikes(donor: Donor) -> list[Donor]:
    """Other live donors with this donor's email, or its name and postcode, or a checked donor of its name
    (possible duplicates)."""
    near = Q(pk__in=[])
    if donor.email:
        near |= Q(email=donor.email)
    if donor.name_key and donor.postcode:
        near |= Q(name_key=donor.name_key, postcode=donor.postcode)
    if donor.name_key:
        near |= Q(name_key=donor.name_key, checked_at__isnull=False)
    return list(Donor.objects.filter(near, erased_at=None).exclude(pk=donor.pk).order_by("id"))


def donor_get_or_create(
    *,
    name: str,
    email: str = "",
    address: str = "",
    postcode: str = "",
    consent_publish: bool | None = None,
    category: str | None = None,
    evidence: str = "",
) -> Donor:
    """The donor whose identity agrees — the same name and address (with postcode), normalised, or without an
    address the same name and email (`rules.donor_identity`) — else a new donor. Never joined on the email alone:
    a new donor sharing another's email (or name and postcode) gets a possible-duplicate task for the treasurer,
    and starts unchecked, so a gift over the threshold is held. Blank address/postcode are filled from later gifts.
    `consent_publish` is recorded on a new donor only; publication follows each gift's own consent. A category
    given here is the donor's own declaration, not yet checked. Call inside the gift's transaction
    (`donation_record_with_donor`), so a refused gift leaves no donor behind."""
    name, email, address, postcode = donor_details_clean(name=name, email=email, address=address, postcode=postcode,
                                                         category=category)
    key = rules.donor_identity(name=name, email=email, address=address, postcode=postcode)
    fields = {"name": name, "email": email, "address": address, "postcode": postcode, "evidence": evidence,
              "consent_publish": bool(consent_publish), "category": category or PermissibilityCategory.UNKNOWN,
              "identity_key": key, "name_key": rules.normalise_name(name)}
    with transaction.atomic(savepoint=False):
        donor = Donor.objects.filter(identity_key=key).first() if key else None
        if donor is None:
            try:
                with transaction.atomic():
                    donor = Donor.objects.create(**fields)
            except IntegrityError:  # the same identity created by a concurrent gift since the look-up
                donor = Donor.objects.get(identity_key=key)
            else:
                donor_duplicate_task(donor, others=donor_lookalikes(donor))
                return donor
        changed = donor_details_widen(donor, address=address, postcode=postcode)
        if changed:
            donor.save(update_fields=changed)
    return donor


def donor_declare(*, donor: Donor, category: str, evidence: str, checked_by: str,
                  checked_at: dt.datetime | None = None) -> Donor:
    """Record the treasurer's permissibility check of a donor (category, evidence, who, when)."""
    if category not in PermissibilityCategory.values:
        raise ValueError(UNKNOWN_CATEGORY.format(category=category, known=", ".join(PermissibilityCategory.values)))
    with transaction.atomic():
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        donor.category, donor.evidence, donor.checked_by = category, evidence, checked_by
        donor.checked_at = _require_aware(checked_at or timezone.now())
        if donor.identity_key and not donor.identity_key.startswith("a:"):
            donor.identity_key = None  # a checked donor is joined on the full address only (`rules.donor_identity`)
        donor.save(update_fields=["category", "evidence", "checked_by", "checked_at", "identity_key"])
        refused = donor.donations.filter(status=Donation.Status.HELD)
        if category != PermissibilityCategory.IMPERMISSIBLE:  # a party: only its gifts to the pooled fund
            refused = refused.filter(campaign__mode=GivingMode.POOLED)
        if category == PermissibilityCategory.IMPERMISSIBLE or category in law.NOT_PERMISSIBLE_FOR_NON_PARTY:
            for gift in refused:
                ComplianceTask.objects.filter(donation=gift, kind=ComplianceTask.Kind.VERIFY, done_at=None).update(
                    done_at=timezone.now(), done_note="Donor found impermissible: the gift must be returned.")
                _task_open(gift, kind=ComplianceTask.Kind.RETURN, permissible=False)
    return donor


# --- donations -----------------------------------------------------------------------------------------


def _task_open(gift: Donation, *, kind: str, permissible: bool | None,
               position: GiftPosition | None = None) -> ComplianceTask:
    received_on = gift.received_at.date()
    if position is None:  # a task opened later (the donor found impermissible): the law's dates for this gift
        position = law.gift_assess(figures=figure_table(), mode=gift.campaign.mode, donor=gift.donor,
                                   amount_pence=gift.amount_pence, received_on=received_on)
    if position.return_period is None:  # no return period in force on that day: the law's message says so
        figure_table().get("return_impermissible_days", on=received_on)
    due, days = position.return_due, position.return_period
    if kind == ComplianceTask.Kind.RETURN:
        text = f"Return {money(gift.amount_pence, short=True)} ({gift.get_method_display()} {gift.reference}) by {due}"
    else:
        text = (f"Check the permissibility of {gift.donor or 'an anonymous giver'} for "
                f"{money(gift.amount_pence, short=True)} received {received_on}; return it by {due} if it is not")
    task, _ = ComplianceTask.objects.get_or_create(
        kind=kind, donation=gift, done_at=None,
        defaults={"campaign": gift.campaign, "description": text[:400], "due_on": due,
                  "citation": days.source[:400]},
    )
    return task


def _recent_related_amounts(*, campaign: Campaign, donor: Donor | None, fingerprint: str,
                            received_at: dt.datetime) -> list[int]:
    """Amounts of recent gifts from the same donor, the same address or the same card (for splitting)."""
    if donor is None and not fingerprint:
        return []
    keys = Q(pk__in=[])
    if donor is not None:
        keys |= Q(donor=donor)
        if donor.address and donor.postcode:
            keys |= Q(donor__address__iexact=donor.address, donor__postcode=donor.postcode)
    if fingerprint:
        keys |= Q(payer_fingerprint=fingerprint)
    since = received_at - dt.timedelta(days=rules.SPLIT_WINDOW_DAYS)
    gifts = Donation.objects.filter(keys, received_at__gte=since, received_at__lte=received_at).exclude(
        status=Donation.Status.VOIDED)
    return list(gifts.values_list("amount_pence", flat=True))


def donor_aggregate_pence(*, donor: Donor, campaign: Campaign, year: int, candidacy=None) -> int:
    """The donor's gifts counted together for the thresholds: in the calendar year, to this campaign or (in
    earmarked mode) to this candidacy — whichever is larger. Voided and returned gifts do not count.
    One query: both sums are conditional aggregates over the donor's gifts of the year."""
    base = Donation.objects.filter(donor=donor, received_at__year=year).exclude(
        status__in=[Donation.Status.VOIDED, Donation.Status.RETURNED])
    other = Q(earmarked_candidacy=candidacy) if candidacy is not None else Q(pk__isnull=False)
    sums = base.aggregate(per_campaign=Sum("amount_pence", filter=Q(campaign=campaign)),
                          per_year=Sum("amount_pence", filter=other))
    return max(sums["per_campaign"] or 0, sums["per_year"] or 0)


NON_MONEY_ELSEWHERE = ("A non-money gift (goods, services or property) is recorded with its nature and value "
                       "(`donation_non_money_record`), not as money.")


def gift_validate(*, campaign: Campaign, amount_pence: int, fee_pence: int, method: str, received_at: dt.datetime,
                  earmarked_candidacy=None, non_money: bool = False) -> dt.datetime:
    """Refuse a gift that cannot be recorded as given (amount, fee, method, naive time, earmark against the
    campaign's mode); returns the time of receipt in UTC."""
    _require_amount(amount_pence)
    if not isinstance(fee_pence, int) or isinstance(fee_pence, bool) or not 0 <= fee_pence <= amount_pence:
        raise ValueError(FEE_OUT_OF_RANGE.format(amount=amount_pence, fee=fee_pence))
    if method not in Method.values:
        raise ValueError(UNKNOWN_METHOD.format(method=method, known=", ".join(Method.values)))
    if method == Method.NON_MONEY and not non_money:
        raise ValueError(NON_MONEY_ELSEWHERE)
    received_at = _require_aware(received_at)
    now = timezone.now()
    if received_at > now + rules.CLOCK_SLACK:
        raise ValueError(RECEIVED_IN_FUTURE.format(value=received_at.isoformat(), now=now.isoformat()))
    if received_at < rules.EARLIEST_GIFT:
        raise ValueError(RECEIVED_TOO_EARLY.format(value=received_at.date(), earliest=rules.EARLIEST_GIFT.date()))
    if campaign.mode == GivingMode.EARMARKED and earmarked_candidacy is None:
        raise ValueError(EARMARK_REQUIRED.format(campaign=campaign.slug))
    if campaign.mode == GivingMode.POOLED and earmarked_candidacy is not None:
        raise ValueError(EARMARK_FORBIDDEN.format(campaign=campaign.slug))
    return received_at


def donation_record(
    *,
    campaign: Campaign,
    donor: Donor | None,
    amount_pence: int,
    fee_pence: int = 0,
    method: str,
    reference: str = "",
    external_id: str | None = None,
    received_at: dt.datetime,
    earmarked_candidacy=None,
    payer_fingerprint: str = "",
    recorded_by: str = "",
    consent_publish: bool = False,
) -> Donation:
    """Record one gift and post it to the ledger. `consent_publish` is this gift's own consent to publish the
    giver's name with it. Idempotent on (method, external_id): a repeat returns the
    donation already recorded and writes nothing.

    A gift that needs a permissibility check (over the threshold for the campaign's situation, alone or
    with the donor's other gifts) and whose donor is not confirmed permissible — or is anonymous — is HELD:
    credited to the campaign's held account, not spendable, with a task to verify or return it by the
    legal deadline. Several gifts under the threshold from one donor, address or card that together pass it
    are flagged as possible splitting, with a review task. (`donations_record_many` records many at once, with
    the same outcome as calling this for each in turn.)
    """
    received_at = gift_validate(campaign=campaign, amount_pence=amount_pence, fee_pence=fee_pence, method=method,
                                received_at=received_at, earmarked_candidacy=earmarked_candidacy)
    try:
        with transaction.atomic(), figures_memo():
            head = ledger.chain_lock()
            if external_id:
                existing = Donation.objects.filter(method=method, external_id=external_id).order_by()[:1]
                if existing:
                    return existing[0]
            return _donation_create(
                head=head,
                campaign=campaign, donor=donor, amount_pence=amount_pence, fee_pence=fee_pence, method=method,
                reference=reference, external_id=external_id or None, received_at=received_at,
                candidacy=earmarked_candidacy, fingerprint=payer_fingerprint, recorded_by=recorded_by,
                consent_publish=consent_publish,
            )
    except IntegrityError:
        if external_id:
            existing = Donation.objects.filter(method=method, external_id=external_id).first()
            if existing is not None:
                return existing
        raise


def gift_assess(*, campaign: Campaign, donor: Donor | None, amount_pence: int, received_at: dt.datetime,
                earlier_aggregate_pence: int, related_amounts: list[int]) -> GiftPosition:
    """The law's position on one gift (`compliance.gifts.gift_assess`): held or not, split or not, with its dates
    and figures, from the donor's earlier gifts counted for the thresholds (`donor_aggregate_pence`) and the recent
    related gifts (same donor, address or card)."""
    return law.gift_assess(figures=figure_table(), mode=campaign.mode, donor=donor, amount_pence=amount_pence,
                           received_on=received_at.date(), earlier_aggregate_pence=earlier_aggregate_pence,
                           related_amounts=related_amounts)


def gift_accounts(*, campaign: Campaign, method: str, fee_pence: int, held: bool) -> tuple[str, list[str], list[str]]:
    """(cash account code, shared codes, campaign roles) a gift posts to."""
    cash_code = "card_clearing" if method == Method.CARD else "bank"
    return cash_code, [cash_code, "fees"] if fee_pence else [cash_code], ["held" if held else "donations"]


def gift_posting(*, campaign: Campaign, donor: Donor | None, amount_pence: int, fee_pence: int, method: str,
                 reference: str, received_at: dt.datetime, held: bool, accounts: dict) -> ledger.Posting:
    """The ledger transaction of one gift: cash in, credited to donations (or held), less the fee."""
    cash_code, _, (role,) = gift_accounts(campaign=campaign, method=method, fee_pence=fee_pence, held=held)
    cash = accounts[cash_code]
    who = "anonymous" if donor is None else f"donor #{donor.pk}"
    # No free text in the unerasable ledger: the gift's own reference stays on its (erasable) Donation row.
    lines = [Line(cash, amount_pence, method), Line(accounts[role], -amount_pence, who)]
    if fee_pence:
        lines += [Line(accounts["fees"], fee_pence, "processing fee"), Line(cash, -fee_pence, "fee")]
    return ledger.Posting(
        kind="gift_held" if held else "gift",
        description=f"Gift of {money(amount_pence)} by {method} to {campaign.title}"[:300],
        lines=lines, campaign=campaign, posted_at=received_at,
    )


PRE_POLL_TASK = (
    "Weekly pre-poll donation report, week {week} ({start} to {end}): a gift of {amount} from one source was "
    "received on {received}, over {threshold}. A registered non-party campaigner whose regulated spending passes a "
    "reporting threshold reports it to the Electoral Commission by {due}{verify}."
)


def pre_poll_task_open(gift: Donation) -> ComplianceTask | None:
    """Prompt the weekly pre-poll report a gift calls for: a gift over the individual-report threshold to a pooled
    campaign for a UK general election, received from dissolution to polling day by a group registered as a
    non-party campaigner, opens a task due the report's last day (the week from dissolution it fell in, plus the
    delivery days: `reports.returns.pre_poll_rows` lists the same gifts). None when no report is called for."""
    from swingfund.compliance.selectors import legal_status_for
    from swingfund.compliance.timetables import dissolution_date, parse_election_id

    campaign = gift.campaign
    election = campaign.election
    if election is None or campaign.mode != GivingMode.POOLED or election.notional:
        return None
    built = parse_election_id(election.pk)
    if built.election_type != "parl" or built.contest_type == "by":
        return None
    table, polling, received = figure_table(), election.poll_date, gift.received_at.date()
    high = table.get("non_party_donation_report_threshold", on=polling)
    if gift.amount_pence <= high.value:
        return None
    status = legal_status_for(campaign.organisation) if campaign.organisation_id else None
    if status is None or status.non_party_registered_on is None or status.non_party_registered_on > received:
        return None
    dissolution = dissolution_date(figures=table, election_id=election.pk)
    if not dissolution <= received <= polling:
        return None
    week = (received - dissolution).days // 7
    start = dissolution + dt.timedelta(days=7 * week)
    end = min(start + dt.timedelta(days=6), polling)
    days = table.get("pre_poll_report_days", on=polling)
    due = end + dt.timedelta(days=days.value)
    task, _ = ComplianceTask.objects.get_or_create(
        kind=ComplianceTask.Kind.PRE_POLL, donation=gift, done_at=None,
        defaults={"campaign": campaign, "donor": gift.donor, "due_on": due,
                  "description": PRE_POLL_TASK.format(
                      week=week + 1, start=start.isoformat(), end=end.isoformat(), amount=money(gift.amount_pence),
                      received=received.isoformat(), threshold=high.display, due=due.isoformat(),
                      verify="" if days.verified else " (the 7 days are marked [verify])")[:400],
                  "citation": f"{high.citation}; {days.citation}"[:400]})
    return task


def gift_tasks_open(gift: Donation, assessment: GiftPosition) -> None:
    """The organiser's tasks a recorded gift needs: verify or return a held gift, review a suspected split, file
    the weekly pre-poll report it calls for (`pre_poll_task_open`)."""
    pre_poll_task_open(gift)
    if assessment.held:
        kind = ComplianceTask.Kind.RETURN if assessment.permissible is False else ComplianceTask.Kind.VERIFY
        _task_open(gift, kind=kind, permissible=assessment.permissible, position=assessment)
    if assessment.split:
        ComplianceTask.objects.get_or_create(
            kind=ComplianceTask.Kind.SPLIT, donation=gift, done_at=None,
            defaults={"campaign": gift.campaign,
                      "due_on": assessment.return_due,
                      "description": f"Several gifts from one donor, address or card within "
                                     f"{rules.SPLIT_WINDOW_DAYS} days pass the threshold together: review them",
                      "citation": "PPERA 2000 s.61 (evading the controls on donations)"},
        )


def _donation_create(*, head, campaign, donor, amount_pence, fee_pence, method, reference, external_id, received_at,
                     candidacy, fingerprint, recorded_by, consent_publish=False) -> Donation:
    earlier = 0
    if donor is not None:
        earlier = donor_aggregate_pence(donor=donor, campaign=campaign, year=received_at.year, candidacy=candidacy)
    related = _recent_related_amounts(campaign=campaign, donor=donor, fingerprint=fingerprint, received_at=received_at)
    assessment = gift_assess(campaign=campaign, donor=donor, amount_pence=amount_pence, received_at=received_at,
                             earlier_aggregate_pence=earlier, related_amounts=related)
    _, shared, roles = gift_accounts(campaign=campaign, method=method, fee_pence=fee_pence, held=assessment.held)
    accounts = ledger.accounts_for(campaign=campaign, shared=shared, roles=roles)
    posting = gift_posting(campaign=campaign, donor=donor, amount_pence=amount_pence, fee_pence=fee_pence,
                           method=method, reference=reference, received_at=received_at, held=assessment.held,
                           accounts=accounts)
    posted = ledger.transactions_post_many([posting], head=head)[0]
    gift = Donation.objects.create(**gift_row_fields(
        campaign=campaign, donor=donor, amount_pence=amount_pence, fee_pence=fee_pence, method=method,
        reference=reference, external_id=external_id, fingerprint=fingerprint, received_at=received_at,
        candidacy=candidacy, assessment=assessment, recorded_by=recorded_by, posted=posted,
        consent_publish=consent_publish))
    gift_tasks_open(gift, assessment)
    return gift


def gift_row_fields(*, campaign, donor, amount_pence, fee_pence, method, reference, external_id, fingerprint,
                    received_at, candidacy, assessment: GiftPosition, recorded_by, posted,
                    consent_publish=False) -> dict:
    """The columns of a recorded gift's `Donation` row."""
    return {
        "campaign": campaign, "donor": donor, "amount_pence": amount_pence, "fee_pence": fee_pence, "method": method,
        "reference": reference, "external_id": external_id, "payer_fingerprint": fingerprint,
        "received_at": received_at, "earmarked_candidacy": candidacy,
        "status": Donation.Status.HELD if assessment.held else Donation.Status.ACCEPTED,
        "hold_reason": assessment.hold_reason,
        "split_suspected": assessment.split, "recorded_by": recorded_by, "transaction": posted,
        "consent_publish": bool(consent_publish) and donor is not None,
    }


@dataclass(frozen=True)
class DonorDetails:
    """A giver as a payment names them (the arguments of `donor_get_or_create`)."""

    name: str
    email: str = ""
    address: str = ""
    postcode: str = ""
    consent_publish: bool | None = None
    category: str | None = None


@dataclass(frozen=True)
class GiftDetails:
    """One gift to record (the arguments of `donation_record`, with the donor's details instead of a `Donor`)."""

    campaign: Campaign
    donor: DonorDetails | None
    amount_pence: int
    method: str
    received_at: dt.datetime
    fee_pence: int = 0
    reference: str = ""
    external_id: str | None = None
    earmarked_candidacy: Any = None
    payer_fingerprint: str = ""
    recorded_by: str = ""


def donation_record_with_donor(gift: GiftDetails) -> Donation:
    """Record one gift and its donor in one database transaction: the donor found or created
    (`donor_get_or_create`) and the gift (`donation_record`, with the gift's own consent to publish). A refused gift
    leaves no donor behind; a repeat of a recorded payment writes nothing."""
    received_at = gift_validate(campaign=gift.campaign, amount_pence=gift.amount_pence, fee_pence=gift.fee_pence,
                                      method=gift.method, received_at=gift.received_at,
                                      earmarked_candidacy=gift.earmarked_candidacy)
    with transaction.atomic():
        if gift.external_id:
            existing = Donation.objects.filter(method=gift.method, external_id=gift.external_id).first()
            if existing is not None:
                return existing
        d = gift.donor
        donor = None if d is None else donor_get_or_create(
            name=d.name, email=d.email, address=d.address, postcode=d.postcode, consent_publish=d.consent_publish,
            category=d.category)
        return donation_record(
            campaign=gift.campaign, donor=donor, amount_pence=gift.amount_pence, fee_pence=gift.fee_pence,
            method=gift.method, reference=gift.reference, external_id=gift.external_id, received_at=received_at,
            earmarked_candidacy=gift.earmarked_candidacy, payer_fingerprint=gift.payer_fingerprint,
            recorded_by=gift.recorded_by, consent_publish=bool(d and d.consent_publish))
