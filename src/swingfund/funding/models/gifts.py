"""Campaigns, donors and the gifts they make (with refunds, disputes and compliance tasks)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from swingfund.display import money


class GivingMode(models.TextChoices):
    POOLED = "pooled", "Pooled: the group gives grants from its own funds"
    EARMARKED = "earmarked", "Earmarked: each gift is for a named candidate and passed on with the donor's details"


class Campaign(models.Model):
    """A crowdfunding page: what the money is for, who it goes to, its goal and dates (UTC)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    purpose = models.TextField(help_text="Who the money is for and what it is for (Electoral Commission guidance).")
    mode = models.CharField(max_length=10, choices=GivingMode.choices, default=GivingMode.POOLED)
    election = models.ForeignKey(
        "elections.Election", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    goal_pence = models.BigIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(goal_pence__gt=0), name="campaign_goal_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class PermissibilityCategory(models.TextChoices):
    """Who may give (PPERA 2000 s.54): the permissible categories, plus 'not yet known' and 'impermissible'."""

    UNKNOWN = "unknown", "Not yet checked"
    UK_ELECTOR = "uk_elector", "Individual on a UK electoral register"
    UK_COMPANY = "uk_company", "UK-registered company carrying on business in the UK"
    TRADE_UNION = "trade_union", "UK trade union"
    REGISTERED_PARTY = "registered_party", "Registered political party"
    BUILDING_SOCIETY = "building_society", "UK building society"
    LLP = "llp", "UK limited liability partnership carrying on business in the UK"
    FRIENDLY_SOCIETY = "friendly_society", "UK friendly society"
    UNINCORPORATED_ASSOCIATION = "unincorporated_association", "Unincorporated association based in the UK"
    IMPERMISSIBLE = "impermissible", "Impermissible source"


class Donor(models.Model):
    """A person or body who gives. The permissibility declaration is checked (evidence, who, when) before
    a gift over the threshold is spent. No religion, ethnicity or similar field, ever.

    A gift joins an existing donor only on `identity_key` (name and address, normalised: `rules.donor_identity`),
    never on the email alone. An erased donor keeps its row (the ledger and returns refer to it by number) with
    its personal data removed, `erased_at` set and no identity key."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    category = models.CharField(
        max_length=30, choices=PermissibilityCategory.choices, default=PermissibilityCategory.UNKNOWN
    )
    evidence = models.CharField(max_length=300, blank=True, help_text="e.g. electoral register entry, company no.")
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.CharField(max_length=150, blank=True)
    consent_publish = models.BooleanField(
        default=False, help_text="Agreed, with their first gift, to have their name published (each gift records "
                                 "its own consent: Donation.consent_publish).")
    identity_key = models.CharField(max_length=600, null=True, blank=True, editable=False)
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["identity_key"], condition=Q(identity_key__isnull=False),
                                    name="donor_unique_identity"),
        ]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["name_key", "postcode"])]

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    CARD = "card", "Card"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    CASH = "cash", "Cash"
    NON_MONEY = "non_money", "Non-money (goods, services or property)"


class Donation(models.Model):
    """One gift as received. `status` says whether it may be spent: HELD gifts sit in the
    held-impermissible account until verified (RELEASED to income) or RETURNED to the giver."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        HELD = "held", "Held: permissibility not established"
        RETURNED = "returned", "Returned to the giver"
        VOIDED = "voided", "Recorded in error (reversed in the ledger)"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(Donor, null=True, blank=True, on_delete=models.PROTECT, related_name="donations")
    amount_pence = models.BigIntegerField()
    fee_pence = models.BigIntegerField(default=0)
    method = models.CharField(max_length=20, choices=Method.choices)
    reference = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=200, null=True, blank=True)
    payer_fingerprint = models.CharField(max_length=200, blank=True, help_text="e.g. card fingerprint")
    received_at = models.DateTimeField()
    earmarked_candidacy = models.ForeignKey(
        "elections.Candidacy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    hold_reason = models.CharField(max_length=300, blank=True)
    split_suspected = models.BooleanField(default=False)
    consent_publish = models.BooleanField(default=False, help_text="The giver agreed, with this gift, to have "
                                                                   "their name published with it.")
    nature = models.CharField(max_length=300, blank=True, help_text="A non-money gift: what was given (goods, "
                              "services, property); its value is `amount_pence` (PPERA 2000 Sch 11 para 10).")
    recorded_by = models.CharField(max_length=150, blank=True)
    transaction = models.OneToOneField(
        "funding.LedgerTransaction", on_delete=models.PROTECT, related_name="donation"
    )
    release = models.OneToOneField(
        "funding.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="released_donation"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "external_id"], condition=Q(external_id__isnull=False),
                name="donation_unique_external_id",
            ),
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(fee_pence__gte=0, fee_pence__lte=F("amount_pence")), name="donation_fee_in_range"
            ),
            models.CheckConstraint(condition=Q(method="non_money", fee_pence=0) & ~Q(nature="")
                                   | (~Q(method="non_money") & Q(nature="")), name="donation_non_money_has_nature"),
        ]
        indexes = [models.Index(fields=["campaign", "received_at"]), models.Index(fields=["donor", "received_at"])]

    def __str__(self) -> str:
        return f"{money(self.amount_pence)} {self.method} {self.received_at:%Y-%m-%d}"


class Refund(models.Model):
    """Money given back: a refund the giver asked for, or the return of a held (impermissible) gift."""

    class Kind(models.TextChoices):
        REFUND = "refund", "Refund"
        RETURN = "return", "Return of an impermissible gift"

    class Manner(models.TextChoices):
        """How an impermissible or unidentifiable gift went back (PPERA 2000 Sch 11 paras 7-8; the return reports
        the date and manner of return)."""

        DONOR = "donor", "Returned to the donor"
        PAYER = "payer", "Returned to the person who transferred it"
        INSTITUTION = "institution", "Returned to the financial institution that transferred it"
        COMMISSION = "commission", "Sent to the Electoral Commission (no payer or institution could be identified)"

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="refunds")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REFUND)
    manner = models.CharField(max_length=12, choices=Manner.choices, blank=True,
                              help_text="For the return of an impermissible or unidentifiable gift.")
    amount_pence = models.BigIntegerField()
    reason = models.CharField(max_length=300)
    external_id = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()
    transaction = models.OneToOneField("funding.LedgerTransaction", on_delete=models.PROTECT, related_name="refund")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gt=0), name="refund_amount_positive")]


class Dispute(models.Model):
    """A card chargeback. Stripe withdraws the disputed amount when the dispute opens and gives it back
    if the group wins; each movement is a ledger transaction."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="disputes")
    amount_pence = models.BigIntegerField()
    external_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    stripe_status = models.CharField(max_length=40, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawal = models.OneToOneField(
        "funding.LedgerTransaction", on_delete=models.PROTECT, related_name="dispute_withdrawal"
    )
    reinstatement = models.OneToOneField(
        "funding.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="dispute_won"
    )

    class Meta:
        ordering = ["-opened_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gt=0), name="dispute_amount_positive")]


class ComplianceTask(models.Model):
    """Something an organiser must do by a legal deadline (verify a donor, return a gift)."""

    class Kind(models.TextChoices):
        VERIFY = "verify", "Check the donor's permissibility"
        RETURN = "return", "Return the gift"
        SPLIT = "split", "Review possible splitting of a gift"
        REGISTER = "register", "Registration threshold approaching"
        DUPLICATE = "duplicate", "Possible duplicate donor: check whether two records are one person"
        COMMISSION = "commission", "Send an unreturnable anonymous gift to the Electoral Commission"
        UA_NOTIFY = "ua_notify", "Notify the Electoral Commission: political contributions over the threshold"
        UA_REPORT = "ua_report", "Report a gift to the Electoral Commission (unincorporated association)"
        PRE_POLL = "pre_poll", "File a pre-poll donation report with the Electoral Commission"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    donation = models.ForeignKey(Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    donor = models.ForeignKey(Donor, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    description = models.CharField(max_length=400)
    citation = models.CharField(max_length=400, blank=True)
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "donation"], condition=Q(donation__isnull=False, done_at__isnull=True),
                name="compliancetask_one_open_per_gift",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
