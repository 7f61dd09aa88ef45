"""Refusals the outreach app gives, as message texts tests import."""

from __future__ import annotations


class OutreachRefusal(ValueError):
    """A request the law or the data does not allow; the message says why and what to do."""


NO_CONTACT = "Give an email address or a mobile number, so we can reach you."
BAD_PHONE = "{phone!r} is not a valid mobile number; write it with the country code, e.g. +44 7911 123456."
BAD_EMAIL = "{email!r} is not a valid email address."
POSTCODE_TERMINATED = "{postcode!r} is no longer in use (the ONS postcode directory marks it terminated)."
NO_SPECIAL_CONSENT = (
    "We cannot sign you up without your explicit consent to our processing data that may reveal your political "
    "opinions or religious beliefs (UK GDPR Article 9(2)(a)). Tick the box to give it."
)
NO_CHANNEL_CONSENT = "Choose at least one way for us to contact you (email or WhatsApp) and tick its consent box."
CHANNEL_WITHOUT_CONTACT = "You ticked {channel} consent but gave no {what}."
ALREADY_SIGNED_UP = "This {what} is already signed up."
SUPPRESSED = (
    "This {what} belongs to someone erased at their request and is on the suppression list (UK GDPR Article 17 and "
    "21): they are not added again."
)
UNKNOWN_LANGUAGE = "{language!r} is not a language we write in ({choices})."
CSV_MISSING_COLUMNS = "the CSV file lacks the column(s) {columns}"
CSV_NO_CONSENT_EVIDENCE = (
    "line {line}: no consent evidence ({missing}); a list may only be imported with each person's recorded consent"
)
CSV_ROW_REFUSED = "line {line}: {reason}"
SELF_APPROVAL = "A second organiser must approve this message: its author cannot approve it."
NOT_APPROVED = "This message is not approved, so it cannot be sent."
STALE_APPROVAL = "The message changed after it was approved; approve it again."
IMPRINT_ADDRESS_MISSING = (
    "The group has no postal address yet, and the law requires one in the imprint of everything it sends "
    "(Elections Act 2022 s.41): an administrator adds it on the settings page or with `swingfund setup`."
)
NO_SENDER = (
    "The group has no sender address and the site no fallback (SWINGFUND_FROM_EMAIL): an administrator sets the "
    "group's sender on the settings page or with `swingfund setup`."
)
IMPRINT_REMOVED = "The imprint is added by the software and cannot be removed or edited."
UNKNOWN_PLACEHOLDER = "Unknown placeholder {{{name}}}; use one of: {choices}."
NO_TRANSLATION = "The message has no {language} translation."
SEGMENT_EMPTY = "The segment names no constituency."
WHATSAPP_NEEDS_TEMPLATE = "A WhatsApp message to supporters must use an approved template name."
PLACEHOLDER_MAX_WIDTH = 40
PLACEHOLDER_FORMAT = (
    "The placeholder {{{field}}} asks for a format we do not allow: write {{{name}}}, or pad it to a width of at "
    "most {width} characters, e.g. {{{name}:<20}}."
)
TEMPLATE_MAX_CHARS = 20_000
TEMPLATE_TOO_LONG = "The message is too long: at most {limit:,} characters for the subject and body together."
PHONE_CODE_REFUSED = (
    "That code is not right for that number, or it has expired. Check the WhatsApp message we sent, or reply to it."
)
ALREADY_ON_THE_LIST_SUBJECT = "Someone asked to sign you up again"
CSV_NUL = "line {line}: the {column} column holds a NUL byte"
CSV_IMPOSSIBLE_DATE = "line {line}: {column} {value!r} is an impossible date (in the future)"
