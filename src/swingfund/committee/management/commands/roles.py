"""Roles per organisation — treasurer, organiser, administrator and committee seats — the committee's voting rule,
invitations by email, and second factors: the command-line twin of the /group/roles/ page.

    swingfund roles list [--organisation SLUG]          # every role held, committee seats and the voting rule too
    swingfund roles grant --user NAME --organisation SLUG --role ROLE    # treasurer, organiser, administrator,
                                                                        # committee_member or chair
    swingfund roles revoke --user NAME --organisation SLUG --role …   # a committee seat is stood down, on the log
    swingfund roles rule --organisation SLUG --quorum 2 [--approve 3 | --approve majority]
    swingfund roles invite --email ann@example.org --organisation SLUG --role … --site https://our.site
    swingfund roles totp --user NAME        # a new TOTP authenticator: prints its otpauth:// URL and a QR code
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from swingfund.accounts import services
from swingfund.accounts.models import OrganisationRole
from swingfund.cliargs import int_range
from swingfund.committee import invitations, selectors
from swingfund.committee import services as committee
from swingfund.committee.invitations import INVITABLE, InvitationError
from swingfund.committee.models import CommitteeMember, CommitteePolicy

NOT_HELD = "{user} was not {role} of {organisation}."
APPROVE_BAD = "--approve must be a whole number from 1 to 100, or 'majority', got {value!r}"


def approvals(text: str) -> int | None:
    import argparse

    if text.strip().lower() == "majority":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(APPROVE_BAD.format(value=text)) from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(APPROVE_BAD.format(value=text))
    return value


class Command(BaseCommand):
    help = "List, grant and revoke roles (committee seats too), set the committee's voting rule, invite by email"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Every role held, per organisation, with committee seats and the rule")
        listing.add_argument("--organisation")
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name.title()} a role in one organisation")
            p.add_argument("--user", required=True)
            p.add_argument("--organisation", required=True)
            p.add_argument("--role", required=True, choices=INVITABLE)
        rule = sub.add_parser("rule", help="Set the committee's voting rule: quorum and N-of-M approvals")
        rule.add_argument("--organisation", required=True)
        rule.add_argument("--quorum", required=True, type=int_range(1, 100), help="members who must vote")
        rule.add_argument("--approve", type=approvals, default=None,
                          help="approvals needed (N of M), or 'majority' (the default)")
        invite = sub.add_parser("invite", help="Email someone a link to choose a password and take a role")
        invite.add_argument("--email", required=True)
        invite.add_argument("--organisation", required=True)
        invite.add_argument("--role", required=True, choices=INVITABLE)
        invite.add_argument("--name", default="")
        invite.add_argument("--site", required=True, help="the site's address for the link, e.g. https://our.site")
        totp = sub.add_parser("totp", help="Create a TOTP authenticator for a user (treasurers need one)")
        totp.add_argument("--user", required=True)

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except (ValueError, InvitationError, committee.CommitteeError) as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def _organisation(slug: str):
        from swingfund.organisations.selectors import organisation_get

        return organisation_get(slug=slug)  # OrganisationError is a ValueError

    def _list(self, options):
        rows = OrganisationRole.objects.select_related("user", "organisation")
        seats = CommitteeMember.objects.filter(active=True).select_related("user", "organisation")
        policies = CommitteePolicy.objects.select_related("organisation")
        if options["organisation"]:
            organisation = self._organisation(options["organisation"])
            rows, seats = rows.filter(organisation=organisation), seats.filter(organisation=organisation)
            policies = policies.filter(organisation=organisation)
        for row in rows:
            self.stdout.write(f"{row.organisation.slug}\t{row.role}\t{row.user.get_username()}")
        for seat in seats.order_by("organisation__slug", "user__username"):
            role = invitations.CHAIR if seat.role == CommitteeMember.Role.CHAIR else invitations.MEMBER
            self.stdout.write(f"{seat.organisation.slug}\t{role}\t{seat.user.get_username()}")
        for policy in policies:
            rule = selectors.policy_for(organisation=policy.organisation)
            approve = rule.approvals_required or "majority"
            self.stdout.write(f"{policy.organisation.slug}\trule\tquorum {rule.quorum}, approve {approve}")

    def _grant(self, options):
        user = services.user_get(username=options["user"])
        org = self._organisation(options["organisation"])
        invitations.role_give(user=user, organisation=org, role=options["role"])
        self.stdout.write(f"{user.get_username()} is {options['role']} of {org.slug}.")

    def _revoke(self, options):
        user = services.user_get(username=options["user"])
        org = self._organisation(options["organisation"])
        if not invitations.role_take(user=user, organisation=org, role=options["role"]):
            raise ValueError(NOT_HELD.format(user=user.get_username(), role=options["role"], organisation=org.slug))
        self.stdout.write(f"{user.get_username()} is no longer {options['role']} of {org.slug}.")

    def _rule(self, options):
        org = self._organisation(options["organisation"])
        policy = committee.policy_set(organisation=org, quorum=options["quorum"], approvals_required=options["approve"])
        approve = policy.approvals_required or "a majority of the members able to vote"
        self.stdout.write(f"{org.slug}: quorum {policy.quorum}, approvals needed: {approve}.")

    def _invite(self, options):
        org = self._organisation(options["organisation"])
        sent = invitations.invitation_send(organisation=org, email=options["email"], role=options["role"],
                                           invited_by=None, link_base=options["site"], name=options["name"])
        self.stdout.write(f"Invitation sent to {options['email']} ({sent.user.get_username()}) as "
                          f"{sent.role_words} of {org.slug}.")

    def _totp(self, options):
        import segno

        device = services.totp_device_create(user=services.user_get(username=options["user"]))
        self.stdout.write(device.config_url)
        qr = segno.make(device.config_url)
        qr.terminal(out=self.stdout, compact=True)
