"""The committee: members, proposals (a grant to a candidacy, or staying out of a seat), declared interests,
votes, decisions and an append-only audit log.

Invariants held here, by the database first:

* a grant proposal names a candidacy and a positive amount in pence; a stay-out proposal names neither;
* one open proposal per organisation × election × seat; one vote per member per proposal; one decision per
  proposal; one declared interest per member per proposal;
* decisions, votes and audit events are immutable: `save()` on an existing row and `delete()` raise
  `ImmutableRecordError`, and database triggers (SQLite and PostgreSQL, see `immutability.py`) refuse any
  UPDATE or DELETE that bypasses the ORM.

Writes go through `services.py`; counting rules live in `rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from swingfund import appendonly
from swingfund.appendonly import AppendOnlyError
from swingfund.committee import rules

ERROR_IMMUTABLE = "{model} records are immutable once written: {action} refused."


class ImmutableRecordError(AppendOnlyError):
    """An attempt to change or delete an append-only record."""


class AppendOnlyModel(appendonly.AppendOnlyModel):
    """Rows are written once. Updates and deletes raise here, and a database trigger refuses them too."""

    append_only_error = ImmutableRecordError
    append_only_message = ERROR_IMMUTABLE

    class Meta:
        abstract = True


class CommitteePolicy(models.Model):
    """An organisation's voting rule (see `rules.py`). Without a row, `rules.ApprovalPolicy()` defaults apply."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="committee_policy"
    )
    quorum = models.PositiveSmallIntegerField(default=rules.DEFAULT_QUORUM)
    approvals_required = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="N in N-of-M; blank means a strict majority of eligible members."
    )

    class Meta:
        verbose_name_plural = "committee policies"
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=1), name="committeepolicy_quorum_positive"),
            models.CheckConstraint(
                condition=Q(approvals_required__isnull=True) | Q(approvals_required__gte=1),
                name="committeepolicy_approvals_positive",
            ),
        ]

    def as_rule(self) -> rules.ApprovalPolicy:
        return rules.ApprovalPolicy(quorum=self.quorum, approvals_required=self.approvals_required)


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "member"
        CHAIR = "chair", "chair"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="committee_members"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="committeemember_unique"),
            models.CheckConstraint(condition=Q(role__in=["member", "chair"]), name="committeemember_role_valid"),
        ]

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role})"


class Proposal(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", "grant"
        STAY_OUT = "stay_out", "stay out"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        DECIDED = "decided", "decided"
        WITHDRAWN = "withdrawn", "withdrawn by its proposer"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    constituency = models.ForeignKey("elections.Constituency", on_delete=models.PROTECT, related_name="+")
    candidacy = models.ForeignKey(
        "elections.Candidacy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_pence = models.PositiveIntegerField(default=0)
    reason = models.TextField(help_text="The rule's written reason, readable by a member of the public.")
    warnings = models.JSONField(default=list, blank=True)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True, help_text="After it, the chair may close the vote.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the content members vote on.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="grant", candidacy__isnull=False, amount_pence__gt=0))
                | Q(kind="stay_out", candidacy__isnull=True, amount_pence=0),
                name="proposal_kind_fields",
            ),
            models.CheckConstraint(condition=Q(status__in=["open", "decided", "withdrawn"]),
                                   name="proposal_status_valid"),
            models.UniqueConstraint(
                fields=["organisation", "election", "constituency"],
                condition=Q(status="open"),
                name="proposal_one_open_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} — {self.constituency.name}"


class Interest(models.Model):
    """A member's declared interest in a proposal: they are recused and may not vote on it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="interests")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="interests")
    note = models.TextField(blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="interest_unique")]


class Vote(AppendOnlyModel):
    class Choice(models.TextChoices):
        FOR = rules.FOR, "for"
        AGAINST = rules.AGAINST, "against"
        ABSTAIN = rules.ABSTAIN, "abstain"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    proposal_hash = models.CharField(max_length=64, help_text="The content hash the member voted on.")
    cast_at = models.DateTimeField()
    reason = models.CharField(max_length=20, blank=True, default="",
                              choices=[("", "no reason given"), *rules.REJECTION_REASONS.items()],
                              help_text="Why the member voted against (votes against only).")

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="vote_one_per_member"),
            models.CheckConstraint(condition=Q(choice__in=list(rules.CHOICES)), name="vote_choice_valid"),
            models.CheckConstraint(condition=Q(reason="") | Q(choice=rules.AGAINST, reason__in=list(
                rules.REJECTION_REASONS)), name="vote_reason_against_only"),
        ]


class Decision(AppendOnlyModel):
    """The outcome of a proposal, written once with the tally and who voted how and when."""

    class Outcome(models.TextChoices):
        APPROVED = rules.APPROVED, "approved"
        REJECTED = rules.REJECTED, "rejected"

    class Trigger(models.TextChoices):
        COUNT = "count", "the count reached an outcome"
        CLOSED = "closed", "closed by the chair after the deadline"

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    decided_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal_hash = models.CharField(max_length=64)
    tally = models.JSONField(help_text="rules.Tally as counted at the moment of decision.")
    ballots = models.JSONField(help_text="[{member, user, name, choice, cast_at}] in order of casting.")
    recused = models.JSONField(default=list, help_text="[{member, name, declared_at}]")
    explanation = models.TextField()
    reasons = models.JSONField(default=list, blank=True,
                               help_text="A rejection's reasons as members gave them: [{reason, label, count}].")

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["approved", "rejected"]), name="decision_outcome_valid"),
            models.CheckConstraint(condition=Q(trigger__in=["count", "closed"]), name="decision_trigger_valid"),
            models.CheckConstraint(
                condition=Q(trigger="count", closed_by__isnull=True) | Q(trigger="closed", closed_by__isnull=False),
                name="decision_closed_by_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.proposal}"


class AuditEvent(AppendOnlyModel):
    """Who did what, when, to which object. The public "recent changes" page is a view over this log."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="committee_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class ChainLink(AppendOnlyModel):
    """One vote or decision on the committee's record chain (`chain.py`), in the order written: its position, the
    hash of its predecessor and its own hash over the record's canonical document."""

    class Record(models.TextChoices):
        VOTE = "vote", "vote"
        DECISION = "decision", "decision"

    position = models.BigIntegerField(primary_key=True)
    record = models.CharField(max_length=10, choices=Record.choices)
    object_id = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=1), name="chainlink_position_positive"),
            models.CheckConstraint(condition=Q(record__in=["vote", "decision"]), name="chainlink_record_valid"),
            models.UniqueConstraint(fields=["record", "object_id"], name="chainlink_one_per_record"),
        ]


class RecordChainHead(models.Model):
    """The single row locked while a link is appended; `last_position`/`last_hash` describe the newest link."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_position = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="recordchainhead_single_row")]


class RecordCheckpoint(AppendOnlyModel):
    """A signed statement of the committee chain's head (`swingfund ledger checkpoint` signs it with the ledger's
    key, `funding.checkpoints`): after `tree_size` links the head hash was `head_hash`."""

    tree_size = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64, help_text="Raw Ed25519 public key, base64.")
    signature = models.CharField(max_length=128, help_text="Ed25519 signature of the statement, base64.")

    class Meta:
        ordering = ["tree_size", "id"]
        constraints = [models.CheckConstraint(condition=Q(tree_size__gte=0), name="recordcheckpoint_size_nonneg")]
