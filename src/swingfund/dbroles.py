"""Two PostgreSQL roles: the owner, which runs migrations, and the application's role, which does not own the tables.

The ledger's triggers refuse UPDATE and DELETE, but a role that owns a table may also TRUNCATE it (which fires no
row trigger) and drop or disable its triggers. So in production the site and the worker connect as a role that owns
nothing (`DATABASE_URL`), granted only SELECT, INSERT, UPDATE and DELETE on the tables (the triggers still refuse the
last two on the ledger) and the use of their sequences; migrations run as the owner (`DATABASE_OWNER_URL`), through
`swingfund db migrate`, which migrates and then grants (`swingfund db grant` grants alone).

Without `DATABASE_OWNER_URL` (SQLite, or a single-role PostgreSQL set-up) everything runs as the one role, as before.
`as_owner()` switches Django's connection to the owner's credentials for the length of a block (the same server
and database, only the role changes); the whole-database `flush` between transactional tests and the migrations
use it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import dj_database_url
from django.db import connections

OWNER_KEY = "OWNER"  # settings.DATABASES["default"]["OWNER"]: {"USER": …, "PASSWORD": …} when a separate owner is set
IN_TRANSACTION = ("Switching to the owner's role needs a new connection, so it cannot happen inside a transaction "
                  "(in a test, use transactional_db).")
NOT_SAME_SERVER = ("DATABASE_OWNER_URL must name the same PostgreSQL server as DATABASE_URL, with the owner's role: "
                   "{owner} vs {app}.")


def owner_settings(*, app: dict, owner_url: str) -> dict[str, str]:
    """The owner's credentials from `DATABASE_OWNER_URL`, refused unless it names the same server. (The database is
    DATABASE_URL's: a test run or a scratch database renames it, and the owner follows.)"""
    owner = dj_database_url.parse(owner_url)
    same = [str(owner.get(k) or "") == str(app.get(k) or "") for k in ("ENGINE", "HOST", "PORT")]
    if not all(same):
        where = lambda d: f"{d.get('HOST')}:{d.get('PORT')}"  # noqa: E731
        raise ValueError(NOT_SAME_SERVER.format(owner=where(owner), app=where(app)))
    return {"USER": owner["USER"], "PASSWORD": owner.get("PASSWORD") or ""}


def has_owner(alias: str = "default") -> bool:
    connection = connections[alias]
    return connection.vendor == "postgresql" and bool(connection.settings_dict.get(OWNER_KEY))


@contextlib.contextmanager
def as_owner(alias: str = "default") -> Iterator[None]:
    """Run the block as the owner role (a new connection); afterwards the application's role again. Must not be
    entered inside a transaction: the connection is closed and reopened."""
    connection = connections[alias]
    if not has_owner(alias):
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError(IN_TRANSACTION)
    settings_dict = connection.settings_dict
    app = {"USER": settings_dict["USER"], "PASSWORD": settings_dict["PASSWORD"]}
    connection.close()
    settings_dict.update(settings_dict[OWNER_KEY])
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(app)


# The ledger's and the committee's chains: their append-only triggers refuse UPDATE and DELETE whoever writes.
CHAIN_TABLES = ("funding_ledgertransaction", "funding_entry", "committee_chainlink")
# The signed checkpoints: the application's role may read and add them, and has no right to change or delete one
# (refused before any trigger runs).
CHECKPOINT_TABLES = ("funding_ledgercheckpoint", "committee_recordcheckpoint")
# The chain heads: updated to append (their trigger lets them only move forward), never deleted.
CHAIN_HEADS = ("funding_chainhead", "committee_recordchainhead")


def grant_statements(*, app_role: str, owner_role: str) -> list[str]:
    """What the owner grants the application's role: data, not structure. No TRUNCATE, no REFERENCES, no TRIGGER,
    no ownership (so no ALTER TABLE … DISABLE TRIGGER, no DROP TRIGGER); no UPDATE or DELETE of a signed checkpoint,
    no DELETE of a chain head."""
    role = f'"{app_role}"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        *(f"REVOKE UPDATE, DELETE ON {table} FROM {role}" for table in CHECKPOINT_TABLES),
        *(f"REVOKE DELETE ON {table} FROM {role}" for table in CHAIN_HEADS),
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner_role}" IN SCHEMA public '
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner_role}" IN SCHEMA public '
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]


def grant(*, app_role: str, alias: str = "default") -> list[str]:
    """Grant the application's role its rights, as the owner; returns the statements run."""
    with as_owner(alias):
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner_role = cursor.fetchone()[0]
            statements = grant_statements(app_role=app_role, owner_role=owner_role)
            for sql in statements:
                cursor.execute(sql)
    return statements


def role_problems(alias: str = "default") -> list[str]:
    """Why the connected role could rewrite the ledger's or the committee's history (empty when it cannot): superuser;
    owner of a chain's table, a checkpoint table or a chain head, or holding TRUNCATE on one; holding UPDATE or DELETE
    on a checkpoint table, or DELETE on a chain head; a chain head without the trigger that lets it only move forward
    (so it could be rewound or pointed at a made-up hash). PostgreSQL only."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return []
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone()
        if superuser:
            problems.append(f"role {user} is a superuser")
        for table in (*CHAIN_TABLES, *CHECKPOINT_TABLES, *CHAIN_HEADS):
            cursor.execute("SELECT pg_get_userbyid(relowner) = current_user, has_table_privilege(%s, 'TRUNCATE'), "
                           "has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE') "
                           "FROM pg_class WHERE relname = %s AND relkind = 'r'", [table, table, table, table])
            row = cursor.fetchone()
            if row is None:
                continue  # not migrated yet
            owns, truncate, update, delete = row
            if owns:
                problems.append(f"role {user} owns {table}")
                continue
            if truncate:
                problems.append(f"role {user} may TRUNCATE {table}")
            if update and table in CHECKPOINT_TABLES:
                problems.append(f"role {user} may UPDATE {table}")
            if delete and table in (*CHECKPOINT_TABLES, *CHAIN_HEADS):
                problems.append(f"role {user} may DELETE from {table}")
        for head in CHAIN_HEADS:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r'), "
                           "EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE c.relname = %s AND t.tgname = %s AND t.tgenabled <> 'D')",
                           [head, head, f"{head}_advances_only"])
            exists, guarded = cursor.fetchone()
            if exists and not guarded:
                problems.append(f"{head} has no enabled trigger keeping it moving forward: role {user} could rewind "
                                f"it or point it at a made-up hash")
    return problems
