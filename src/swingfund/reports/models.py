"""The spending record: the group's general-campaign spending items (PPERA 2000 Part VI), each posted to the ledger.

Above money: an item is written with its ledger transaction (`services.campaign_spending_record`), after the law's
limits (`swingfund.compliance.general`) are checked. The table keeps the name it had in the compliance app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from swingfund.compliance.models import NATION_CHOICES


class SpendCategory(models.TextChoices):
    """The kinds of regulated campaign activity (PPERA 2000 Schedule 8A, Part 1 para 1(2))."""

    MATERIAL = "material", "Election material made available to the public"
    CANVASSING = "canvassing", "Canvassing or market research"
    MEDIA = "media", "Press conferences or other dealings with the media"
    TRANSPORT = "transport", "Transport of persons to obtain publicity"
    EVENTS = "events", "Public rallies and other public events"


class ClaimStatus(models.TextChoices):
    """A claim the return lists apart (PPERA 2000 s.96: unpaid and disputed claims)."""

    UNPAID = "unpaid", "Unpaid claim"
    DISPUTED = "disputed", "Disputed claim"


class SpendArea(models.TextChoices):
    UK = "uk", "The whole UK"
    NATION = "nation", "One part of the UK"
    CONSTITUENCIES = "constituencies", "Named constituencies"


class CampaignSpend(models.Model):
    """One item of general-campaign spending (regulated campaign activity, PPERA 2000 Part VI) for an election.

    The area it has effect in decides how it is attributed: the whole UK (across the four parts in proportion to
    their constituencies, and equally across every constituency), one part (equally across its constituencies),
    or named constituencies (equally across them). Written only by `reports.services.campaign_spending_record`, which
    checks every limit first and posts the payment to the ledger.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="campaign_spends")
    election_id = models.CharField(max_length=80, help_text="Democracy Club election id, e.g. parl.YYYY-MM-DD")
    incurred_on = models.DateField(help_text="When the group became committed to pay (the order confirmed).")
    paid_on = models.DateField(null=True, blank=True)
    claimed_on = models.DateField(null=True, blank=True, help_text="When the supplier's claim for payment was made.")
    notional = models.BooleanField(default=False, help_text="Notional spending: goods or services given free or at "
                                   "a discount, reported at their value (no invoice needed).")
    claim_status = models.CharField(max_length=10, choices=ClaimStatus.choices, blank=True)
    joint_campaigners = models.CharField(max_length=300, blank=True, help_text="The other campaigners this item was "
                                         "spent jointly with (joint campaigning), if any.")
    supplier = models.CharField(max_length=200)
    supplier_address = models.TextField(blank=True)
    amount_pence = models.BigIntegerField()
    category = models.CharField(max_length=20, choices=SpendCategory.choices)
    area = models.CharField(max_length=20, choices=SpendArea.choices)
    nation = models.CharField(max_length=1, blank=True, choices=NATION_CHOICES)
    constituencies = models.ManyToManyField("elections.Constituency", blank=True, related_name="+")
    targets_party = models.ForeignKey("elections.Party", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", help_text="A party (or its candidates) the item promotes "
                                                                  "or opposes: targeted spending.")
    party_authorised = models.BooleanField(default=False, help_text="The party authorised this targeted spending.")
    description = models.CharField(max_length=300)
    invoice_reference = models.CharField(max_length=200, blank=True)
    source_ref = models.CharField(max_length=300, blank=True,
                                  help_text="The outreach message or material that caused it, where there is one.")
    recorded_by = models.CharField(max_length=150, blank=True)
    transaction = models.OneToOneField("funding.LedgerTransaction", on_delete=models.PROTECT,
                                       related_name="campaign_spend")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incurred_on", "id"]
        db_table = "compliance_campaignspend"  # moved from the compliance app with its rows: the table keeps its name
        indexes = [models.Index(fields=["organisation", "election_id", "incurred_on"],
                                name="compliance__organis_03f231_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="campaignspend_amount_positive"),
            models.CheckConstraint(condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("incurred_on")),
                                   name="campaignspend_paid_after_incurred"),
            models.CheckConstraint(condition=Q(area="nation", nation__in=["E", "W", "S", "N"])
                                   | (Q(area__in=["uk", "constituencies"]) & Q(nation="")),
                                   name="campaignspend_nation_matches_area"),
            models.CheckConstraint(condition=Q(category__in=[c.value for c in SpendCategory]),
                                   name="campaignspend_category"),
        ]

    def __str__(self) -> str:
        return f"{self.incurred_on} {self.supplier}: {self.amount_pence} pence ({self.get_area_display()})"
