"""CSV import of an existing supporter list: only rows carrying consent evidence come in.

Columns: first_name, last_name, email, phone, postcode, language, tags (`;`-separated) and the evidence:
consent_special_at, consent_email_at, consent_whatsapp_at (ISO 8601 times), consent_version, consent_source,
optionally consent_wording (the words shown, when not our current version), email_confirmed_at (when the
person confirmed by a link; without it an imported email waits for double opt-in like a web sign-up) and
phone_confirmed_at (when the number's owner confirmed it; without it the number receives nothing). A field holding
a NUL byte, or a time in the future (year 9999, a consent not yet given), refuses its line.

All or nothing by default: any refused row (named by its line) means nothing is imported. With
`skip_refused=True` the good rows come in and the refused ones are listed.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from swingfund.elections.importers.postcodes import normalise_postcode
from swingfund.elections.models import Postcode
from swingfund.elections.selectors import POSTCODE
from swingfund.organisations.models import Organisation
from swingfund.outreach import consent, errors, suppression
from swingfund.outreach.bulk import datetime_adapter, rows_insert
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.models import Consent, Purpose, Supporter, Tag
from swingfund.outreach.services import BOUNDARY_SET, _contact_check, new_referral_code, new_token

REQUIRED = ("first_name", "postcode", "consent_special_at", "consent_version", "consent_source")
CHANNEL_COLUMNS = {Purpose.EMAIL: "consent_email_at", Purpose.WHATSAPP: "consent_whatsapp_at"}
CHUNK = 5000
# When the person confirmed the address or the number themselves (a link clicked, a code or reply from the number).
# Without it an imported email waits for double opt-in, and an imported number for its owner, like a web sign-up.
CONFIRMED_COLUMNS = ("email_confirmed_at", "phone_confirmed_at")
CLOCK_SKEW = timedelta(minutes=5)  # a time this little ahead of ours is a clock's error, not an impossible date


@dataclass
class ImportReport:
    imported: int = 0
    refused: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _when(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


@functools.lru_cache(maxsize=64)
def _wording(purpose: str, name: str) -> str:
    return consent.wording_for(purpose=purpose, name=name)


def supporters_import(
    *, organisation: Organisation, text: str, file_name: str, skip_refused: bool = False
) -> ImportReport:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing or not {"email", "phone"} & set(reader.fieldnames or []):
        raise OutreachRefusal(errors.CSV_MISSING_COLUMNS.format(columns=", ".join(missing or ["email or phone"])))
    rows = list(reader)
    keys = {normalise_postcode(r.get("postcode") or "") for r in rows}
    lookup: dict[str, tuple[int, bool]] = {}
    key_list = [k for k in keys if POSTCODE.match(k)]
    for start in range(0, len(key_list), CHUNK):
        for pc, seat, gone in Postcode.objects.filter(
            boundary_set=BOUNDARY_SET, postcode__in=key_list[start : start + CHUNK]
        ).values_list("postcode", "constituency_id", "terminated"):
            lookup[pc] = (seat, gone)
    existing = Supporter.objects.filter(organisation=organisation)
    seen_email = {e.lower() for e in existing.exclude(email="").values_list("email", flat=True)}
    seen_phone = set(existing.exclude(phone="").values_list("phone", flat=True))
    blocked = suppression.digests(organisation=organisation)  # people erased at their request: never re-added
    report = ImportReport()
    accepted: list[tuple[tuple, list[tuple], list[str]]] = []
    now = timezone.now()
    adapt = datetime_adapter()
    for line, row in enumerate(rows, start=2):
        try:
            accepted.append(_row(organisation, row, line, file_name, lookup, seen_email, seen_phone, now, adapt,
                                 blocked))
        except OutreachRefusal as exc:
            text = str(exc)
            refusal = text if text.startswith("line ") else errors.CSV_ROW_REFUSED.format(line=line, reason=text)
            report.refused.append(refusal)
    if report.refused and not skip_refused:
        raise OutreachRefusal("nothing imported:\n" + "\n".join(report.refused))
    _store(organisation=organisation, accepted=accepted, now=now)
    report.imported = len(accepted)
    return report


def _checked_when(row: dict, column: str, line: int, now: datetime) -> datetime | None:
    """A time from the file, refused (by line) when it lies in the future: consent cannot have been given, nor an
    address or number confirmed, after the import (year 9999 included)."""
    when = _when(row.get(column) or "")
    if when is not None and when > now + CLOCK_SKEW:
        raise OutreachRefusal(errors.CSV_IMPOSSIBLE_DATE.format(line=line, column=column, value=row[column].strip()))
    return when


def _row(organisation, row, line, file_name, lookup, seen_email, seen_phone, now, adapt, blocked):
    for column, value in row.items():
        if any("\x00" in v for v in ([value] if isinstance(value, str) else value or [])):
            raise OutreachRefusal(errors.CSV_NUL.format(line=line, column=column or "(extra)"))
    evidence = {Purpose.SPECIAL_CATEGORY: _checked_when(row, "consent_special_at", line, now)}
    for purpose, column in CHANNEL_COLUMNS.items():
        evidence[purpose] = _checked_when(row, column, line, now)
    confirmed = {column: _checked_when(row, column, line, now) for column in CONFIRMED_COLUMNS}
    missing = []
    if evidence[Purpose.SPECIAL_CATEGORY] is None:
        missing.append("consent_special_at")
    if not any(evidence[p] for p in CHANNEL_COLUMNS):
        missing.append("consent_email_at or consent_whatsapp_at")
    if not (row.get("consent_source") or "").strip():
        missing.append("consent_source")
    version = (row.get("consent_version") or "").strip()
    if not version:
        missing.append("consent_version")
    if missing:
        raise OutreachRefusal(errors.CSV_NO_CONSENT_EVIDENCE.format(line=line, missing=", ".join(missing)))
    wording_given = (row.get("consent_wording") or "").strip()
    if not wording_given and version != consent.VERSION:
        raise OutreachRefusal(
            errors.CSV_NO_CONSENT_EVIDENCE.format(line=line, missing=f"consent_wording for version {version!r}")
        )
    given = {p for p, when in evidence.items() if when}
    email, phone = _contact_check(
        email=row.get("email") or "", phone=row.get("phone") or "", consents=given,
        language=(row.get("language") or "en").strip() or "en",
    )  # fmt: skip
    key = normalise_postcode(row.get("postcode") or "")
    if key not in lookup:
        raise OutreachRefusal(f"{row.get('postcode')!r} is not a postcode in the {BOUNDARY_SET} lookup")
    seat, gone = lookup[key]
    if gone:
        raise OutreachRefusal(errors.POSTCODE_TERMINATED.format(postcode=row.get("postcode")))
    for kind, value in (("email", email), ("phone", phone)):
        if blocked and value and (kind, suppression.digest(kind=kind, value=value)) in blocked:
            raise OutreachRefusal(errors.SUPPRESSED.format(what=suppression.Suppression.Kind(kind).label))
    if email and email.lower() in seen_email:
        raise OutreachRefusal(errors.ALREADY_SIGNED_UP.format(what="email address"))
    if phone and phone in seen_phone:
        raise OutreachRefusal(errors.ALREADY_SIGNED_UP.format(what="mobile number"))
    seen_email.add(email.lower())
    seen_phone.add(phone)
    source = f"{file_name} line {line}: {row['consent_source'].strip()}"[:200]
    supporter = (
        organisation.pk, row["first_name"].strip() or "friend", (row.get("last_name") or "").strip(), email, phone,
        key, seat, (row.get("language") or "en").strip() or "en",
        adapt(confirmed["email_confirmed_at"]), adapt(confirmed["phone_confirmed_at"] if phone else None), new_token(),
        new_referral_code(), "csv import", adapt(now),
    )  # fmt: skip
    name = consent.speaker(organisation=organisation)
    consents = [(p, wording_given or _wording(p, name), version, source, adapt(evidence[p])) for p in sorted(given)]
    tags = [t.strip() for t in (row.get("tags") or "").split(";") if t.strip()]
    return supporter, consents, tags


SUPPORTER_COLUMNS = ("organisation_id", "first_name", "last_name", "email", "phone", "postcode", "constituency_id",
                     "language", "email_confirmed_at", "phone_confirmed_at", "token", "referral_code", "source",
                     "created_at")  # fmt: skip
CONSENT_COLUMNS = ("supporter_id", "purpose", "wording", "version", "source", "given_at", "withdrawn_via")


@transaction.atomic
def _store(*, organisation: Organisation, accepted: list, now: datetime) -> None:
    """All accepted rows in one transaction, below the ORM (see `bulk`)."""
    rows_insert(model=Supporter, columns=SUPPORTER_COLUMNS, rows=[a[0] for a in accepted])
    ids = dict(Supporter.objects.filter(organisation=organisation, created_at=now, source="csv import")
               .values_list("token", "pk"))  # fmt: skip
    token = SUPPORTER_COLUMNS.index("token")
    rows_insert(model=Consent, columns=CONSENT_COLUMNS, rows=[
        (ids[s[token]], *c, "") for s, consents, _t in accepted for c in consents
    ])  # fmt: skip
    tags: dict[str, Tag] = {}
    links = []
    for supporter, _c, row_tags in accepted:
        for name in row_tags:
            if name not in tags:
                tags[name] = Tag.objects.get_or_create(organisation=organisation, name=name)[0]
            links.append(Supporter.tags.through(supporter_id=ids[supporter[token]], tag_id=tags[name].pk))
    Supporter.tags.through.objects.bulk_create(links, batch_size=4000)
