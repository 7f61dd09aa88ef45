"""Statements a group publishes, sourced evidence about candidates on them, and the scores derived from it.

A statement is versioned: once a version is published it is never edited again; an edit makes a new version
(`services.statement_edit`). Evidence and scores point at a *version*, so publishing a new wording never
rewrites a past score. Evidence is about an `elections.Person` (identity only — no religion, ethnicity or
similar field exists on a person or here). Writes go through `services.py`; rules live in `scoring.py` and
`rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from swingfund.appendonly import AppendOnlyModel

PUBLIC_NEEDS_SOURCE = "Evidence shown publicly needs a source URL."


class Statement(models.Model):
    """A position the organisation publishes. Its wording lives in versions (`StatementVersion`)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="statements")
    slug = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the public pages.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "position", "slug"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="statement_unique_slug")]

    def __str__(self) -> str:
        return self.slug


class StatementVersion(models.Model):
    """One wording of a statement. `published_at` set ⇒ frozen: edits create a new version."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    agreement = models.TextField(help_text="What counts as agreeing with this statement.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="statementversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="statementversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class Stance(models.TextChoices):
    AGREE = "agree", "agrees"
    DISAGREE = "disagree", "disagrees"
    MIXED = "mixed", "mixed"
    UNKNOWN = "unknown", "unknown"


class EvidenceKind(models.TextChoices):
    PLEDGE = "pledge", "pledge-survey answer"
    DIVISION = "division", "Commons division vote"
    PUBLIC_STATEMENT = "public_statement", "public statement"
    MANIFESTO = "manifesto", "manifesto commitment"
    OWN_ANSWER = "own_answer", "the candidate's own answer"


class Vote(models.TextChoices):
    AYE = "aye", "aye"
    NO = "no", "no"
    ABSTAIN = "abstain", "abstained (voted both ways)"
    ABSENT = "absent", "absent"


class Division(models.Model):
    """A Commons division (a recorded vote), identified by the id its publisher gives it."""

    division_id = models.CharField(max_length=60, unique=True)
    date = models.DateField()
    title = models.CharField(max_length=400, blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["date", "division_id"]

    def __str__(self) -> str:
        return f"{self.division_id} {self.title}".strip()


class DivisionMapping(models.Model):
    """Which way of voting in a division counts as agreeing with a statement version, and whether it is important."""

    statement_version = models.ForeignKey(StatementVersion, on_delete=models.CASCADE, related_name="divisions")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="mappings")
    agree_when = models.CharField(max_length=3, choices=[(Vote.AYE, "aye"), (Vote.NO, "no")])
    important = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement_version", "division"], name="divisionmapping_unique"),
            models.CheckConstraint(condition=Q(agree_when__in=["aye", "no"]), name="divisionmapping_direction"),
        ]


class Evidence(models.Model):
    """One sourced fact about a person on a statement version. Public evidence must name its source URL, except
    the candidate's own answer to the group's survey, whose source is the answer itself (`SurveyAnswer`)."""

    statement_version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="evidence")
    person = models.ForeignKey("elections.Person", on_delete=models.PROTECT, related_name="+")
    # Evidence is about the person; the candidacy is context. A re-import that drops a candidacy keeps the evidence.
    candidacy = models.ForeignKey(
        "elections.Candidacy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    stance = models.CharField(max_length=10, choices=Stance.choices)
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices, blank=True)
    date = models.DateField()
    source_url = models.URLField(max_length=500, blank=True)
    public = models.BooleanField(default=True, help_text="Shown on public pages (then a source URL is required).")
    summary = models.TextField(blank=True, help_text="What the person said or did, in a sentence.")
    note = models.TextField(blank=True, help_text="Organisers' note, e.g. 'demo data'.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_via = models.CharField(max_length=300, blank=True, help_text="Import file or tool, when not a user.")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["statement_version", "person", "date", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(public=False) | ~Q(source_url="") | Q(kind="own_answer"),
                name="evidence_public_has_source",
                violation_error_message=PUBLIC_NEEDS_SOURCE,
            ),
            models.CheckConstraint(
                condition=~Q(kind="division") | (Q(division__isnull=False) & ~Q(vote="")),
                name="evidence_division_has_vote",
            ),
            models.CheckConstraint(
                condition=Q(kind="division") | (Q(division__isnull=True) & Q(vote="")),
                name="evidence_vote_only_for_divisions",
            ),
            models.UniqueConstraint(
                fields=["statement_version", "person", "division"],
                condition=Q(division__isnull=False),
                name="evidence_one_vote_per_division",
            ),
        ]
        indexes = [models.Index(fields=["person", "statement_version"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_stance_display()} ({self.get_kind_display()}, {self.date})"


class Dispute(models.Model):
    """A candidate's challenge to how a piece of evidence was coded, and the organiser's response.

    An upheld dispute removes the evidence from the candidate's score (the coding was wrong); the evidence
    stays on record, marked as disputed, so the change is auditable.
    """

    class Status(models.TextChoices):
        OPEN = "open", "open"
        UPHELD = "upheld", "upheld (coding withdrawn)"
        REJECTED = "rejected", "rejected (coding stands)"

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="disputes")
    candidate_text = models.TextField()
    organiser_response = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(organiser_response="") & Q(responded_at__isnull=False)),
                name="dispute_closed_has_response",
            ),
        ]


class Score(models.Model):
    """A stored score of a person on one statement version by one method. Recomputing gives identical numbers;
    a new statement version gets new rows, so a past version's scores are never rewritten."""

    person = models.ForeignKey("elections.Person", on_delete=models.CASCADE, related_name="+")
    statement_version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="scores")
    method = models.CharField(max_length=20)
    stance = models.CharField(max_length=10, choices=Stance.choices)
    vote_distance = models.FloatField(null=True, blank=True, help_text="0 = always agreed … 1 = always disagreed")
    band = models.CharField(max_length=80, blank=True)
    evidence_ids = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["person", "statement_version", "method"]
        constraints = [
            models.UniqueConstraint(fields=["person", "statement_version", "method"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(vote_distance__isnull=True) | (Q(vote_distance__gte=0) & Q(vote_distance__lte=1)),
                name="score_distance_range",
            ),
        ]


class StandDown(models.Model):
    """A candidacy withdrawn or stood down (e.g. in favour of another candidate). The rule leaves it out."""

    candidacy = models.OneToOneField("elections.Candidacy", on_delete=models.CASCADE, related_name="+")
    announced = models.DateField()
    source_url = models.URLField(max_length=500)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(source_url=""), name="standdown_has_source")]

    def __str__(self) -> str:
        return f"stand-down of candidacy {self.candidacy_id}"


class SurveyLink(models.Model):
    """A candidacy's unique link to answer the organisation's statements, valid until `expires_at`.

    Only the sha256 of the token is stored; the token itself exists in the email (or on the organiser's screen,
    once) and nowhere else. A reminder issues a new token and the old one stops working.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    candidacy = models.ForeignKey("elections.Candidacy", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    sent_to = models.EmailField(blank=True, help_text="Where the link was emailed (blank: handed over).")
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "candidacy"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "candidacy"], name="surveylink_one_per_candidacy"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="surveylink_expires_later"),
        ]

    def __str__(self) -> str:
        return f"survey link of candidacy {self.candidacy_id}"


class SurveyAnswer(AppendOnlyModel):
    """One answer through a survey link: a candidacy answers each statement *version* once. The answer is stored as
    evidence (kind "the candidate's own answer", dated the day it was given); a later version's answer is new
    evidence, never an overwrite. Rows are written once (the append-only kit refuses changing or deleting them)."""

    link = models.ForeignKey(SurveyLink, on_delete=models.PROTECT, related_name="answers")
    candidacy = models.ForeignKey("elections.Candidacy", on_delete=models.PROTECT, related_name="+")
    statement_version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="+")
    evidence = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="survey_answer")
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["candidacy", "statement_version"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "statement_version"], name="surveyanswer_once_per_version"),
        ]
