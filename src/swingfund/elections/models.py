"""Official election data: seats, polls, people standing, counts, census aggregates and postcodes.

Every imported row points at the `DataSource` it came from (file, publisher, licence, checksum), so any
public figure can show where it came from. Demographics attach to seats only, as aggregate statistics:
no person or candidacy has a religion, ethnicity or similar field.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class BoundarySet(models.TextChoices):
    PCON2010 = "pcon2010", "2010-review boundaries (GE2010–GE2019)"
    PCON2024 = "pcon2024", "2023-review boundaries (GE2024 on)"


class Nation(models.TextChoices):
    ENGLAND = "E", "England"
    WALES = "W", "Wales"
    SCOTLAND = "S", "Scotland"
    NORTHERN_IRELAND = "N", "Northern Ireland"


class DataSource(models.Model):
    """One official file as imported: what it is, who published it, and the exact bytes (sha256)."""

    key = models.SlugField(max_length=120, unique=True, help_text="Stable name of the file kind and edition.")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    published = models.DateField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})"


class ElectionKind(models.TextChoices):
    GENERAL = "general", "UK general election"
    BY_ELECTION = "by", "By-election (one seat)"


class ElectionQuerySet(models.QuerySet):
    def ahead(self, today):
        """Elections still to come on `today`: polling day not passed (polling day itself counts) and no result
        imported. The one definition: prospective candidates, the candidate survey and proposals ask this."""
        return self.filter(poll_date__gte=today).exclude(results__isnull=False)


class Election(models.Model):
    """One poll, named by its Democracy Club id (`parl.YYYY-MM-DD`; a by-election by its ballot id,
    `parl.<seat-slug>.by.YYYY-MM-DD`). Notional results (a past election recomputed on newer boundaries) are
    separate elections with `notional=True` and their own id.

    An election may lie in the future: its `poll_date` is then expected (`poll_date_provisional`, with the
    assumption it rests on in `date_assumption`) or announced, and it is forecast from its `baseline` election's
    result. A by-election is one seat (`seat`). The date in the id is the one it was added with; `poll_date` is
    the date in force, and every date-derived figure is computed from it.
    """

    id = models.CharField(max_length=80, primary_key=True)
    name = models.CharField(max_length=200)
    poll_date = models.DateField()
    boundary_set = models.CharField(max_length=10, choices=BoundarySet.choices)
    notional = models.BooleanField(default=False)
    source = models.ForeignKey(DataSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ElectionKind.choices, default=ElectionKind.GENERAL)
    poll_date_provisional = models.BooleanField(
        default=False, help_text="True while the polling date is expected, not announced.")
    date_assumption = models.CharField(
        max_length=300, blank=True, help_text="What a provisional polling date assumes, in words.")
    baseline = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The election whose result this one is forecast from.")
    seat = models.ForeignKey(
        "Constituency", null=True, blank=True, on_delete=models.PROTECT, related_name="by_elections",
        help_text="A by-election's one seat.")
    parliament_first_met = models.DateField(
        null=True, blank=True, help_text="The day the outgoing parliament first met (a general election's long "
                                         "campaign starts the day after 55 months from it; RPA 1983 s.76ZA).")

    objects = ElectionQuerySet.as_manager()

    class Meta:
        ordering = ["poll_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="by") & Q(seat__isnull=False)) | (Q(kind="general") & Q(seat__isnull=True)),
                name="election_by_election_has_one_seat",
            ),
            models.CheckConstraint(condition=~Q(baseline=models.F("id")), name="election_baseline_not_itself"),
        ]

    def __str__(self) -> str:
        return self.id


class Constituency(models.Model):
    """A seat, identified by its GSS code within a boundary set (five Scottish codes exist in both sets)."""

    gss_code = models.CharField(max_length=9)
    boundary_set = models.CharField(max_length=10, choices=BoundarySet.choices)
    name = models.CharField(max_length=200)
    nation = models.CharField(max_length=1, choices=Nation.choices)
    region_code = models.CharField(max_length=9, blank=True)
    region = models.CharField(max_length=100, blank=True)
    constituency_type = models.CharField(max_length=20, blank=True, help_text="Borough, County or Burgh")
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["boundary_set", "name"]
        verbose_name_plural = "constituencies"
        constraints = [
            models.UniqueConstraint(fields=["boundary_set", "gss_code"], name="constituency_unique_code"),
            models.CheckConstraint(
                condition=Q(gss_code__regex=r"^[EWSN][0-9]{8}$"), name="constituency_gss_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code})"


class Party(models.Model):
    """A registered party, or the pseudo-party 'Independent'. `ec_id` is the Electoral Commission's PPnn."""

    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(max_length=40, blank=True)
    ec_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.abbreviation or self.name


class Person(models.Model):
    """Someone who stood for election. Identity only: no religion, ethnicity or similar field, ever."""

    name = models.CharField(max_length=200)
    dc_person_id = models.PositiveIntegerField(null=True, blank=True, unique=True, help_text="Democracy Club id")
    mnis_id = models.PositiveIntegerField(null=True, blank=True, unique=True, help_text="UK Parliament member id")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CandidacyStatus(models.TextChoices):
    STANDING = "standing", "standing"
    WITHDRAWN = "withdrawn", "withdrawn"
    NOT_NOMINATED = "not_nominated", "not nominated"


class Candidacy(models.Model):
    """One person standing in one seat at one election. Notional elections have party rows and no person.

    A prospective candidacy (announced before nominations, entered by hand or from a CSV) carries the URL and date
    of its announcement; Democracy Club's list for the election reconciles with it later (`candidacies.py`). A
    candidacy withdrawn or not nominated is marked (`status`, with the date and source of the change), never
    deleted. `illustrative` marks invented demo candidacies. `contact_email` is the address Democracy Club
    publishes for the candidate, used only to send the group's candidate survey.
    """

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidacies")
    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="candidacies")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="candidacies")
    person_name = models.CharField(max_length=200, blank=True)
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="candidacies")
    votes = models.PositiveIntegerField(null=True, blank=True, help_text="Blank before the count.")
    elected = models.BooleanField(default=False)
    sitting_mp = models.BooleanField(default=False)
    former_mp = models.BooleanField(default=False)
    became_candidate_on = models.DateField(
        null=True, blank=True, help_text="The day the person became a candidate in law (declared or nominated; "
                                         "RPA 1983 s.118A). Blank when not recorded.")
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=CandidacyStatus.choices, default=CandidacyStatus.STANDING)
    status_changed_on = models.DateField(null=True, blank=True, help_text="When it was withdrawn or not nominated.")
    status_source_url = models.URLField(max_length=500, blank=True, help_text="Where the change of status is stated.")
    source_url = models.URLField(max_length=500, blank=True, help_text="Where the candidacy was announced.")
    announced_on = models.DateField(null=True, blank=True, help_text="When the candidacy was announced.")
    illustrative = models.BooleanField(default=False, help_text="Invented for the demo, and labelled so.")
    contact_email = models.EmailField(blank=True, help_text="As published by Democracy Club; for the survey only.")
    recorded_at = models.DateTimeField(null=True, blank=True, help_text="When entered by hand or last reconciled.")

    class Meta:
        ordering = ["election", "constituency", "-votes"]
        verbose_name_plural = "candidacies"
        indexes = [models.Index(fields=["election", "constituency"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["standing", "withdrawn", "not_nominated"]), name="candidacy_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="standing") | Q(status_changed_on__isnull=False),
                name="candidacy_status_change_dated",
            ),
            models.UniqueConstraint(
                fields=["election", "constituency", "person"],
                condition=Q(person__isnull=False),
                name="candidacy_one_per_person_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name or self.party} — {self.constituency.name} ({self.election_id})"


class Result(models.Model):
    """One seat's count at one election. Majority is the winner's votes minus the runner-up's, in votes."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="results")
    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="results")
    electorate = models.PositiveIntegerField()
    valid_votes = models.PositiveIntegerField()
    invalid_votes = models.PositiveIntegerField(null=True, blank=True)
    majority = models.PositiveIntegerField()
    winner = models.ForeignKey(Candidacy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    runner_up = models.ForeignKey(Candidacy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    winner_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    runner_up_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    result_text = models.CharField(max_length=100, blank=True, help_text='e.g. "Ind gain from Lab"')
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["election", "constituency"]
        constraints = [
            models.UniqueConstraint(fields=["election", "constituency"], name="result_unique_seat"),
            models.CheckConstraint(condition=Q(majority__lte=models.F("valid_votes")), name="result_majority_le_valid"),
        ]

    @property
    def turnout(self) -> float | None:
        """Share of the electorate that cast a ballot, valid or not (0–1)."""
        if not self.electorate:
            return None
        return (self.valid_votes + (self.invalid_votes or 0)) / self.electorate

    def __str__(self) -> str:
        return f"{self.constituency.name} {self.election_id}"


class DemographicStat(models.Model):
    """An aggregate census statistic of a seat (never of a person), with the file it came from.

    `topic`/`category` are slugs (`religion`/`muslim`, `ethnicity`/`black`, `population`/`all`); `census`
    names the census (`census2021`, `census2011`, `scotland2022`); `unit` says whether `value` is a count
    of people or a percentage (0–100) of `base`.
    """

    class Unit(models.TextChoices):
        COUNT = "count", "count"
        PERCENT = "percent", "percent"

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="demographics")
    census = models.CharField(max_length=30)
    topic = models.CharField(max_length=50)
    category = models.CharField(max_length=80)
    label = models.CharField(max_length=200, blank=True)
    value = models.FloatField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    base = models.CharField(max_length=100, default="all usual residents")
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["constituency", "topic", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "census", "topic", "category", "unit"], name="demographicstat_unique"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="demographicstat_non_negative"),
        ]
        indexes = [models.Index(fields=["topic", "category"])]

    def __str__(self) -> str:
        return f"{self.constituency.gss_code} {self.topic}:{self.category} = {self.value} {self.unit}"


class Postcode(models.Model):
    """Postcode → constituency for one boundary set. `postcode` is uppercased without spaces (`SW1A2AA`)."""

    postcode = models.CharField(max_length=8)
    boundary_set = models.CharField(max_length=10, choices=BoundarySet.choices)
    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="+")
    terminated = models.BooleanField(default=False)
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["boundary_set", "postcode"], name="postcode_unique_per_set"),
        ]

    def __str__(self) -> str:
        return self.postcode


class PollArea(models.TextChoices):
    """Where a poll sampled: Great Britain as a whole, or one nation's own poll."""

    GB = "GB", "Great Britain"
    SCOTLAND = "S", "Scotland"
    WALES = "W", "Wales"


class Poll(models.Model):
    """One published opinion poll of Westminster voting intention: who ran it, when, how many, where.

    Its shares are `PollShare` rows, one per party reported, kept by the label the file gives (a party that did not
    stand last time is allowed; labels are matched to parties when the polls are used). `source` is the poll
    file it came from (its name, checksum and import time); `illustrative` marks invented polls (the demo's),
    never real ones.
    """

    pollster = models.CharField(max_length=120)
    fieldwork_start = models.DateField()
    fieldwork_end = models.DateField()
    sample_size = models.PositiveIntegerField()
    area = models.CharField(max_length=2, choices=PollArea.choices)
    illustrative = models.BooleanField(default=False, help_text="Invented numbers (a demo), not a real poll.")
    line = models.PositiveIntegerField(help_text="Line of the poll file this poll was read from.")
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-fieldwork_end", "pollster", "area"]
        constraints = [
            models.CheckConstraint(condition=Q(fieldwork_end__gte=models.F("fieldwork_start")),
                                   name="poll_fieldwork_in_order"),
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="poll_sample_positive"),
            models.CheckConstraint(condition=Q(area__in=["GB", "S", "W"]), name="poll_area_known"),
            models.UniqueConstraint(fields=["source", "pollster", "area", "fieldwork_start", "fieldwork_end"],
                                    name="poll_unique_in_file"),
        ]
        indexes = [models.Index(fields=["area", "fieldwork_end"])]

    def __str__(self) -> str:
        return f"{self.pollster} {self.area} {self.fieldwork_start}–{self.fieldwork_end} (n={self.sample_size})"


class PollShare(models.Model):
    """One party's share in one poll, as a fraction of those giving a party (0–1)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="shares")
    party_label = models.CharField(max_length=120, help_text="The party as the poll file names it (Con, Reform UK).")
    share = models.FloatField()

    class Meta:
        ordering = ["poll", "-share"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "party_label"], name="pollshare_unique_party"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="pollshare_share_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.party_label} {self.share:.1%}"
