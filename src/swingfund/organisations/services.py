"""Writes of an organisation's profile and defaults. Each function checks everything before it writes, so a refused
change writes nothing, and says what is wrong in words a volunteer can act on."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from swingfund.elections.models import DemographicStat, Election

from .models import BlocKind, Lens, Organisation

NAME_REQUIRED = "The group needs a name."
SLUG_TAKEN = "The short name {slug!r} is already used by another organisation; choose another."
SLUG_BAD = "The short name {slug!r} may hold only lower-case letters, digits and hyphens."
ADDRESS_REQUIRED = ("The group needs a postal address: UK law requires it on the imprint of published material "
                    "(Elections Act 2022, s.41-s.44).")
EMAIL_BAD = "{field} {value!r} is not an email address."
SENDER_LOCALHOST = "The sender {value!r} is on localhost: mail from it will not be delivered. Use the group's domain."
ELECTION_UNKNOWN = ("No election {value!r} in the database. Import or create it first (`swingfund data import`), or "
                    "leave the default election empty.")
LENS_BAD = "The lens must be 'swing' or 'own', not {value!r}."
BLOC_KIND_BAD = "The bloc must be 'none', 'census' or 'supporters', not {value!r}."
BLOC_NEEDS_CATEGORIES = ("A census bloc needs at least one census category (e.g. 'ethnicity:mixed'); choose 'none' or "
                         "'supporters' to target without one.")
BLOC_TERM_BAD = "{term!r} is not a census category: write topic:category, e.g. 'ethnicity:mixed'."
BLOC_TERM_UNKNOWN = "{term!r} is not a census category in the imported census files. Available: {available}."
BLOC_ONLY_FOR_CENSUS = "Census categories are set only for a census bloc (the bloc is {kind!r})."
SORT_CODE_BAD = "The sort code {value!r} must be six digits, e.g. 12-34-56."
ACCOUNT_NUMBER_BAD = "The account number {value!r} must be eight digits."
GRANT_BAD = "The standard grant must be a whole number of pence above zero, not {value!r}."

TERM_RE = re.compile(r"^([a-z0-9_]+):([a-z0-9_]+)$")
PROFILE_FIELDS = (
    "name", "legal_name", "address", "sender_email", "privacy_contact", "host", "bank_account_name",
    "bank_sort_code", "bank_account_number", "cheque_payee", "cheque_address", "default_election", "lens",
    "bloc_kind", "bloc", "standard_grant_pence", "publishes_committee_names",
)


class OrganisationInvalid(ValueError):
    """One or more fields are wrong: `errors` maps each field to its message (the form shows them beside it)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def census_categories() -> set[str]:
    """The census categories present in the imported files (`ethnicity:black`, `religion:buddhist`, …)."""
    pairs = DemographicStat.objects.exclude(topic="population").values_list("topic", "category").distinct()
    return {f"{topic}:{category}" for topic, category in pairs}


def _normalise_bloc(text: str) -> str:
    return "+".join(t.strip().lower() for t in re.split(r"[+,]", text or "") if t.strip())


def _validate(values: dict, *, instance: Organisation | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = NAME_REQUIRED
    slug = values.get("slug", "")
    if slug and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        errors["slug"] = SLUG_BAD.format(slug=slug)
    elif slug and Organisation.objects.filter(slug=slug).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["slug"] = SLUG_TAKEN.format(slug=slug)
    if not (values.get("address") or "").strip():
        errors["address"] = ADDRESS_REQUIRED
    sender = (values.get("sender_email") or "").strip()
    if sender:
        try:
            validate_email(sender)
        except ValidationError:
            errors["sender_email"] = EMAIL_BAD.format(field="The sender", value=sender)
        else:
            if sender.rpartition("@")[2].lower() in ("localhost", "localhost.localdomain", "127.0.0.1"):
                errors["sender_email"] = SENDER_LOCALHOST.format(value=sender)
    election = (values.get("default_election") or "").strip()
    if election and not Election.objects.filter(id=election).exists():
        errors["default_election"] = ELECTION_UNKNOWN.format(value=election)
    if values.get("lens", Lens.SWING) not in Lens.values:
        errors["lens"] = LENS_BAD.format(value=values.get("lens"))
    kind = values.get("bloc_kind", BlocKind.NONE)
    bloc = _normalise_bloc(values.get("bloc", ""))
    if kind not in BlocKind.values:
        errors["bloc_kind"] = BLOC_KIND_BAD.format(value=kind)
    elif kind == BlocKind.CENSUS:
        if not bloc:
            errors["bloc"] = BLOC_NEEDS_CATEGORIES
        else:
            available = census_categories()
            for term in bloc.split("+"):
                if not TERM_RE.match(term):
                    errors["bloc"] = BLOC_TERM_BAD.format(term=term)
                    break
                if term not in available:
                    listing = ", ".join(sorted(available)) or "none (import the census files first)"
                    errors["bloc"] = BLOC_TERM_UNKNOWN.format(term=term, available=listing)
                    break
    elif bloc:
        errors["bloc"] = BLOC_ONLY_FOR_CENSUS.format(kind=kind)
    sort_code = re.sub(r"[\s-]", "", values.get("bank_sort_code") or "")
    if sort_code and not re.fullmatch(r"\d{6}", sort_code):
        errors["bank_sort_code"] = SORT_CODE_BAD.format(value=values.get("bank_sort_code"))
    account = re.sub(r"\s", "", values.get("bank_account_number") or "")
    if account and not re.fullmatch(r"\d{8}", account):
        errors["bank_account_number"] = ACCOUNT_NUMBER_BAD.format(value=values.get("bank_account_number"))
    grant = values.get("standard_grant_pence", 100_000)
    if not isinstance(grant, int) or isinstance(grant, bool) or grant <= 0:
        errors["standard_grant_pence"] = GRANT_BAD.format(value=grant)
    return errors


def _clean(values: dict) -> dict:
    out = dict(values)
    for key in ("name", "legal_name", "sender_email", "privacy_contact", "host", "bank_account_name",
                "cheque_payee", "default_election"):
        if key in out and isinstance(out[key], str):
            out[key] = out[key].strip()
    if "host" in out:
        out["host"] = out["host"].lower()
    if "bloc" in out:
        out["bloc"] = _normalise_bloc(out["bloc"])
    if out.get("bank_sort_code"):
        digits = re.sub(r"[\s-]", "", out["bank_sort_code"])
        out["bank_sort_code"] = f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}"
    if out.get("bank_account_number"):
        out["bank_account_number"] = re.sub(r"\s", "", out["bank_account_number"])
    return out


def organisation_create(*, name: str, address: str, slug: str = "", **profile) -> Organisation:
    """Create a group with its profile. Refuses (OrganisationInvalid, nothing written) on any bad field."""
    unknown = set(profile) - set(PROFILE_FIELDS) - {"demo"}
    if unknown:
        raise TypeError(f"organisation_create() got unknown fields: {', '.join(sorted(unknown))}")
    values = {"lens": Lens.SWING, "bloc_kind": BlocKind.NONE, "bloc": "", "standard_grant_pence": 100_000,
              **profile, "name": name, "address": address, "slug": slug or slugify(name)[:80]}
    errors = _validate(values, instance=None)
    if errors:
        raise OrganisationInvalid(errors)
    with transaction.atomic():
        return Organisation.objects.create(**_clean(values))


def organisation_update(*, organisation: Organisation, **changes) -> Organisation:
    """Change a group's profile or defaults. Refuses (OrganisationInvalid, nothing written) on any bad field."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"organisation_update() got unknown fields: {', '.join(sorted(unknown))}")
    values = {name: getattr(organisation, name) for name in PROFILE_FIELDS}
    values.update(changes)
    if values.get("bloc_kind") != BlocKind.CENSUS and "bloc" not in changes:
        values["bloc"] = ""
    errors = _validate(values, instance=organisation)
    if errors:
        raise OrganisationInvalid(errors)
    cleaned = _clean(values)
    with transaction.atomic():
        for name in PROFILE_FIELDS:
            setattr(organisation, name, cleaned[name])
        organisation.save()
    return organisation
