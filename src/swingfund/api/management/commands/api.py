"""API tokens of organisers and treasurers, each for one role in one organisation, expiring:

    swingfund api token --user NAME --code 123456 [--organisation SLUG --role organiser|treasurer] [--days 90]
    swingfund api token --list [--user NAME]      # id, holder, organisation and role, expiry, last use, uses
    swingfund api token --revoke ID               # (also: swingfund api revoke ID)

A new token is printed once; only its hash is stored. It is issued only after the holder's second factor: --code is
the code their authenticator app shows now (or they issue their own on /workspace/tokens/)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from swingfund.api.services import token_issue, token_list, token_revoke

NEEDS_USER = "Give --user NAME to issue a token (or --list, or --revoke ID)."


class Command(BaseCommand):
    help = "Manage API tokens of organisers and treasurers (gifts: the campaign organisation's treasurer only)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        token = sub.add_parser("token", help="Issue, list or revoke tokens (a new one is printed once).")
        token.add_argument("--user")
        token.add_argument("--code", help="The holder's current second-factor code (their authenticator app)")
        token.add_argument("--organisation", help="Organisation slug the token acts for")
        token.add_argument("--role", choices=["organiser", "treasurer"])
        token.add_argument("--days", type=int, help="Lifetime in days (default SWINGFUND_API_TOKEN_DAYS, or 90)")
        token.add_argument("--label", default="api")
        token.add_argument("--list", action="store_true", help="List tokens (of --user, if given)")
        token.add_argument("--revoke", type=int, metavar="ID", help="Revoke the token with this id")
        revoke = sub.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **o):
        try:
            if o["action"] == "revoke" or o.get("revoke") is not None:
                row = token_revoke(token_id=o["id"] if o["action"] == "revoke" else o["revoke"])
                self.stdout.write(f"Token {row.pk} revoked ({row.label}, {row.user}).")
            elif o["list"]:
                self._list(o["user"])
            else:
                self._issue(o)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _issue(self, o) -> None:
        from swingfund.organisations.selectors import organisation_get

        if not o["user"]:
            raise ValueError(NEEDS_USER)
        org = organisation_get(slug=o["organisation"]) if o["organisation"] else None  # else: the user's own role
        raw, row = token_issue(username=o["user"], code=o["code"] or "", label=o["label"], organisation=org,
                               role=o["role"], days=o["days"])
        self.stdout.write(f"Token {row.pk} for {row.user} as {row.role} of {row.organisation.slug}, expires "
                          f"{row.expires_at:%Y-%m-%d %H:%M} UTC: {raw}\nSend it as 'Authorization: Bearer <token>'.")

    def _list(self, username: str | None) -> None:
        now = timezone.now()
        rows = list(token_list(username=username))
        if not rows:
            self.stdout.write("No API tokens.")
        for row in rows:
            if row.revoked_at:
                state = f"revoked {row.revoked_at:%Y-%m-%d}"
            elif row.expires_at is None or row.expires_at <= now:
                state = "expired"
            elif row.organisation_id is None:
                state = "no organisation (issue a new one)"
            else:
                state = "live"
            used = f"last used {row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
            where = f"{row.role} of {row.organisation.slug}" if row.organisation_id else "-"
            expires = f"expires {row.expires_at:%Y-%m-%d}" if row.expires_at else "no expiry"
            self.stdout.write(f"{row.pk}\t{row.user}\t{where}\t{row.label}\tissued {row.created_at:%Y-%m-%d}\t"
                              f"{expires}\t{used}, {row.use_count} uses\t{state}")
