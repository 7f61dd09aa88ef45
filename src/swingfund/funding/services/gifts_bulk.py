"""Recording many gifts in one database transaction: what the webhook processor does with a burst of card payments.

`donations_record_many(gifts)` has exactly the outcome of calling `gifts.donation_record_with_donor` for each gift in
turn —
the same donors, the same held / split decisions, the same ledger rows and hashes (a test
compares the two) — but reads what the rules need with a handful of queries for the whole batch and writes with
bulk inserts, instead of some twenty queries per gift. Each decision is made by the same functions as the one-by-one
path (`gifts.gift_assess`, `gift_posting`, `gift_row_fields`, `gift_tasks_open`); only the reading is batched, and
gifts earlier in the batch are counted for later ones, as they would be one by one.

All or nothing: any refused gift raises `ValueError` naming it, and nothing of the batch is written (the caller can
then record the gifts one by one to find which are at fault).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear

from swingfund.compliance.gifts import GiftPosition
from swingfund.compliance.selectors import figures_memo
from swingfund.funding import ledger, rules
from swingfund.funding.models import Donation, Donor, PermissibilityCategory
from swingfund.funding.services import gifts
from swingfund.funding.services.gifts import DonorDetails, GiftDetails

GIFT_REFUSED = "Gift {number} of {count} ({reference}): {detail}"
NOT_COUNTED = [Donation.Status.VOIDED, Donation.Status.RETURNED]  # as in gifts.donor_aggregate_pence


def donations_record_many(batch: Sequence[GiftDetails]) -> list[Donation]:
    """Record every gift of `batch` in order, in one transaction; returns their donations (a gift whose
    (method, external id) is already recorded, in the database or earlier in the batch, returns that donation)."""
    times = []
    for number, gift in enumerate(batch, 1):
        try:
            times.append(gifts.gift_validate(
                campaign=gift.campaign, amount_pence=gift.amount_pence, fee_pence=gift.fee_pence, method=gift.method,
                received_at=gift.received_at, earmarked_candidacy=gift.earmarked_candidacy))
        except ValueError as err:
            raise ValueError(_refused(number, batch, err)) from err
    if not batch:
        return []
    with transaction.atomic(), figures_memo():
        head = ledger.chain_lock()
        known = _recorded(batch)
        donors = _Donors(_first_payments(batch, known))
        history = _History(batch, times, donors.all())
        accounts: dict[tuple, dict] = {}
        results: list[Donation | int] = []
        pending: list[tuple[GiftDetails, Donor | None, dt.datetime, GiftPosition]] = []
        for number, (gift, received_at) in enumerate(zip(batch, times, strict=True), 1):
            key = (gift.method, gift.external_id) if gift.external_id else None
            if key in known:
                results.append(known[key])
                continue
            try:
                donor = donors.for_gift(gift.donor)
            except ValueError as err:
                raise ValueError(_refused(number, batch, err)) from err
            assessment = gifts.gift_assess(
                campaign=gift.campaign, donor=donor, amount_pence=gift.amount_pence, received_at=received_at,
                earlier_aggregate_pence=history.aggregate(donor, gift, received_at),
                related_amounts=history.related(donor, gift.payer_fingerprint, received_at))
            history.add(donor, gift, received_at)
            if key:
                known[key] = len(pending)  # a repeat later in the batch returns this gift
            results.append(len(pending))
            pending.append((gift, donor, received_at, assessment))
        postings = [gifts.gift_posting(
            campaign=gift.campaign, donor=donor, amount_pence=gift.amount_pence, fee_pence=gift.fee_pence,
            method=gift.method, reference=gift.reference, received_at=received_at, held=assessment.held,
            accounts=_accounts(accounts, gift, assessment)) for gift, donor, received_at, assessment in pending]
        posted = ledger.transactions_post_many(postings, head=head)
        donors.save()
        rows = Donation.objects.bulk_create([Donation(**gifts.gift_row_fields(
            campaign=gift.campaign, donor=donor, amount_pence=gift.amount_pence, fee_pence=gift.fee_pence,
            method=gift.method, reference=gift.reference, external_id=gift.external_id or None,
            fingerprint=gift.payer_fingerprint, received_at=received_at, candidacy=gift.earmarked_candidacy,
            assessment=assessment, recorded_by=gift.recorded_by, posted=tx,
            consent_publish=bool(gift.donor and gift.donor.consent_publish)))
            for (gift, donor, received_at, assessment), tx in zip(pending, posted, strict=True)])
        for row, (_, _, _, assessment) in zip(rows, pending, strict=True):
            if assessment.held or assessment.split:
                gifts.gift_tasks_open(row, assessment)
    return [rows[r] if isinstance(r, int) else r for r in results]


def _refused(number: int, batch: Sequence[GiftDetails], err: Exception) -> str:
    gift = batch[number - 1]
    return GIFT_REFUSED.format(number=number, count=len(batch), reference=gift.external_id or gift.reference or "-",
                               detail=err)


def _recorded(batch: Sequence[GiftDetails]) -> dict[tuple[str, str], Donation | int]:
    """Gifts of the batch already in the database, by (method, external id): one query."""
    wanted = Q(pk__in=[])
    for method in {g.method for g in batch if g.external_id}:
        wanted |= Q(method=method, external_id__in=[g.external_id for g in batch if g.external_id and
                                                    g.method == method])
    return {(d.method, d.external_id): d for d in Donation.objects.filter(wanted)}


def _first_payments(batch: Sequence[GiftDetails], known) -> list[GiftDetails]:
    """The gifts that will be recorded: not already in the database, and not a repeat of one earlier in the batch
    (a repeat of a payment records nothing, its donor details included, as the webhook does)."""
    seen, first = set(known), []
    for gift in batch:
        key = (gift.method, gift.external_id) if gift.external_id else None
        if key is None or key not in seen:
            first.append(gift)
            seen.add(key)
    return first


def _accounts(cache: dict[tuple, dict], gift: GiftDetails, assessment: GiftPosition) -> dict:
    _, shared, roles = gifts.gift_accounts(campaign=gift.campaign, method=gift.method, fee_pence=gift.fee_pence,
                                           held=assessment.held)
    key = (gift.campaign.pk, tuple(shared), tuple(roles))
    if key not in cache:
        cache[key] = ledger.accounts_for(campaign=gift.campaign, shared=shared, roles=roles)
    return cache[key]


class _Donors:
    """The batch's donors, looked up before any gift is recorded: those with an identity (name and address, or name
    and email: `rules.donor_identity`) in one query and the new ones created in one insert, with a possible-duplicate
    task for each new donor sharing an email or a name and postcode with another; those with no identity (name
    only) through `donor_get_or_create` when their gift's turn comes. Later gifts fill in blanks as
    `donor_get_or_create` would, saved in one update at the end."""

    def __init__(self, batch: Sequence[GiftDetails]) -> None:
        self.by_key: dict[str, Donor] = {}
        self.first_use: set[str] = set()  # created by the batch: its first gift's details are the donor's own
        self.changed: dict[str, set[str]] = defaultdict(set)
        self._cleaned: dict[DonorDetails, tuple[str | None, tuple[str, str, str, str]]] = {}
        wanted = []
        for details in (g.donor for g in batch):
            if details is None:
                continue
            try:
                wanted.append((details, *self._clean(details)))
            except ValueError:
                continue  # refused, with the gift's number, when its turn comes
        keys = {key for _, key, _ in wanted if key}
        if keys:
            self.by_key = {d.identity_key: d for d in Donor.objects.filter(identity_key__in=keys)}
        new = []
        for details, key, (name, email, address, postcode) in wanted:
            if not key or key in self.by_key:
                continue
            donor = Donor(name=name, email=email, address=address, postcode=postcode,
                          consent_publish=bool(details.consent_publish),
                          category=details.category or PermissibilityCategory.UNKNOWN,
                          identity_key=key, name_key=rules.normalise_name(name))
            new.append(donor)
            self.by_key[key] = donor
            self.first_use.add(key)
        Donor.objects.bulk_create(new)  # primary keys now set: the ledger names donors by number
        self._duplicates(new)

    @staticmethod
    def _duplicates(new: list[Donor]) -> None:
        """`gifts.donor_duplicate_task` for each new donor, against donors recorded before it: one query."""
        if not new:
            return
        emails = {d.email for d in new if d.email}
        places = {(d.name_key, d.postcode) for d in new if d.name_key and d.postcode}
        near = Q(email__in=emails) | Q(name_key__in={n for n, _ in places}, postcode__in={p for _, p in places})
        earlier = list(Donor.objects.filter(near, erased_at=None).exclude(pk__in=[d.pk for d in new]).order_by("id"))
        for donor in sorted(new, key=lambda d: d.pk):
            others = [o for o in earlier if (donor.email and o.email == donor.email)
                      or (donor.name_key and donor.postcode and (o.name_key, o.postcode) == (donor.name_key,
                                                                                           donor.postcode))]
            gifts.donor_duplicate_task(donor, others=others)
            earlier.append(donor)

    def _clean(self, details: DonorDetails) -> tuple[str | None, tuple[str, str, str, str]]:
        """(the donor's identity key or None, its details as stored); raises `ValueError` for refused details."""
        if details not in self._cleaned:
            cleaned = gifts.donor_details_clean(name=details.name, email=details.email, address=details.address,
                                                postcode=details.postcode, category=details.category)
            name, email, address, postcode = cleaned
            key = rules.donor_identity(name=name, email=email, address=address, postcode=postcode)
            self._cleaned[details] = key, cleaned
        return self._cleaned[details]

    def all(self) -> list[Donor]:
        return list(self.by_key.values())

    def for_gift(self, details: DonorDetails | None) -> Donor | None:
        if details is None:
            return None
        key, (name, email, address, postcode) = self._clean(details)  # raises for refused details
        if key is None:  # no identity to join on: a new donor, as one by one
            return gifts.donor_get_or_create(name=name, email=email, address=address, postcode=postcode,
                                             consent_publish=details.consent_publish, category=details.category)
        donor = self.by_key[key]
        if key in self.first_use:
            self.first_use.discard(key)  # its first gift created or found it; later ones may fill in blanks
        else:
            self.changed[key].update(gifts.donor_details_widen(donor, address=address, postcode=postcode))
        return donor

    def save(self) -> None:
        by_fields: dict[tuple[str, ...], list[Donor]] = defaultdict(list)
        for key, fields in self.changed.items():
            if fields:
                by_fields[tuple(sorted(fields))].append(self.by_key[key])
        for fields, donors in by_fields.items():
            Donor.objects.bulk_update(donors, list(fields))


class _History:
    """The earlier gifts the rules look at, read once for the batch and kept up to date as it is recorded: each
    donor's gifts per calendar year (for the aggregate thresholds) and recent gifts from the same donor, address
    or card (for splitting)."""

    def __init__(self, batch: Sequence[GiftDetails], times: Sequence[dt.datetime], donors) -> None:
        donor_ids = [d.pk for d in donors if d.pk is not None]
        years = sorted({t.year for t in times})
        self.totals: dict[tuple[int, int], list[tuple[int, int | None, int]]] = defaultdict(list)
        rows = (Donation.objects.filter(donor_id__in=donor_ids, received_at__year__in=years)
                .exclude(status__in=NOT_COUNTED).annotate(year=ExtractYear("received_at"))
                .values_list("donor_id", "year", "campaign_id", "earmarked_candidacy_id")
                .annotate(t=Sum("amount_pence")).order_by())
        for donor_id, year, campaign_id, candidacy_id, total in rows:
            self.totals[(donor_id, year)].append((campaign_id, candidacy_id, total))
        since = min(times) - dt.timedelta(days=rules.SPLIT_WINDOW_DAYS)
        # Places (postcode, address) the batch's donors have now or will have once its gifts fill in blanks.
        places = {(d.postcode, d.address.upper()) for d in donors if d.address and d.postcode} | {
            (rules.normalise_postcode(g.donor.postcode), g.donor.address.strip().upper())
            for g in batch if g.donor is not None and g.donor.address.strip() and g.donor.postcode}
        postcodes = {postcode for postcode, _ in places}
        at_postcodes = Donor.objects.filter(postcode__in=postcodes).values_list("pk", "address", "postcode")
        neighbours = [row for row in at_postcodes if (row[2], row[1].upper()) in places] if postcodes else []
        prints = {g.payer_fingerprint for g in batch if g.payer_fingerprint}
        near = Q(donor_id__in=[*donor_ids, *(pk for pk, _, _ in neighbours)]) | Q(payer_fingerprint__in=prints)
        self.recent: list[tuple[int | None, str, int, dt.datetime]] = list(
            Donation.objects.filter(near, received_at__gte=since, received_at__lte=max(times))
            .exclude(status=Donation.Status.VOIDED)
            .values_list("donor_id", "payer_fingerprint", "amount_pence", "received_at").order_by())
        # Indexes of `recent` by donor and by card, and of donors by address: each gift looks at its own few.
        self.by_donor: dict[int | None, list[int]] = defaultdict(list)
        self.by_print: dict[str, list[int]] = defaultdict(list)
        for index, (donor_id, print_, _, _) in enumerate(self.recent):
            self.by_donor[donor_id].append(index)
            self.by_print[print_].append(index)
        self.by_place: dict[tuple[str, str], set[int]] = defaultdict(set)
        for donor in [*((d.pk, d.address, d.postcode) for d in donors), *neighbours]:
            self._place(*donor)

    def _place(self, pk: int, address: str, postcode: str) -> tuple[str, str] | None:
        """Index a donor under its address as it stands now (a later gift may only fill in a blank one)."""
        if not (address and postcode):
            return None
        place = (postcode, address.upper())  # as the one-by-one query: postcode =, address iexact
        self.by_place[place].add(pk)
        return place

    def aggregate(self, donor: Donor | None, gift: GiftDetails, received_at: dt.datetime) -> int:
        """`gifts.donor_aggregate_pence` for this donor, campaign, year and candidacy."""
        if donor is None:
            return 0
        per_campaign = per_year = 0
        for campaign_id, candidacy_id, total in self.totals.get((donor.pk, received_at.year), []):
            if campaign_id == gift.campaign.pk:
                per_campaign += total
            if gift.earmarked_candidacy is None or candidacy_id == gift.earmarked_candidacy.pk:
                per_year += total
        return max(per_campaign, per_year)

    def related(self, donor: Donor | None, fingerprint: str, received_at: dt.datetime) -> list[int]:
        """`gifts._recent_related_amounts`: gifts in the window from the same donor, address or card."""
        if donor is None and not fingerprint:
            return []
        indexes: set[int] = set()
        if donor is not None:
            place = self._place(donor.pk, donor.address, donor.postcode)
            for donor_id in {donor.pk, *(self.by_place[place] if place else ())}:
                indexes.update(self.by_donor.get(donor_id, ()))
        if fingerprint:
            indexes.update(self.by_print.get(fingerprint, ()))
        since = received_at - dt.timedelta(days=rules.SPLIT_WINDOW_DAYS)
        return [self.recent[i][2] for i in sorted(indexes) if since <= self.recent[i][3] <= received_at]

    def add(self, donor: Donor | None, gift: GiftDetails, received_at: dt.datetime) -> None:
        """Count a gift just recorded for the gifts after it in the batch."""
        if donor is not None:
            candidacy_id = gift.earmarked_candidacy.pk if gift.earmarked_candidacy is not None else None
            self.totals[(donor.pk, received_at.year)].append((gift.campaign.pk, candidacy_id, gift.amount_pence))
        self.recent.append((donor.pk if donor else None, gift.payer_fingerprint, gift.amount_pence, received_at))
        self.by_donor[donor.pk if donor else None].append(len(self.recent) - 1)
        self.by_print[gift.payer_fingerprint].append(len(self.recent) - 1)
