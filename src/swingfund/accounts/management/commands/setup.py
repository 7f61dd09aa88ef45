"""`swingfund setup`: create your group and its first administrator, without knowing Django.

Asked question by question (each with its default in brackets), or answered by flags for a script:

    swingfund setup
    swingfund setup --no-input --name "Leeds Fair Vote" --address "1 Park Row, Leeds, LS1 5AB" \\
        --sender hello@leedsfairvote.org --bloc-kind none \\
        --admin-username amina --admin-email amina@leedsfairvote.org --admin-password-file pw.txt

Everything is checked before anything is written: a bad answer prints a message naming the field and exits with
status 2, and the database is left as it was. The administrator signs in at /accounts/login/, gives a code from the
authenticator app set up here (the otpauth:// link and QR code printed at the end), and from /group/settings/ keeps
the group's profile, invites the treasurer, organisers and committee, and writes the statements.
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from swingfund.accounts import services
from swingfund.accounts.models import OrganisationRole
from swingfund.organisations.models import BlocKind, Lens
from swingfund.organisations.services import OrganisationInvalid, organisation_create

# Each field: (option, organisation or user field, question, default)
FIELDS = [
    ("name", "name", "Your group's name", ""),
    ("address", "address", "Postal address for imprints (commas between lines)", ""),
    ("slug", "slug", "Short name for links (lower-case letters, digits, hyphens)", ""),
    ("sender", "sender_email", "Address your group's email is sent from", ""),
    ("election", "default_election", "Election you work on (Democracy Club id; empty: the latest imported)", ""),
    ("lens", "lens", "Lens: swing or own", Lens.SWING),
    ("bloc_kind", "bloc_kind", "Whom you count per seat: none, census or supporters", BlocKind.NONE),
    ("bloc", "bloc", "Census categories of the bloc (e.g. ethnicity:mixed), only for a census bloc", ""),
    ("admin_username", "username", "Administrator's username", ""),
    ("admin_email", "email", "Administrator's email", ""),
]
OPTION_OF = {field: option for option, field, _, _ in FIELDS} | {"password": "admin_password"}
NO_PASSWORD = "no password given: use --admin-password-file FILE or --admin-password-stdin with --no-input"
PASSWORD_FILE_UNREADABLE = "cannot read the password file {path}: {error}"
BOTH_PASSWORD_SOURCES = "give the password one way: --admin-password-file or --admin-password-stdin, not both"
FAILED = "Nothing was written. Fix the field(s) above and run `swingfund setup` again."
DONE = """\
Set up {name} ({slug}).
Administrator: {username} <{email}>. Sign in at /accounts/login/ (start the site with `swingfund serve`).
Second factor: add this account to an authenticator app (scan the QR code, or enter the link):
{otpauth}"""


class Command(BaseCommand):
    help = "Create your group (name, address, sender, defaults) and its first administrator"

    def add_arguments(self, parser):
        parser.add_argument("--name", help="the group's name, e.g. 'Leeds Fair Vote'")
        parser.add_argument("--address", help="postal address for imprints and notices; commas between lines")
        parser.add_argument("--slug", help="short name used in links (default: from the name)")
        parser.add_argument("--sender", help="the address the group's email is sent from")
        parser.add_argument("--election", help="Democracy Club id of the election you work on (default: the latest)")
        parser.add_argument("--lens", help="swing (default) or own")
        parser.add_argument("--bloc-kind", help="none (default: target on statements), census, or supporters")
        parser.add_argument("--bloc", help="census categories for a census bloc, e.g. 'ethnicity:mixed'")
        parser.add_argument("--admin-username", help="the first administrator's username")
        parser.add_argument("--admin-email", help="the first administrator's email")
        parser.add_argument("--admin-password-file", help="read the administrator's password from this file")
        parser.add_argument("--admin-password-stdin", action="store_true",
                            help="read the administrator's password from standard input (one line)")
        parser.add_argument("--no-input", action="store_false", dest="interactive",
                            help="ask nothing: take every answer from the flags (for scripts)")

    def handle(self, *args, **options):
        answers = {field: options.get(option) for option, field, _, _ in FIELDS}
        if options["interactive"]:
            answers = self._ask(answers)
        for option, field, _, default in FIELDS:
            if answers.get(field) is None:
                answers[field] = default
        if field_address := answers.get("address"):
            answers["address"] = "\n".join(p.strip() for p in field_address.replace(",", "\n").split("\n")
                                           if p.strip())
        password = self._password(options)
        errors = services.user_problems(username=answers["username"], email=answers["email"], password=password)
        user = None
        try:
            with transaction.atomic():
                organisation = organisation_create(
                    name=answers["name"] or "", address=answers["address"] or "", slug=answers["slug"] or "",
                    sender_email=answers["sender_email"], default_election=answers["default_election"],
                    lens=answers["lens"], bloc_kind=answers["bloc_kind"], bloc=answers["bloc"])
                if errors:
                    raise OrganisationInvalid({})
                user = services.user_create(username=answers["username"], email=answers["email"], password=password)
                services.role_grant(user=user, organisation=organisation, role=OrganisationRole.Role.ADMINISTRATOR,
                                    by="swingfund setup")
                device = services.totp_device_create(user=user)
        except OrganisationInvalid as error:
            errors = error.errors | errors
        if errors:
            for field, message in errors.items():
                self.stderr.write(f"--{OPTION_OF.get(field, field).replace('_', '-')}: {message}")
            raise CommandError(FAILED, returncode=2)
        self.stdout.write(DONE.format(name=organisation.name, slug=organisation.slug, username=user.get_username(),
                                      email=user.email, otpauth=device.config_url))
        if options["interactive"]:
            import segno

            segno.make(device.config_url).terminal(out=self.stdout, compact=True)

    def _ask(self, answers: dict) -> dict:
        out = dict(answers)
        for option, field, question, default in FIELDS:
            if out.get(field) is not None:
                continue
            if field == "bloc" and (out.get("bloc_kind") or BlocKind.NONE) != BlocKind.CENSUS:
                out[field] = ""
                continue
            suggestion = default
            if field == "slug" and out.get("name"):
                from django.utils.text import slugify

                suggestion = slugify(out["name"])[:80]
            shown = f" [{suggestion}]" if suggestion else ""
            reply = input(f"{question}{shown}: ").strip()
            out[field] = reply or suggestion
        return out

    def _password(self, options) -> str | None:
        if options["admin_password_file"] and options["admin_password_stdin"]:
            raise CommandError(BOTH_PASSWORD_SOURCES, returncode=2)
        if options["admin_password_file"]:
            try:
                with open(options["admin_password_file"], encoding="utf-8") as handle:
                    return handle.readline().rstrip("\r\n")
            except OSError as error:
                raise CommandError(PASSWORD_FILE_UNREADABLE.format(path=options["admin_password_file"],
                                                                   error=error.strerror), returncode=2) from None
        if options["admin_password_stdin"]:
            return sys.stdin.readline().rstrip("\r\n")
        if options["interactive"]:
            while True:
                first = getpass.getpass("Administrator's password: ")
                if first == getpass.getpass("The same password again: "):
                    return first
                self.stderr.write("The two passwords differ; try again.")
        raise CommandError(NO_PASSWORD, returncode=2)
