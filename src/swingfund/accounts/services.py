"""Granting and revoking roles, and second factors: keyword-only functions called by the admin and `swingfund roles`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from swingfund.accounts.models import OrganisationRole
from swingfund.accounts.roles import COMMITTEE_MEMBER, UNKNOWN_ROLE

GRANTED_HERE = ("Only treasurer, organiser and administrator are granted here; a committee seat is given by the "
                "committee's services.")
GRANTABLE = tuple(OrganisationRole.Role.values)
TOTP_NAME = "swingfund"


def role_grant(*, user, organisation, role: str, by: str = "") -> OrganisationRole:
    if role == COMMITTEE_MEMBER:
        raise ValueError(GRANTED_HERE)
    if role not in GRANTABLE:
        raise ValueError(UNKNOWN_ROLE.format(role=role))
    with transaction.atomic():
        grant, _ = OrganisationRole.objects.get_or_create(user=user, organisation=organisation, role=role,
                                                          defaults={"granted_by": by})
    return grant


def role_revoke(*, user, organisation, role: str) -> int:
    deleted, _ = OrganisationRole.objects.filter(user=user, organisation=organisation, role=role).delete()
    return deleted


def totp_device_create(*, user, name: str = TOTP_NAME, key: str | None = None):
    """A confirmed TOTP device (RFC 6238, 30 s steps, 6 digits) for `user`; its `config_url` is the otpauth:// URL
    an authenticator app scans. Replaces any earlier device of that name. `key` (hex): a secret the person's app
    already holds (they confirmed it with a code); by default a new random one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, name=name).delete()
        extra = {"key": key} if key else {}
        return TOTPDevice.objects.create(user=user, name=name, confirmed=True, **extra)


def user_get(*, username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise ValueError(f"No user called {username!r}.") from None


USERNAME_REQUIRED = "The administrator needs a username."
USERNAME_TAKEN = "The username {username!r} is already taken; choose another."
USERNAME_BAD = "The username {username!r} may hold only letters, digits and @ . + - _ (at most 150 characters)."
EMAIL_REQUIRED = "An email address is needed: invitations and password resets are sent to it."
EMAIL_BAD = "{email!r} is not an email address."
PASSWORD_REQUIRED = "A password is needed (at least 8 characters, not a common one)."


def user_problems(*, username: str, email: str, password: str | None) -> dict[str, str]:
    """What is wrong with a new user's username, email and password (None: no password to check yet), per field,
    in words a volunteer can act on. Writes nothing."""
    from django.contrib.auth import password_validation
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    errors: dict[str, str] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = USERNAME_REQUIRED
    else:
        try:
            UnicodeUsernameValidator()(username)
            if len(username) > 150:
                raise ValidationError("too long")
        except ValidationError:
            errors["username"] = USERNAME_BAD.format(username=username)
        else:
            if get_user_model().objects.filter(username__iexact=username).exists():
                errors["username"] = USERNAME_TAKEN.format(username=username)
    email = (email or "").strip()
    if not email:
        errors["email"] = EMAIL_REQUIRED
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = EMAIL_BAD.format(email=email)
    if password is not None:
        if not password:
            errors["password"] = PASSWORD_REQUIRED
        else:
            try:
                password_validation.validate_password(password, get_user_model()(username=username, email=email))
            except ValidationError as error:
                errors["password"] = " ".join(error.messages)
    return errors


class UserInvalid(ValueError):
    """A new user's fields are wrong: `errors` maps each field (username, email, password) to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def user_create(*, username: str, email: str, password: str | None, first_name: str = ""):
    """A person who signs in. `password=None` makes an account with no usable password yet (an invited person sets
    it from the link in their email). Refuses (UserInvalid, nothing written) on a bad field."""
    errors = user_problems(username=username, email=email, password=password)
    if errors:
        raise UserInvalid(errors)
    with transaction.atomic():
        return get_user_model().objects.create_user(username.strip(), email.strip(), password,
                                                     first_name=first_name.strip())
