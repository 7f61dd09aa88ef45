"""Reads of a group's identity and defaults. The one place every page, command, email and notice asks
"who is speaking, and what do they look at first?" — never settings, never a literal in code.

- `organisation_current(host=…)`: the group a request or command speaks for. A site that serves several groups
  picks the one whose `host` matches the request; a site with one group serves that group.
- `organisation_defaults(organisation=…)`: the group's defaults (election, lens, bloc or none) and its identity
  (imprint, sender, privacy contact, giving details), with the deployment's fallbacks where the group left a
  field empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from swingfund.elections.models import Election

from .models import BlocKind, Lens, Organisation

NO_ORGANISATION = "No organisation is set up yet: run `swingfund setup` to create your group."
UNKNOWN_ORGANISATION = "No organisation {slug!r}. Organisations: {known}."
WHICH_ORGANISATION = "There are {n} organisations ({known}): say which with --organisation SLUG."


class OrganisationError(ValueError):
    pass


@dataclass(frozen=True)
class Giving:
    """How to give without a card: shown on campaign pages when the group has filled it in."""

    account_name: str = ""
    sort_code: str = ""
    account_number: str = ""
    cheque_payee: str = ""
    cheque_address: str = ""

    @property
    def offered(self) -> bool:
        return bool((self.account_name and self.sort_code and self.account_number)
                    or (self.cheque_payee and self.cheque_address))


@dataclass(frozen=True)
class GroupDefaults:
    """A group's identity and defaults, as every caller reads them.

    `bloc` is the census bloc expression when `bloc_kind` is census, else "". `election_id` is the group's default
    election, else the latest election in the database that is not notional ("" when none is imported yet).
    """

    slug: str
    name: str
    legal_name: str
    address: str
    sender_email: str
    privacy_contact: str
    election_id: str
    lens: str
    bloc_kind: str
    bloc: str
    demo: bool
    giving: Giving = field(default_factory=Giving)

    @property
    def has_census_bloc(self) -> bool:
        return self.bloc_kind == BlocKind.CENSUS and bool(self.bloc)

    @property
    def counts_supporters(self) -> bool:
        return self.bloc_kind == BlocKind.SUPPORTERS

    @property
    def address_line(self) -> str:
        """The postal address on one line, as an imprint prints it."""
        return address_line(self.address)

    @property
    def imprint(self) -> str:
        """The imprint (Elections Act 2022 Part 6): promoter's name and postal address. Empty when the group has not
        given an address yet: callers refuse to publish material without one."""
        return imprint_text(name=self.legal_name or self.name, address=self.address)


def address_line(address: str) -> str:
    """A postal address (one line per line) on one line, as an imprint prints it."""
    return ", ".join(part.strip() for part in (address or "").replace("\r", "").split("\n") if part.strip())


def imprint_text(*, name: str, address: str) -> str:
    """"Promoted by <name>, <address>." — or "" without an address (callers refuse to publish then)."""
    line = address_line(address)
    return f"Promoted by {name}, {line}." if line else ""


def organisation_imprint(*, organisation: Organisation | None) -> str:
    """The group's imprint from its row alone (no query: for code that renders one message per supporter)."""
    if organisation is None:
        return ""
    return imprint_text(name=organisation.legal_name or organisation.name, address=organisation.address)


def organisation_sender(*, organisation: Organisation | None) -> str:
    """The address the group's email goes from: its own sender, else the deployment's fallback (may be "")."""
    own = organisation.sender_email if organisation is not None else ""
    return own or settings.DEFAULT_FROM_EMAIL


def latest_election_id() -> str:
    """The most recent non-notional election in the database (by polling day), or "" when none is imported."""
    election = Election.objects.filter(notional=False).order_by("-poll_date", "-id").first()
    return election.id if election else ""


def organisation_current(*, host: str | None = None) -> Organisation | None:
    """The group this request or command speaks for: the one whose `host` matches, else the only group without a
    host of its own (lowest id first), else None when no group is set up."""
    organisations = Organisation.objects.order_by("id")
    if host:
        name = host.split(":", 1)[0].lower()
        matched = organisations.filter(host__iexact=name).first()
        if matched is not None:
            return matched
    return organisations.filter(Q(host="")).first() or (None if host else organisations.first())


def organisation_get(*, slug: str | None = None) -> Organisation:
    """The group a command acts for: the one named by `slug`; without a slug, the only group set up. Never a guess:
    with no group, or several and no slug, or an unknown slug, raises `OrganisationError` naming the groups there
    are (a supporter list imported into the wrong group is personal data given to another controller)."""
    organisations = list(Organisation.objects.order_by("slug"))  # a deployment has a handful of groups
    named = [o for o in organisations if o.slug == slug] if slug else organisations
    if len(named) == 1:
        return named[0]
    known = ", ".join(o.slug for o in organisations) or "none"
    if slug:
        raise OrganisationError(UNKNOWN_ORGANISATION.format(slug=slug, known=known))
    if not organisations:
        raise OrganisationError(NO_ORGANISATION)
    raise OrganisationError(WHICH_ORGANISATION.format(n=len(organisations), known=known))


def organisations_visible(*, own: Organisation | None):
    """The groups a page served for `own` (the request's group) may name: `own`, and the groups without a host of
    their own. A group with its own host is shown on that host only."""
    return Organisation.objects.filter(Q(host="") | Q(pk=own.pk if own else None)).order_by("name")


def organisation_defaults(*, organisation: Organisation | None) -> GroupDefaults:
    """The group's defaults and identity. Without an organisation (nothing set up yet): an unnamed group with no
    bloc, the latest election and the deployment's sender, so that pages still render and say what to do."""
    if organisation is None:
        return GroupDefaults(
            slug="", name="", legal_name="", address="", sender_email=settings.DEFAULT_FROM_EMAIL, privacy_contact="",
            election_id=latest_election_id(), lens=Lens.SWING, bloc_kind=BlocKind.NONE, bloc="", demo=False,
        )
    census = organisation.bloc_kind == BlocKind.CENSUS
    return GroupDefaults(
        slug=organisation.slug,
        name=organisation.name,
        legal_name=organisation.legal_name,
        address=organisation.address,
        sender_email=organisation_sender(organisation=organisation),
        privacy_contact=organisation.privacy_contact or organisation.sender_email,
        election_id=organisation.default_election or latest_election_id(),
        lens=organisation.lens if organisation.lens in (Lens.SWING, Lens.OWN) else Lens.SWING,
        bloc_kind=organisation.bloc_kind,
        bloc=organisation.bloc if census else "",
        demo=organisation.demo,
        giving=Giving(
            account_name=organisation.bank_account_name, sort_code=organisation.bank_sort_code,
            account_number=organisation.bank_account_number, cheque_payee=organisation.cheque_payee,
            cheque_address=organisation.cheque_address,
        ),
    )


def group_defaults(*, host: str | None = None) -> GroupDefaults:
    """The defaults of the group this request or command speaks for (`organisation_current`)."""
    return organisation_defaults(organisation=organisation_current(host=host))
