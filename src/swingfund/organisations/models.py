"""The organisation: a group using swingfund, its public identity and its defaults.

A group's identity (name, address for imprints and notices, sender, bank details, privacy contact) and its
defaults (election, lens, bloc or none) live here, in the database, never in code or settings. The table is the
one it had when it lived in scorecards (`scorecards_organisation`); it moved down the house with a state-only
migration.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Lens(models.TextChoices):
    SWING = "swing", "Swing: can our supporters decide between the two leaders?"
    OWN = "own", "Own candidate: could our supporters elect a candidate of their own?"


class BlocKind(models.TextChoices):
    """Whom the group counts per seat. Religion and ethnicity exist only as aggregate census statistics of a seat."""

    NONE = "none", "No bloc: target on our statements and the seat's marginality"
    CENSUS = "census", "A census bloc: aggregate census categories of each seat"
    SUPPORTERS = "supporters", "Our own consenting supporters, counted per seat (aggregate counts only)"


class Organisation(models.Model):
    """The group running swingfund: publishes statements, runs a committee, awards grants."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    publishes_committee_names = models.BooleanField(
        default=False, help_text="Publish the names of committee members next to their votes."
    )
    standard_grant_pence = models.PositiveIntegerField(
        default=100_000, help_text="The standard grant to a backed candidate, in pence (100000 = £1,000)."
    )
    demo = models.BooleanField(default=False, help_text="Demo data: pages say the codings are illustrative.")
    created_at = models.DateTimeField(auto_now_add=True)

    # -- identity: what imprints, notices, emails and the giving page say --------------------------------------
    legal_name = models.CharField(
        max_length=200, blank=True, help_text="The name in law, if different (e.g. 'Leeds Fair Vote Ltd').")
    address = models.TextField(
        blank=True, help_text="Postal address for imprints and donation notices (one line per line).")
    sender_email = models.EmailField(
        blank=True, help_text="The address the group's email is sent from (e.g. hello@leedsfairvote.org).")
    privacy_contact = models.CharField(
        max_length=200, blank=True, help_text="Whom supporters and donors contact about their data (email or address).")
    host = models.CharField(
        max_length=200, blank=True,
        help_text="Host name of this group's public site when one server hosts several groups "
                  "(e.g. leedsfairvote.org).")
    bank_account_name = models.CharField(max_length=120, blank=True)
    bank_sort_code = models.CharField(max_length=8, blank=True, help_text="e.g. 12-34-56")
    bank_account_number = models.CharField(max_length=8, blank=True)
    cheque_payee = models.CharField(max_length=200, blank=True)
    cheque_address = models.TextField(blank=True, help_text="Where cheques are posted.")

    # -- defaults: what every page and command opens on --------------------------------------------------------
    default_election = models.CharField(
        max_length=80, blank=True,
        help_text="Democracy Club id of the election the group works on, e.g. parl.2029-05-03.",
    )
    lens = models.CharField(max_length=10, choices=Lens.choices, default=Lens.SWING)
    bloc_kind = models.CharField(max_length=12, choices=BlocKind.choices, default=BlocKind.NONE)
    bloc = models.CharField(
        max_length=200, blank=True,
        help_text="Census categories for a census bloc, e.g. 'ethnicity:mixed' or 'ethnicity:black+ethnicity:mixed'.")

    class Meta:
        db_table = "scorecards_organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(standard_grant_pence__gt=0), name="organisation_grant_positive"),
            models.CheckConstraint(condition=Q(lens__in=["swing", "own"]), name="organisation_lens_valid"),
            models.CheckConstraint(condition=Q(bloc_kind__in=["none", "census", "supporters"]),
                                   name="organisation_bloc_kind_valid"),
            models.CheckConstraint(
                condition=(Q(bloc_kind="census") & ~Q(bloc="")) | (~Q(bloc_kind="census") & Q(bloc="")),
                name="organisation_census_bloc_iff_census"),
        ]

    def __str__(self) -> str:
        return self.name
