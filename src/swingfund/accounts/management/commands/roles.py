"""Roles per organisation, and second factors.

    swingfund roles list [--organisation SLUG]
    swingfund roles grant --user NAME --organisation SLUG --role treasurer|organiser
    swingfund roles revoke --user NAME --organisation SLUG --role treasurer|organiser
    swingfund roles totp --user NAME        # a new TOTP authenticator: prints its otpauth:// URL and a QR code
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from swingfund.accounts import services
from swingfund.accounts.models import OrganisationRole

GRANTABLE = [c for c, _ in OrganisationRole.Role.choices]


class Command(BaseCommand):
    help = "List, grant and revoke roles per organisation; set up a TOTP second factor"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Every role held, per organisation")
        listing.add_argument("--organisation")
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name.title()} a role in one organisation")
            p.add_argument("--user", required=True)
            p.add_argument("--organisation", required=True)
            p.add_argument("--role", required=True, choices=GRANTABLE)
        totp = sub.add_parser("totp", help="Create a TOTP authenticator for a user (treasurers need one)")
        totp.add_argument("--user", required=True)

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValueError as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def _organisation(slug: str):
        from swingfund.organisations.models import Organisation

        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise ValueError(f"No organisation with slug {slug!r}.") from None

    def _list(self, options):
        rows = OrganisationRole.objects.select_related("user", "organisation")
        if options["organisation"]:
            rows = rows.filter(organisation=self._organisation(options["organisation"]))
        for row in rows:
            self.stdout.write(f"{row.organisation.slug}\t{row.role}\t{row.user.get_username()}")

    def _grant(self, options):
        user = services.user_get(username=options["user"])
        org = self._organisation(options["organisation"])
        services.role_grant(user=user, organisation=org, role=options["role"], by="swingfund roles")
        self.stdout.write(f"{user.get_username()} is {options['role']} of {org.slug}.")

    def _revoke(self, options):
        user = services.user_get(username=options["user"])
        org = self._organisation(options["organisation"])
        removed = services.role_revoke(user=user, organisation=org, role=options["role"])
        if not removed:
            raise ValueError(f"{user.get_username()} was not {options['role']} of {org.slug}.")
        self.stdout.write(f"{user.get_username()} is no longer {options['role']} of {org.slug}.")

    def _totp(self, options):
        import segno

        device = services.totp_device_create(user=services.user_get(username=options["user"]))
        self.stdout.write(device.config_url)
        qr = segno.make(device.config_url)
        qr.terminal(out=self.stdout, compact=True)
