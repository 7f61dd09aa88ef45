"""Shared fixtures. Official files come from SWINGFUND_DATA (CI sets it to ../shared/data)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.fixtures.official import *  # noqa: F403  (session fixtures over the official files)

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def official_data_dir() -> Path:
    """The folder of official files. A missing folder is a set-up error, never a silent skip."""
    value = os.environ.get("SWINGFUND_DATA")
    if not value:
        raise RuntimeError("SWINGFUND_DATA is not set: point it at the folder of official files (../shared/data).")
    path = Path(value)
    if not path.is_dir():
        raise RuntimeError(f"SWINGFUND_DATA={value} is not a folder")
    return path


SLOW_KINDS = ("browser", "crash")  # every test of these kinds is also `slow`


def pytest_collection_modifyitems(config, items):  # after pytest-django's (tryfirst): it keeps that order per file
    """A test that drives Chromium (asks for `page`) is a browser test; browser and crash tests are slow, so that
    `pytest -m "not slow"` leaves them out. Other slow tests (real server or worker processes, whole-command runs)
    carry `@pytest.mark.slow` themselves."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
    # The files that hold slow tests go first: pytest-xdist hands out whole files in this order, so the long ones
    # start at once on every worker and the short ones fill in after, instead of one worker finishing a 40-second
    # test alone at the end.
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: the order within each file is kept


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashes():
    """Users made inside the test process get MD5 hashes, not Django's 1,000,000-round PBKDF2 (a quarter of a
    second each; the demo's committee alone makes three). Commands run as subprocesses (the from-scratch, set-up and
    serve tests) keep the real settings, so the production hasher is still what they exercise."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def static_files_listed_once():
    """WhiteNoise lists and stats every static file each time Django builds its middleware, and the test client
    builds the middleware once per `Client()`: 29 ms each, a third of the permission matrix's time. In a test
    process the list is made once per configuration (static URL, apps, finders' folders) and shared; the files it
    serves, and their headers, are the same. A server run by a test in its own process still lists its own."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self) -> None:
        key = (self.static_prefix, tuple(settings.INSTALLED_APPS), tuple(map(str, settings.STATICFILES_DIRS)),
               tuple(settings.STATICFILES_FINDERS), self.max_age, self.autorefresh)
        if key not in listed:
            before = dict(self.files)
            original(self)
            listed[key] = {url: found for url, found in self.files.items() if before.get(url) is not found}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


@pytest.fixture(autouse=True)
def cache_forgotten():
    """Each test starts with nothing cached (swingfund/caching.py): no result or page in this process's memory, and
    none of what earlier tests put in the shared cache."""
    from swingfund import caching

    caching.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that used the database has been torn down: if its teardown flushed the tables (a transactional
    test), the session's official rows are put back at once, committed (tests/fixtures/official.py). Otherwise
    every later `official_db` test of the process finds them gone and copies them back inside its own transaction,
    which its rollback throws away: a restore per test, 1.3 s each on PostgreSQL by the end of a run, where each
    rolled-back copy also leaves its rows behind as dead tuples (millions of them, with autovacuum off)."""
    yield
    if nextitem is None or not (item.get_closest_marker("django_db") or "_django_db_helper" in item.fixturenames):
        return  # the last test of the process (the test database is gone by now), or one without the database
    from pytest_django.plugin import blocking_manager_key

    from tests.fixtures.official import official_loaded, official_restore

    with item.config.stash[blocking_manager_key].unblock():
        if not official_loaded():
            official_restore()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's `admin_client`, with the second factor the admin asks of every administrator."""
    from tests.accounts.helpers import admin_verified

    return admin_verified(client, admin_user)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return official_data_dir()


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium driven by Playwright. A missing browser fails the test, never skips it."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("SWINGFUND_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        raise RuntimeError(f"Chromium not found at {executable}: install Debian's chromium (.ci/run does).")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def run_database() -> tuple[str, str]:
    """The kind of database this test run uses ("sqlite" or "postgres") and DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    return ("postgres" if url.startswith(("postgres://", "postgresql://")) else "sqlite"), url


@pytest.fixture
def scratch_url():
    """A fresh, empty database of the kind this test run uses (a SQLite file, or a new PostgreSQL database next to
    the test database), for a server running in its own process: for tests whose subject is the first run on an
    empty database (it migrates). Any other test takes `migrated_scratch_url`."""
    from swingfund.testing import loadtest

    kind, url = run_database()
    with loadtest.scratch_database(kind, postgres_url=url) as scratch:
        yield scratch


# --- Migrated templates: a fresh database of the current schema in a moment, not a migration each time -----------
# Migrating an empty database takes 10-30 s (Django renders the state of 112 migrations). A test that needs a fresh
# database of the current schema, but whose subject is not the first run on an empty database, gets a copy of a
# template instead: migrated once per test session by the product's own `swingfund db migrate`, in a subprocess, by
# the first pytest-xdist worker that asks (under a file lock; the others wait for it, then copy). The folder is made
# by the controller (or the only process) before the workers start, and removed at the end of the session with
# every PostgreSQL template of the session (`_templates_remove`).

TEMPLATES_ENV = "SWINGFUND_TEST_TEMPLATES"  # the session's folder of templates, inherited by the workers


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist starts the workers (its own sessionstart is trylast)
def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, or a run without workers: one folder a session
        import tempfile

        os.environ[TEMPLATES_ENV] = tempfile.mkdtemp(prefix="swingfund-templates-")


def _postgres_templates_prefix(folder: str | Path) -> str:
    """This session's PostgreSQL templates are named after its folder, so that its end finds every one of them (a
    half-built one too)."""
    import hashlib

    return "swingfund_template_" + hashlib.sha256(str(folder).encode()).hexdigest()[:12] + "_"


class DatabaseTemplates:
    """The session's migrated templates, one per kind of database, built on first use and shared between
    processes: SQLite, a read-only file (its path); PostgreSQL, a template database (its name)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, str] = {}

    def get(self, kind: str) -> str:
        if kind not in self.known:
            self.known[kind] = self._shared(kind)
        return self.known[kind]

    def _shared(self, kind: str) -> str:
        import fcntl

        from swingfund.testing import loadtest

        fingerprint = loadtest.migrations_fingerprint()[:16]  # keyed by the migrations' contents
        stem = self.folder / f"{kind}-{fingerprint}"
        with Path(f"{stem}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released on close, or if this process dies while building
            ready = Path(f"{stem}.ready")
            if ready.exists():
                return ready.read_text()
            _, url = run_database()
            name = _postgres_templates_prefix(self.folder) + fingerprint
            if kind != "sqlite":  # a build that died half-way left it behind
                loadtest.template_drop(kind, name, postgres_url=url)
            template = loadtest.template_database(kind, folder=stem, postgres_url=url, name=name)
            ready.write_text(template)
            return template


def _templates_remove() -> list[str]:
    """At the end of the session (in the controller): drop this session's PostgreSQL templates and remove the
    folder. Returns what could not be removed, each with the reason."""
    import shutil

    folder = os.environ.get(TEMPLATES_ENV, "")
    if not folder or not Path(folder).is_dir():
        return []
    left: list[str] = []
    kind, url = run_database()
    if kind == "postgres" and any(Path(folder).glob("postgres-*.lock")):  # one was asked for
        import psycopg

        from swingfund.testing import loadtest

        prefix = _postgres_templates_prefix(folder)
        try:
            with psycopg.connect(loadtest.postgres_admin_url(url), autocommit=True) as conn:
                names = [row[0] for row in conn.execute(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]).fetchall()]
            for name in names:
                loadtest.template_drop(kind, name, postgres_url=url)
        except psycopg.Error as error:
            left.append(f"PostgreSQL template database(s) {prefix}*: {error}")
    try:
        shutil.rmtree(folder)
    except OSError as error:
        left.append(f"{folder}: {error}")
    return left


@pytest.fixture(scope="session")
def database_templates() -> DatabaseTemplates:
    folder = os.environ.get(TEMPLATES_ENV, "")
    if not folder or not Path(folder).is_dir():
        raise RuntimeError(f"{TEMPLATES_ENV} names no folder: tests/conftest.py's pytest_sessionstart makes it")
    return DatabaseTemplates(Path(folder))


@pytest.fixture
def migrated_scratch_url(database_templates):
    """A fresh database of the current schema, of the kind this test run uses, for commands or a server in their
    own process: a copy of the session's migrated template (a SQLite file, or a PostgreSQL database made with
    `CREATE DATABASE … TEMPLATE`), dropped afterwards. Tests whose subject is the first run take `scratch_url`."""
    from swingfund.testing import loadtest

    kind, url = run_database()
    template = database_templates.get(kind)
    with loadtest.scratch_database(kind, postgres_url=url, template=template) as scratch:
        yield scratch


@pytest.fixture
def migrated_sqlite_file(database_templates):
    """`copy(path)`: puts at `path` a SQLite database of the current schema, as `swingfund` leaves
    `$SWINGFUND_HOME/swingfund.sqlite3` after its first run (a copy of the session's SQLite template, made even when
    the run uses PostgreSQL), and returns the path. For tests that run the product on its default SQLite file."""
    from swingfund.testing import loadtest

    template = database_templates.get("sqlite")

    def copy(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        return loadtest.sqlite_copy(template, path)

    return copy


# --- PostgreSQL: the tests run as the application's role, which owns nothing (see swingfund/dbroles.py) -----------
# The owner (DATABASE_OWNER_URL, else DATABASE_URL's role) creates and migrates the test database and flushes it
# between transactional tests; every test then connects as a role granted data rights only, as the site does in
# production: no TRUNCATE, no trigger changes. Without DATABASE_OWNER_URL an application role named after the test
# database is created for the run (DATABASE_URL's role needs CREATEROLE, as the dev server's and CI's have).


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from django.db import connections

    from swingfund import dbroles

    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "swingfund.dbsqlite":
        # pytest-xdist: pytest-django names a per-worker test database for any engine but its own SQLite one; ours
        # (dbsqlite/) is SQLite too, and its test database lives in each worker's memory, private to the process.
        settings_dict.setdefault("TEST", {})["NAME"] = None
    owner = settings_dict.get(dbroles.OWNER_KEY)
    if owner:  # set up as the owner; django_db_setup below switches to the application's role
        app = {"USER": settings_dict["USER"], "PASSWORD": settings_dict["PASSWORD"]}
        settings_dict.update(owner)
        settings_dict["_APP"] = app


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's set-up (as the owner), then on PostgreSQL the switch to the application's role, then the
    official files imported once for the session (tests/fixtures/official.py, whose own `django_db_setup` this
    replaces)."""
    import secrets

    from django.db import connections

    from swingfund import dbroles
    from tests.fixtures.official import (
        flush_keeps_intact_official_rows,
        official_import,
        official_mark,
        official_snapshot_take,
    )

    connection = connections["default"]
    if connection.vendor != "postgresql":
        with django_db_blocker.unblock():
            official_import()
            official_snapshot_take()
        yield
        return
    settings_dict = connection.settings_dict
    owner = {"USER": settings_dict["USER"], "PASSWORD": settings_dict["PASSWORD"]}
    app = settings_dict.pop("_APP", None)
    with django_db_blocker.unblock():
        _autovacuum_off(connection)
        if app is None:
            app = {"USER": f"{settings_dict['NAME']}_app", "PASSWORD": secrets.token_hex(16)}
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app["USER"]])
                verb = "ALTER" if cursor.fetchone() else "CREATE"
                cursor.execute(f'{verb} ROLE "{app["USER"]}" LOGIN NOSUPERUSER PASSWORD %s', [app["PASSWORD"]])
        settings_dict[dbroles.OWNER_KEY] = owner
        settings_dict.update(app)
        dbroles.grant(app_role=app["USER"])
        connection.close()
        official_import()
        with dbroles.as_owner(), connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's figures for the official rows, kept all session (see above)
        official_snapshot_take()
        official_mark()
    with flush_keeps_intact_official_rows():
        yield
    connection.close()
    settings_dict.update(owner)
    settings_dict.pop(dbroles.OWNER_KEY, None)
    with django_db_blocker.unblock():
        _end_sessions_left_on(connection)


def _autovacuum_off(connection) -> None:
    """No autovacuum on the test database's tables (run as their owner, before the switch to the application's
    role). Each test's rollback or flush leaves dead rows, and autovacuum's truncate step then takes the table's
    exclusive lock: a test's plain SELECT on the official rows waited 25 s and more behind it (seen in
    pg_stat_activity as `VacuumTruncate`), which made the PostgreSQL suite 2.6 times as slow as SQLite's. The
    planner's figures come from one ANALYZE after the session's import instead."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            qn = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {qn} SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)")


def _end_sessions_left_on(connection, wait_s: float = 3.0) -> None:
    """Before pytest-django drops the test database: a session another thread or process of the run left open
    (one CI run's drop failed on "1 other session using the database") is given `wait_s` to end, then named on
    stderr and ended, so that the drop cannot fail on it and the leak is still seen."""
    import sys
    import time

    name = connection.settings_dict["NAME"]
    query = ("SELECT pid, usename, application_name, state, backend_start, left(query, 200) FROM pg_stat_activity"
             " WHERE datname = %s AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + wait_s
    try:
        with connection.cursor() as cursor:
            while True:
                cursor.execute(query, [name])
                rows = cursor.fetchall()
                if not rows or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            for row in rows:
                print(f"swingfund tests: a session was left open on {name} at the end of the run; ending it: {row}",
                      file=sys.stderr)
                cursor.execute("SELECT pg_terminate_backend(%s)", [row[0]])
    finally:
        connection.close()


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session, exitstatus):
    if not hasattr(session.config, "workerinput"):  # the workers are done with the templates by now
        left = _templates_remove()
        for problem in left:
            print(f"swingfund tests: could not remove a migrated template at the end of the run: {problem}",
                  file=sys.stderr)
        if left and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    _EXIT_STATUS.append(int(session.exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """With SWINGFUND_TEST_EXIT_AFTER_REPORT=1 (.ci/run), leave with pytest's own exit status once the report is
    written, skipping the interpreter's clean-up: on one CI run an SQLite suite whose 1,142 tests had all passed then
    crashed (SIGSEGV) while the interpreter tore down the threads and connections that live servers left behind.
    The status is the tests' own; nothing is hidden from the report."""
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: it leaves as xdist says, after its last report
        return
    if os.environ.get("SWINGFUND_TEST_EXIT_AFTER_REPORT") == "1" and _EXIT_STATUS:
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
