"""Supporters, what they consented to, segments, messages and their deliveries.

A supporter record holds contact details and a constituency; never religion, ethnicity or any similar field
(the special-category consent records only that the person agreed to the processing signing up implies).
A delivery moves READY → SENDING → SENT / FAILED (or CANCELLED when consent went away first); every transition
guards its source state in the UPDATE itself (HackSoft's email status machine).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Channel(models.TextChoices):
    EMAIL = "email", "email"
    WHATSAPP = "whatsapp", "WhatsApp"


class Purpose(models.TextChoices):
    EMAIL = "email", "email messages"
    WHATSAPP = "whatsapp", "WhatsApp messages"
    SPECIAL_CATEGORY = "special", "special-category processing (UK GDPR Article 9(2)(a))"


class Tag(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="outreach_tag_unique")]

    def __str__(self) -> str:
        return self.name


class Supporter(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="supporters")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +447700900123")
    postcode = models.CharField(max_length=8, blank=True, help_text="Uppercase, no spaces")
    constituency = models.ForeignKey("elections.Constituency", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8, default="en")
    tags = models.ManyToManyField(Tag, blank=True, related_name="supporters")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The mobile number's owner confirmed it (the one-time code of the first WhatsApp template message, typed in
    # or replied): until then the number receives nothing but that message.
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    phone_code_hash = models.CharField(max_length=64, blank=True, db_default="", help_text="HMAC of the one-time code")
    phone_code_sent_at = models.DateTimeField(null=True, blank=True)
    phone_code_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    phone_code_message_id = models.CharField(max_length=200, blank=True, db_default="",
                                             help_text="the confirmation's wamid")
    token = models.CharField(max_length=43, unique=True, help_text="Secret for confirm/unsubscribe links")
    referral_code = models.CharField(max_length=12, unique=True)
    referred_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=20, default="web")
    created_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="", phone="") | Q(erased_at__isnull=False), name="supporter_has_contact"
            ),
            models.UniqueConstraint(  # one person per address, whatever the case of its letters
                "organisation", Lower("email"), condition=~Q(email=""), name="supporter_email_unique_ci"
            ),
            models.UniqueConstraint(
                fields=["organisation", "phone"], condition=~Q(phone=""), name="supporter_phone_unique"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "constituency"])]

    def __str__(self) -> str:
        return f"supporter #{self.pk}"


class Consent(models.Model):
    """One consent given (and perhaps withdrawn): the exact words shown, their version, when and where."""

    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    wording = models.TextField()
    version = models.CharField(max_length=20)
    source = models.CharField(max_length=200, help_text="web form, CSV file and line, API …")
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_via = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supporter", "purpose"], condition=Q(withdrawn_at__isnull=True), name="consent_one_live"
            ),
            models.CheckConstraint(condition=~Q(wording=""), name="consent_wording_present"),
        ]


class Segment(models.Model):
    class Basis(models.TextChoices):
        TARGETS = "targets", "a targets run"
        DECISIONS = "decisions", "the committee's decisions"
        LIST = "list", "a hand-picked list"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    basis = models.CharField(max_length=10, choices=Basis.choices)
    basis_note = models.CharField(max_length=300, blank=True)
    constituencies = models.ManyToManyField("elections.Constituency", related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    language = models.CharField(max_length=8, blank=True, help_text="Blank: every language")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        APPROVED = "approved", "approved"
        QUEUED = "queued", "queued"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="messages")
    election = models.ForeignKey(
        "elections.Election", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=120)
    whatsapp_template = models.CharField(max_length=120, blank=True, help_text="Approved WhatsApp template name")
    pledge_ask = models.BooleanField(default=False, help_text="Ask the reader to pledge to vote")
    donate_url = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    send_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("author")),
                name="message_second_organiser_approves",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Translation(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "language"], name="translation_one_per_language")]


class Delivery(models.Model):
    class Status(models.TextChoices):
        READY = "ready", "ready"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        CANCELLED = "cancelled", "cancelled (consent withdrawn)"

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="deliveries")
    supporter = models.ForeignKey(Supporter, null=True, on_delete=models.SET_NULL, related_name="deliveries")
    constituency = models.ForeignKey("elections.Constituency", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    provider_status = models.CharField(max_length=20, blank=True, help_text="delivered / read, from webhooks")
    cost_pence = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "supporter"], name="delivery_once_per_supporter"),
        ]
        indexes = [models.Index(fields=["channel", "status", "next_attempt_at"])]


class DeliveryEvent(models.Model):
    """The delivery log: one row per attempt or status change."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20)
    detail = models.CharField(max_length=300, blank=True)


class Pledge(models.Model):
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="pledges")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="pledges")
    will_vote = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supporter", "message"], name="pledge_once")]


class Suppression(models.Model):
    """A contact erased at the person's request, kept only as a keyed hash (HMAC-SHA256 of the normalised email
    address or E.164 number) so that no import or sign-up adds them back; no name, address or number is stored."""

    class Kind(models.TextChoices):
        EMAIL = "email", "email address"
        PHONE = "phone", "mobile number"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    digest = models.CharField(max_length=64, help_text="HMAC-SHA256 (hex) of the normalised contact")
    reason = models.CharField(max_length=60, default="erased at the person's request")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "digest"], name="suppression_unique"),
        ]

    def __str__(self) -> str:
        return f"suppressed {self.kind} {self.digest[:8]}…"
