"""Invitations by email: the group's administrator names a person and a role; the person follows the link in the
email, chooses a password (and, for a role that moves money or hands out roles, sets up an authenticator), and holds
the role.

The link carries a signed token (`django.core.signing`, salted for this purpose) naming the person, the group and
the role. It is:

* **signed**: changing any part of it (another role, another group) breaks the signature;
* **expiring**: refused after `INVITATION_DAYS` days;
* **single-use**: it also carries a fingerprint of the person's password and last sign-in, so once the password is
  set the same link no longer matches (as Django's password-reset tokens do).

A new person gets an account with no usable password until they accept. The email goes through Django's email
backend, from the group's own sender.

This sits at the committee's level because a committee seat is one of the roles it grants; the other roles are
granted by `accounts.services.role_grant`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils.crypto import salted_hmac

from swingfund.accounts import services as accounts
from swingfund.accounts.roles import ADMINISTRATOR, ORGANISER, SECOND_FACTOR_ROLES, TREASURER
from swingfund.committee import services as committee
from swingfund.committee.models import CommitteeMember
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults

INVITATION_DAYS = 7
SALT = "swingfund.invitation"
CHAIR = "chair"
MEMBER = "committee_member"
# What an invitation can make someone, in the order the roles page offers them, with the words the email uses.
ROLE_WORDS = {
    TREASURER: "treasurer",
    ORGANISER: "organiser",
    MEMBER: "committee member",
    CHAIR: "committee chair",
    ADMINISTRATOR: "administrator",
}
INVITABLE = tuple(ROLE_WORDS)

INVITATION_BAD = "This invitation link is not valid: it may have been mistyped. Ask for a new invitation."
INVITATION_EXPIRED = f"This invitation has expired (links last {INVITATION_DAYS} days). Ask for a new invitation."
INVITATION_USED = "This invitation has already been used. Sign in with your password, or ask for a new invitation."
ROLE_UNKNOWN = "Unknown role {role!r}: invite as one of " + ", ".join(INVITABLE) + "."
EMAIL_BAD = "{email!r} is not an email address."
PASSWORDS_DIFFER = "The two passwords differ."
CODE_WRONG = "That code does not match the authenticator: check the app's clock and type the current code."

SUBJECT = "{organisation}: you are invited as {role}"
BODY = """\
Hello{name},

{inviter} has invited you to be {role} of {organisation} on its swingfund site.

To accept, choose your password here (the link works once, for {days} days):

{link}

Your username is: {username}

If you were not expecting this, ignore this email: nothing happens until the link is used.

{organisation}
"""


class InvitationError(ValueError):
    """A refused invitation or acceptance; the message says why and is safe to show."""


@dataclass(frozen=True)
class Invitation:
    user: AbstractBaseUser
    organisation: Organisation
    role: str

    @property
    def role_words(self) -> str:
        return ROLE_WORDS[self.role]

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES


def _fingerprint(user: AbstractBaseUser) -> str:
    last = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None).isoformat()
    return salted_hmac(SALT, f"{user.pk}:{user.password}:{last}").hexdigest()[:24]


def invitation_token(*, user: AbstractBaseUser, organisation: Organisation, role: str) -> str:
    """The signed, expiring, single-use token of an invitation (the last part of its link)."""
    if role not in INVITABLE:
        raise InvitationError(ROLE_UNKNOWN.format(role=role))
    return signing.dumps({"u": user.pk, "o": organisation.pk, "r": role, "f": _fingerprint(user)}, salt=SALT,
                         compress=True)


def invitation_read(*, token: str) -> Invitation:
    """The invitation a token stands for, or InvitationError saying why it is refused (bad, expired, used)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=INVITATION_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise InvitationError(INVITATION_EXPIRED) from None
    except signing.BadSignature:
        raise InvitationError(INVITATION_BAD) from None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    organisation = Organisation.objects.filter(pk=data.get("o")).first()
    if user is None or organisation is None or data.get("r") not in INVITABLE:
        raise InvitationError(INVITATION_BAD)
    if data.get("f") != _fingerprint(user):
        raise InvitationError(INVITATION_USED)
    return Invitation(user=user, organisation=organisation, role=data["r"])


def _username_for(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[:140] or "member"
    users = get_user_model().objects
    candidate, n = base, 1
    while users.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def invitation_send(*, organisation: Organisation, email: str, role: str, invited_by: AbstractBaseUser | None,
                    link_base: str, name: str = "") -> Invitation:
    """Email `email` an invitation to be `role` of `organisation`; `link_base` is the site's address
    (e.g. https://leedsfairvote.org). Makes an account without a usable password for a new address; an existing
    account keeps its username and is asked to choose a new password."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    if role not in INVITABLE:
        raise InvitationError(ROLE_UNKNOWN.format(role=role))
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationError(EMAIL_BAD.format(email=email)) from None
    with transaction.atomic():
        user = get_user_model().objects.filter(email__iexact=email).order_by("id").first()
        if user is None:
            user = accounts.user_create(username=_username_for(email), email=email, password=None, first_name=name)
        token = invitation_token(user=user, organisation=organisation, role=role)
    identity = organisation_defaults(organisation=organisation)
    inviter = (invited_by.get_full_name() or invited_by.get_username()) if invited_by is not None else identity.name
    words = ROLE_WORDS[role]
    body = BODY.format(name=f" {name.strip()}" if name.strip() else "", inviter=inviter, role=words,
                       organisation=identity.name, days=INVITATION_DAYS, username=user.get_username(),
                       link=f"{link_base.rstrip('/')}/group/invitation/{token}/")
    # The Message-ID names the group's own mail domain, not this machine's host name (often "localhost").
    domain = identity.sender_email.rpartition("@")[2] or None
    EmailMessage(subject=SUBJECT.format(organisation=identity.name, role=words), body=body,
                 from_email=identity.sender_email, to=[email],
                 headers={"Message-ID": make_msgid(domain=domain)}).send()
    return Invitation(user=user, organisation=organisation, role=role)


def role_give(*, user: AbstractBaseUser, organisation: Organisation, role: str,
              actor: AbstractBaseUser | None = None) -> None:
    """Give `user` one of the invitable roles: a committee seat (member or chair) through the committee's services
    (on its public change log), the others as an `OrganisationRole`."""
    if role not in INVITABLE:
        raise InvitationError(ROLE_UNKNOWN.format(role=role))
    if role in (MEMBER, CHAIR):
        seat_role = CommitteeMember.Role.CHAIR if role == CHAIR else CommitteeMember.Role.MEMBER
        committee.member_add(organisation=organisation, user=user, role=seat_role, actor=actor)
    else:
        accounts.role_grant(user=user, organisation=organisation, role=role,
                            by=actor.get_username() if actor is not None else "")


def role_take(*, user: AbstractBaseUser, organisation: Organisation, role: str,
              actor: AbstractBaseUser | None = None) -> bool:
    """Take a role back: a committee seat is stood down (its history stays on the change log); other roles are
    removed. False when the person did not hold it."""
    if role in (MEMBER, CHAIR):
        seat = CommitteeMember.objects.filter(organisation=organisation, user=user, active=True).first()
        if seat is None:
            return False
        committee.member_update(member=seat, role=seat.role, active=False, actor=actor)
        return True
    if role not in INVITABLE:
        raise InvitationError(ROLE_UNKNOWN.format(role=role))
    return bool(accounts.role_revoke(user=user, organisation=organisation, role=role))


def invitation_accept(*, token: str, password: str, password_again: str, totp_key: str = "",
                      totp_code: str = "") -> Invitation:
    """Accept an invitation: set the password (Django's password validators apply), set up the authenticator when
    the role needs a second factor (`totp_key` hex, confirmed by `totp_code`), and give the role. All or nothing;
    the token cannot be used again afterwards."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError
    from django_otp.oath import TOTP

    with transaction.atomic():
        invitation = invitation_read(token=token)
        user = get_user_model().objects.select_for_update().get(pk=invitation.user.pk)
        if _fingerprint(user) != _fingerprint(invitation.user):
            raise InvitationError(INVITATION_USED)
        if password != password_again:
            raise InvitationError(PASSWORDS_DIFFER)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise InvitationError(" ".join(error.messages)) from None
        if invitation.needs_second_factor:
            try:
                totp = TOTP(bytes.fromhex(totp_key))
            except ValueError:
                raise InvitationError(CODE_WRONG) from None
            codes = set()
            for drift in (-1, 0, 1):
                totp.drift = drift
                codes.add(totp.token())
            if not totp_code.strip().isdigit() or int(totp_code.strip()) not in codes:
                raise InvitationError(CODE_WRONG)
            accounts.totp_device_create(user=user, key=totp_key)
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        role_give(user=user, organisation=invitation.organisation, role=invitation.role, actor=None)
    return Invitation(user=user, organisation=invitation.organisation, role=invitation.role)
