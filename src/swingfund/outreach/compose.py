"""Rendering a message for one supporter: placeholders filled, the imprint appended (always, last, unaltered).

Placeholders: {first_name} {seat} {candidate} {reason} {polling_day} {donate_link} {pledge_link}
{unsubscribe_link}. The imprint (Elections Act 2022 s.41; the Electoral Commission's statutory guidance lists
WhatsApp direct messages as digital material) is built from the sending group's name and postal address (its
organisation row) and is not part of the editable text: a template containing the imprint's words is refused so
nobody edits a copy. A group without a postal address cannot render material at all.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass

from django.utils import formats

from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_imprint
from swingfund.outreach import errors
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.languages import direction

PLACEHOLDERS = (
    "first_name", "seat", "candidate", "reason", "polling_day", "donate_link", "pledge_link", "unsubscribe_link",
)  # fmt: skip


def imprint(*, organisation: Organisation | None) -> str:
    """The group's imprint; refuses (OutreachRefusal) while the group has no postal address."""
    text = organisation_imprint(organisation=organisation)
    if not text:
        raise OutreachRefusal(errors.IMPRINT_ADDRESS_MISSING)
    return text


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str  # with the imprint as its final paragraph
    language: str
    direction: str


# A placeholder may carry a plain width with an optional fill and alignment (`{first_name:<20}`), no larger than
# `errors.PLACEHOLDER_MAX_WIDTH`: nothing else (no conversion, nested field, precision or grouping), so that a
# template of bounded length renders to a bounded message.
PLACEHOLDER_SPEC = re.compile(r"^(?:[^{}]?[<>^])?(?P<width>\d{1,6})?$")


def template_check(*, text: str) -> None:
    """Refuse unknown placeholders, formats beyond a small width, over-long text and any attempt to carry an
    imprint inside the editable text."""
    if len(text) > errors.TEMPLATE_MAX_CHARS:
        raise OutreachRefusal(errors.TEMPLATE_TOO_LONG.format(limit=errors.TEMPLATE_MAX_CHARS))
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:  # an unmatched brace
        raise OutreachRefusal(f"The message has a stray brace: {exc}.") from None
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise OutreachRefusal(errors.UNKNOWN_PLACEHOLDER.format(name=name, choices=", ".join(PLACEHOLDERS)))
        shape = PLACEHOLDER_SPEC.match(spec or "")
        if conversion or shape is None or int(shape["width"] or 0) > errors.PLACEHOLDER_MAX_WIDTH:
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise OutreachRefusal(errors.PLACEHOLDER_FORMAT.format(field=written, name=name,
                                                                   width=errors.PLACEHOLDER_MAX_WIDTH))
    if "promoted by" in text.casefold():
        raise OutreachRefusal(errors.IMPRINT_REMOVED)


def render(*, subject: str, body: str, language: str, values: dict[str, str],
           organisation: Organisation | None) -> Rendered:
    template_check(text=subject + body)
    closing = imprint(organisation=organisation)
    filled = {name: values.get(name, "") for name in PLACEHOLDERS}
    text = body.format(**filled).rstrip()
    return Rendered(
        subject=subject.format(**filled), body=f"{text}\n\n{closing}", language=language,
        direction=direction(language),
    )


def content_hash(*, message) -> str:
    """What an approval covers: the segment, channel, template name and every translation's words."""
    parts = [str(message.segment_id), message.whatsapp_template, str(message.pledge_ask), message.donate_url]
    for t in message.translations.order_by("language"):
        parts += [t.language, t.subject, t.body]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def polling_day_text(message) -> str:
    day = message.election.poll_date if message.election_id else None
    return formats.date_format(day, "j F Y") if day else ""
