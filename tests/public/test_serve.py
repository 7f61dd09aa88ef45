"""`swingfund serve` runs the site with Granian (the server the webhook benchmark and crash test measure): pages and
static files are served, and a bad address is refused with a clear message."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request

import pytest

from swingfund.public.serving import PORT_IN_USE, PortUnavailable, parse_addrport, port_check
from swingfund.testing import loadtest
from swingfund.testing.stripe_standin import StandIn


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1:8000", ("127.0.0.1", 8000)), ("8001", ("127.0.0.1", 8001)), (":8002", ("127.0.0.1", 8002)),
    ("0.0.0.0:80", ("0.0.0.0", 80)), ("[::1]:8003", ("::1", 8003)),  # noqa: S104 — a value parsed, not bound
])
def test_addresses_are_parsed(value, expected):
    assert parse_addrport(value) == expected


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1:http", "127.0.0.1:70000", "127.0.0.1:0"])
def test_a_bad_address_is_refused_naming_it(value):
    with pytest.raises(ValueError, match="is not HOST:PORT or PORT"):
        parse_addrport(value)


def test_the_command_refuses_a_bad_address_with_exit_status_and_message(tmp_path):
    """On a first run (no database yet) the refusal comes before any migration: no database file is left."""
    database = tmp_path / "db.sqlite3"
    done = subprocess.run([sys.executable, "-m", "swingfund", "serve", "nowhere"], capture_output=True, text=True,
                          env={"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin",
                               "SWINGFUND_HOME": str(tmp_path / "home")}, timeout=600, check=False)
    assert done.returncode != 0 and "'nowhere' is not HOST:PORT or PORT" in done.stderr
    assert not database.exists(), "serve migrated a database before checking its address"


def _serve(addrport: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "swingfund", "serve", addrport], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": database_url}, timeout=600, check=False)


def _listener(*, reuse_port: bool) -> socket.socket:
    """A socket listening on a free loopback port, with SO_REUSEPORT as Granian binds, or without."""
    sock = socket.socket()
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


@pytest.mark.parametrize("reuse_port", [True, False], ids=["listener with SO_REUSEPORT", "plain listener"])
def test_a_busy_port_is_refused_naming_it(reuse_port):
    with _listener(reuse_port=reuse_port) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(PortUnavailable) as refused:
            port_check("127.0.0.1", port)
    assert str(refused.value) == PORT_IN_USE.format(host="127.0.0.1", port=port)
    port_check("127.0.0.1", port)  # free again once the listener is closed


def test_serve_on_a_busy_port_exits_non_zero_naming_the_port(tmp_path):
    """Refused before any migration: a first run on a busy port leaves no database behind."""
    database = tmp_path / "db.sqlite3"
    with _listener(reuse_port=True) as busy:
        port = busy.getsockname()[1]
        done = _serve(f"127.0.0.1:{port}", f"sqlite:///{database}")
    assert done.returncode != 0
    assert PORT_IN_USE.format(host="127.0.0.1", port=port) in done.stderr
    assert not database.exists(), "serve migrated a database before checking its port"


@pytest.mark.slow
def test_pages_and_static_files_are_served_and_a_second_server_on_the_port_is_refused(migrated_scratch_url):
    with StandIn() as standin, \
            loadtest.AppServer(database_url=migrated_scratch_url, standin=standin, threads=2) as server:
        home = urllib.request.urlopen(server.url + "/", timeout=30)  # noqa: S310 — our own loopback server
        assert home.status == 200 and b"swingfund" in home.read().lower()
        css = urllib.request.urlopen(server.url + "/static/admin/css/base.css", timeout=30)  # noqa: S310
        assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
        port = int(server.url.rsplit(":", 1)[1])
        second = _serve(f"127.0.0.1:{port}", migrated_scratch_url)  # a restart that forgot to stop the running server
        assert second.returncode != 0
        assert PORT_IN_USE.format(host="127.0.0.1", port=port) in second.stderr
        assert urllib.request.urlopen(server.url + "/healthz", timeout=30).status == 200  # noqa: S310


def test_the_health_check_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["ok"] is True


@pytest.mark.slow
def test_the_health_check_says_503_when_the_database_is_unreachable(tmp_path):
    broken = tmp_path / "no-such-folder" / "db.sqlite3"  # SQLite cannot create a file in a missing folder
    code = ("import django, os; django.setup(); from django.test import Client; "
            "r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); print(r.status_code, r.json()['ok'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False,
                          env={"DATABASE_URL": f"sqlite:///{broken}", "DJANGO_SETTINGS_MODULE": "swingfund.settings",
                               "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["503", "False"], done.stderr[-2000:]
