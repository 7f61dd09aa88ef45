"""`swingfund api token --user NAME [--label L]` issues a token for the write endpoints (shown once);
`swingfund api revoke ID` revokes one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from swingfund.api.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Manage API tokens of organisers and treasurers (gifts: the campaign organisation's treasurer only)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        token = sub.add_parser("token", help="Issue a token (printed once; only its hash is stored).")
        token.add_argument("--user", required=True)
        token.add_argument("--label", default="api")
        revoke = sub.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **o):
        if o["action"] == "token":
            try:
                raw, row = token_create(username=o["user"], label=o["label"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Token {row.pk} for {row.user}: {raw}\nSend it as 'Authorization: Bearer <token>'.")
        else:
            token_revoke(token_id=o["id"])
            self.stdout.write(f"Token {o['id']} revoked.")
