"""Grants to candidates (from committee decisions), what each passes on, and spending about a candidate."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from swingfund.display import money


class Grant(models.Model):
    """Money the committee decided to give a candidacy's campaign. Created payable (posted to grants
    payable), then paid with a bank reference. In earmarked mode `allocations` say whose gifts it passes on."""

    class Status(models.TextChoices):
        PAYABLE = "payable", "Payable"
        PAID = "paid", "Paid"

    class Response(models.TextChoices):
        """The candidate's side: offered to their election agent, who accepts or declines it; a grant accepted and
        paid may later be returned. Declined and returned grants come back through reversing ledger transactions."""

        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        RETURNED = "returned", "Returned"

    decision = models.OneToOneField(
        "committee.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="grant",
        help_text="The committee decision this grant carries out (blank for a grant passing on earmarked gifts).",
    )
    campaign = models.ForeignKey("funding.Campaign", on_delete=models.PROTECT, related_name="grants")
    candidacy = models.ForeignKey("elections.Candidacy", on_delete=models.PROTECT, related_name="+")
    amount_pence = models.BigIntegerField()
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PAYABLE)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    bank_reference = models.CharField(max_length=200, blank=True)
    agent_name = models.CharField(max_length=200, blank=True, help_text="The candidate's election agent.")
    agent_address = models.TextField(blank=True)
    agent_email = models.EmailField(blank=True)
    agent_phone = models.CharField(max_length=40, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    agent_response = models.CharField(max_length=10, choices=Response.choices, default=Response.OFFERED)
    responded_on = models.DateField(null=True, blank=True, help_text="The day the agent accepted, declined or "
                                                                     "returned it.")
    response_note = models.CharField(max_length=300, blank=True)
    approval = models.OneToOneField("funding.LedgerTransaction", on_delete=models.PROTECT, related_name="grant")
    payment = models.OneToOneField(
        "funding.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="grant_payment"
    )
    reversal = models.OneToOneField(
        "funding.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="grant_reversal",
        help_text="The reversal of the approval when the agent declined or returned the grant.")
    payment_reversal = models.OneToOneField(
        "funding.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="grant_payment_reversal", help_text="The reversal of the payment when the grant came back.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="payable", payment__isnull=True)
                | Q(status="paid", payment__isnull=False, paid_at__isnull=False),
                name="grant_paid_has_payment",
            ),
            models.CheckConstraint(
                condition=Q(agent_response__in=["offered", "accepted"], reversal__isnull=True)
                | Q(agent_response__in=["declined", "returned"], reversal__isnull=False, responded_on__isnull=False),
                name="grant_declined_or_returned_is_reversed",
            ),
            models.CheckConstraint(
                condition=~Q(agent_response="returned") | Q(payment_reversal__isnull=False),
                name="grant_returned_reverses_its_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"Grant {money(self.amount_pence)} to {self.candidacy}"

    @property
    def came_back(self) -> bool:
        """Declined or returned: no longer the candidate's, back in the group's fund."""
        return self.agent_response in (self.Response.DECLINED, self.Response.RETURNED)


class GrantAllocation(models.Model):
    """In earmarked mode: how much of one true donor's gift a grant passes on."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="allocations")
    donation = models.ForeignKey("funding.Donation", on_delete=models.PROTECT, related_name="allocations")
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["grant", "donation"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "donation"], name="grantallocation_unique"),
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="grantallocation_amount_positive"),
        ]


class CandidateSpend(models.Model):
    """Money spent *about* a named candidate (ads, leaflets, messages), capped at the local permitted sum
    unless the agent authorised more in writing (`authority`: the group's `compliance.AgentAuthority` in force on
    the day, if any; `services.candidate_spend_record`)."""

    class Kind(models.TextChoices):
        ADVERT = "advert", "Advert"
        LEAFLET = "leaflet", "Leaflet"
        MESSAGE = "message", "Messages"
        OTHER = "other", "Other"

    candidacy = models.ForeignKey("elections.Candidacy", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("funding.Campaign", on_delete=models.PROTECT, related_name="candidate_spends")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=300)
    amount_pence = models.BigIntegerField()
    spent_at = models.DateTimeField()
    supplier = models.CharField(max_length=200, blank=True)
    invoice_reference = models.CharField(max_length=200, blank=True)
    authority = models.ForeignKey(
        "compliance.AgentAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.OneToOneField(
        "funding.LedgerTransaction", on_delete=models.PROTECT, related_name="candidate_spend"
    )

    class Meta:
        ordering = ["-spent_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gt=0), name="candidatespend_positive")]


class PoliticalContribution(models.Model):
    """A donation the group itself makes to a registered party, a registered campaigner or a regulated donee: a
    *political contribution* under PPERA 2000 Schedule 19A, counted (over £500) towards an unincorporated
    association's registration threshold. A grant to a candidate is a `Grant`, not one of these."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="political_contributions")
    campaign = models.ForeignKey("funding.Campaign", on_delete=models.PROTECT, related_name="political_contributions")
    recipient_kind = models.CharField(max_length=30)
    recipient_name = models.CharField(max_length=200)
    amount_pence = models.BigIntegerField()
    made_on = models.DateField()
    recorded_by = models.CharField(max_length=150, blank=True)
    transaction = models.OneToOneField("funding.LedgerTransaction", on_delete=models.PROTECT,
                                       related_name="political_contribution")

    class Meta:
        ordering = ["made_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gt=0), name="politicalcontribution_positive")]

    def __str__(self) -> str:
        return f"{money(self.amount_pence)} to {self.recipient_name} on {self.made_on}"
