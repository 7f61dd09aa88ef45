"""UK electoral-law figures as dated data.

Each row is one legal figure (a threshold, a limit, a period) with the dates it is in force, the Act or
Electoral Commission page it comes from, and whether it was confirmed from a primary source. Code never
holds these numbers as literals: it asks `selectors.figure(key, on=…, nation=…)`. An administrator edits
them in the Django admin when the law or the Commission's guidance changes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from swingfund.elections.models import Nation


class FigureKey(models.TextChoices):
    # Situation 1: giving money to a candidate.
    CANDIDATE_DONATION_THRESHOLD = "candidate_donation_threshold", "Candidate donation threshold (gifts over it)"
    CANDIDATE_SPENDING_LIMIT_BASE = "candidate_spending_limit_base", "Candidate spending limit: fixed part"
    CANDIDATE_SPENDING_PER_ELECTOR_BOROUGH = (
        "candidate_spending_per_elector_borough",
        "Candidate spending limit: per elector, borough/burgh seat",
    )
    CANDIDATE_SPENDING_PER_ELECTOR_COUNTY = (
        "candidate_spending_per_elector_county",
        "Candidate spending limit: per elector, county seat",
    )
    CANDIDATE_LONG_LIMIT_BASE = "candidate_long_limit_base", "Candidate spending limit, long campaign: fixed part"
    CANDIDATE_LONG_PER_ELECTOR_BOROUGH = (
        "candidate_long_per_elector_borough",
        "Candidate spending limit, long campaign: per elector, borough/burgh seat",
    )
    CANDIDATE_LONG_PER_ELECTOR_COUNTY = (
        "candidate_long_per_elector_county",
        "Candidate spending limit, long campaign: per elector, county seat",
    )
    LONG_CAMPAIGN_START_MONTHS = (
        "long_campaign_start_months",
        "Long campaign starts the day after this many months from the parliament's first meeting",
    )
    CANDIDATE_EXPENSES_PAYMENT_DAYS = (
        "candidate_expenses_payment_days",
        "Days after the result within which a candidate's election expenses must be paid",
    )
    RETURN_IMPERMISSIBLE_DAYS = "return_impermissible_days", "Days to check and return an impermissible gift"
    UA_REGISTRATION_THRESHOLD = "ua_registration_threshold", "Unincorporated association: registration threshold"
    UA_GIFT_REPORTING_THRESHOLD = "ua_gift_reporting_threshold", "Unincorporated association: gift reporting threshold"
    UA_FURTHER_GIFT_THRESHOLD = "ua_further_gift_threshold", "Unincorporated association: further gift threshold"
    UA_CONTRIBUTION_COUNT_THRESHOLD = (
        "ua_contribution_count_threshold",
        "Unincorporated association: political contributions counted only above",
    )
    UA_NOTIFY_DAYS = "ua_notify_days", "Unincorporated association: days to notify the Commission"
    # Situation 2: local campaigning about a named candidate (s.75 RPA 1983).
    LOCAL_PERMITTED_SUM = "local_permitted_sum", "Local permitted sum per candidate (without agent's authority)"
    LOCAL_AUTHORISED_RETURN_DAYS = "local_authorised_return_days", "Days to report authorised local spending"
    # Situation 3: general non-party campaign (PPERA 2000 Part VI).
    REGULATED_PERIOD_DAYS = "regulated_period_days", "Regulated period (days up to and including polling day)"
    NON_PARTY_UNREGISTRABLE_LIMIT = "non_party_unregistrable_limit", "Spending limit for anyone not eligible to notify"
    NON_PARTY_NOTIFICATION_THRESHOLD = "non_party_notification_threshold", "Non-party notification threshold (UK)"
    NON_PARTY_REPORTING_THRESHOLD = "non_party_reporting_threshold", "Non-party reporting threshold"
    NON_PARTY_LIMIT = "non_party_limit", "Non-party spending limit (registered campaigner)"
    NON_PARTY_CONSTITUENCY_LIMIT = "non_party_constituency_limit", "Non-party spending limit per constituency"
    NON_PARTY_CONSTITUENCY_ITEMISE_THRESHOLD = (
        "non_party_constituency_itemise_threshold",
        "Constituency spend above which items are listed in the return",
    )
    TARGETED_SPENDING_LIMIT = "targeted_spending_limit", "Targeted spending limit (unauthorised by the party)"
    NON_PARTY_PERMISSIBILITY_THRESHOLD = "non_party_permissibility_threshold", "Non-party permissibility threshold"
    NON_PARTY_DONATION_REPORT_THRESHOLD = (
        "non_party_donation_report_threshold",
        "Non-party: gifts from one source reported individually above",
    )
    INVOICE_KEEP_THRESHOLD = "invoice_keep_threshold", "Keep invoices and receipts for payments over"
    NON_PARTY_AUDITOR_THRESHOLD = "non_party_auditor_threshold", "Spending return needs an auditor's report above"
    DISSOLUTION_WORKING_DAYS = "dissolution_working_days", "Working days from dissolution to the poll"
    PRE_POLL_REPORT_DAYS = "pre_poll_report_days", "Days after each weekly period to deliver its pre-poll report"
    PUBLIC_DONOR_NAME_THRESHOLD = "public_donor_name_threshold", "Donor names published above"


class Unit(models.TextChoices):
    PENCE = "pence", "pence"
    PENCE_PER_ELECTOR = "pence_per_elector", "pence per elector"
    DAYS = "days", "days"
    MONTHS = "months", "months"


NATION_CHOICES = [("", "UK-wide"), *Nation.choices]

FIGURE_PERIODS_OVERLAP = "{key}{nation} already has a figure in force between {start} and {end} (id {other})."


class LegalFigure(models.Model):
    """One legal figure in force over a date range: money in pence, per-elector amounts in pence, periods in days."""

    key = models.CharField(max_length=60, choices=FigureKey.choices)
    nation = models.CharField(max_length=1, choices=NATION_CHOICES, blank=True, default="",
                              help_text="Blank for UK-wide; a nation's own figure takes precedence over the UK one.")
    value = models.BigIntegerField(help_text="Integer: pence for money and per-elector amounts, days for periods.")
    unit = models.CharField(max_length=20, choices=Unit.choices)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Last day in force; blank while current.")
    citation = models.CharField(max_length=300, help_text="The Act and section, or the Commission's guidance page.")
    source_url = models.URLField(max_length=500)
    verified = models.BooleanField(default=True, help_text="Untick when not confirmed from a primary source.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["key", "nation", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "nation", "effective_from"], name="legalfigure_unique_start"),
            models.CheckConstraint(condition=Q(value__gte=0), name="legalfigure_value_not_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="legalfigure_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(nation__in=["", "E", "W", "S", "N"]), name="legalfigure_nation"),
            models.CheckConstraint(condition=Q(unit__in=[u.value for u in Unit]), name="legalfigure_unit"),
            models.CheckConstraint(condition=~Q(citation=""), name="legalfigure_citation_required"),
        ]

    def __str__(self) -> str:
        nation = f" [{self.nation}]" if self.nation else ""
        return f"{self.key}{nation} from {self.effective_from}"

    def clean(self) -> None:
        """Refuse a second figure for the same key and nation over overlapping dates (the admin form calls this)."""
        if not (self.key and self.effective_from):
            return
        overlapping = LegalFigure.objects.filter(key=self.key, nation=self.nation).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from))
        if self.effective_to:
            overlapping = overlapping.filter(effective_from__lte=self.effective_to)
        other = overlapping.first()
        if other is not None:
            raise ValidationError(
                FIGURE_PERIODS_OVERLAP.format(
                    key=self.key, nation=f" [{self.nation}]" if self.nation else "",
                    start=other.effective_from, end=other.effective_to or "now", other=other.pk,
                )
            )


# --- The group's legal situation (what it may give, what registers it) -------------------------------------


class LegalForm(models.TextChoices):
    """What the group is in law: it decides what it may give, what registers it, and what its notices say."""

    UNINCORPORATED_ASSOCIATION = "unincorporated_association", "Unincorporated association"
    COMPANY = "company", "Company registered in the UK"
    CHARITY = "charity", "Registered charity (including a charitable company or CIO)"
    LLP = "llp", "Limited liability partnership"
    FRIENDLY_SOCIETY = "friendly_society", "Friendly, industrial or provident society"
    TRADE_UNION = "trade_union", "Trade union"
    INDIVIDUAL = "individual", "An individual on a UK electoral register"


class GroupLegalStatus(models.Model):
    """The legal situation of one organisation running swingfund (one row per organisation).

    Kept here, beside the law it decides, rather than on `organisations.Organisation`. Written through
    `services.group_legal_status_set`; read through `selectors.legal_status_for`.
    """

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE,
                                        related_name="legal_status")
    legal_form = models.CharField(max_length=30, choices=LegalForm.choices)
    uk_based = models.BooleanField(
        default=True, help_text="Based and carrying on business or other activities in the UK (PPERA 2000 s.88).")
    company_number = models.CharField(max_length=20, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    non_party_registered_on = models.DateField(
        null=True, blank=True, help_text="Date the Electoral Commission registered the group's notification as a "
                                         "non-party campaigner (PPERA 2000 s.88); blank if not registered.")
    ua_registered_on = models.DateField(
        null=True, blank=True, help_text="Date registered with the Commission as an unincorporated association "
                                         "making political contributions (PPERA 2000 Sch 19A); blank if not.")
    recorded_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(legal_form__in=[f.value for f in LegalForm]),
                                   name="grouplegalstatus_form"),
            models.CheckConstraint(condition=~Q(legal_form="company") | ~Q(company_number=""),
                                   name="grouplegalstatus_company_number"),
            models.CheckConstraint(condition=~Q(legal_form="charity") | ~Q(charity_number=""),
                                   name="grouplegalstatus_charity_number"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_legal_form_display()}"


# --- Material about a named candidate (s.75 RPA 1983): the agent's written authority and each cost --------------


class AgentAuthority(models.Model):
    """An election agent's written authority for the group to spend about their candidate beyond the permitted sum
    (Representation of the People Act 1983, s.75(1)): up to `limit_pence` in all, with a copy of the signed
    document. Written only by `services.agent_authority_record`; a correction is a new row (the latest applies)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    candidacy = models.ForeignKey("elections.Candidacy", on_delete=models.PROTECT, related_name="+")
    agent_name = models.CharField(max_length=200)
    agent_address = models.TextField(help_text="Where the costs are reported to the agent.")
    authorised_on = models.DateField()
    limit_pence = models.BigIntegerField(help_text="The total the agent authorised, including the permitted sum.")
    document = models.BinaryField(help_text="A copy of the agent's signed authority (PDF or image).")
    document_name = models.CharField(max_length=200)
    document_sha256 = models.CharField(max_length=64)
    recorded_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-authorised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(limit_pence__gt=0), name="agentauthority_limit_positive"),
            models.CheckConstraint(condition=~Q(agent_name=""), name="agentauthority_agent_named"),
            models.CheckConstraint(condition=~Q(document_sha256="") & ~Q(document_name=""),
                                   name="agentauthority_document_copy"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_name}'s authority for {self.candidacy}"


class MaterialRegime(models.TextChoices):
    """Which law a piece of material's cost falls under (`material.Regime`)."""

    CANDIDATE = "candidate", "Spending about a named candidate (RPA 1983 s.75)"
    GENERAL = "general", "General campaign spending (PPERA 2000 Part VI)"
    OUTSIDE = "outside", "Outside any regulated period (not regulated spending)"


class MaterialCost(models.Model):
    """The cost of one piece of material (a message, a leaflet, a share kit) as the law classified it before it
    went out: spending about one named candidacy (s.75), general-campaign spending (PPERA, whose item is the
    spending record's `CampaignSpend` with the same `source_ref`) or outside any regulated period.

    A candidate row under the agent's authority is the candidate's election expense: `agent_notice` is the
    statement reported to the agent, due by `agent_notice_due_on`. Written by `reports.services`."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    regime = models.CharField(max_length=10, choices=MaterialRegime.choices)
    election_id = models.CharField(max_length=80, blank=True, help_text="Blank: outside any regulated period.")
    candidacy = models.ForeignKey("elections.Candidacy", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    authority = models.ForeignKey(AgentAuthority, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="costs")
    amount_pence = models.BigIntegerField()
    incurred_on = models.DateField()
    supplier = models.CharField(max_length=200)
    description = models.CharField(max_length=300)
    source_ref = models.CharField(max_length=300)
    transaction = models.OneToOneField("funding.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="material_cost")
    agent_notice = models.TextField(blank=True)
    agent_notice_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="materialcost_amount_positive"),
            models.CheckConstraint(condition=Q(regime__in=["candidate", "general", "outside"]),
                                   name="materialcost_regime"),
            models.CheckConstraint(condition=~Q(regime="candidate") | Q(candidacy__isnull=False),
                                   name="materialcost_candidate_named"),
            models.CheckConstraint(condition=Q(regime="outside") | ~Q(election_id=""),
                                   name="materialcost_election_unless_outside"),
            models.CheckConstraint(condition=Q(authority__isnull=True) | ~Q(agent_notice=""),
                                   name="materialcost_authorised_reported"),
        ]
        indexes = [models.Index(fields=["organisation", "candidacy"], name="materialcost_org_candidacy")]

    def __str__(self) -> str:
        return f"{self.regime}: {self.description}"
