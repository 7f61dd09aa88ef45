"""`swingfund serve` runs the site with Granian (the server the webhook benchmark and crash test measure): pages and
static files are served, and a bad address is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest

from swingfund.public.serving import parse_addrport
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


@pytest.mark.slow
def test_the_command_refuses_a_bad_address_with_exit_status_and_message(tmp_path):
    done = subprocess.run([sys.executable, "-m", "swingfund", "serve", "nowhere"], capture_output=True, text=True,
                          env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": "/usr/bin:/bin"},
                          timeout=120, check=False)
    assert done.returncode != 0 and "'nowhere' is not HOST:PORT or PORT" in done.stderr


@pytest.mark.slow
def test_pages_and_static_files_are_served(scratch_url):
    with StandIn() as standin, loadtest.AppServer(database_url=scratch_url, standin=standin, threads=2) as server:
        home = urllib.request.urlopen(server.url + "/", timeout=30)  # noqa: S310 — our own loopback server
        assert home.status == 200 and b"swingfund" in home.read().lower()
        css = urllib.request.urlopen(server.url + "/static/admin/css/base.css", timeout=30)  # noqa: S310
        assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")


def test_the_health_check_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["ok"] is True


@pytest.mark.slow
def test_the_health_check_says_503_when_the_database_is_unreachable(tmp_path):
    broken = tmp_path / "no-such-folder" / "db.sqlite3"  # SQLite cannot create a file in a missing folder
    code = ("import django, os; django.setup(); from django.test import Client; "
            "r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); print(r.status_code, r.json()['ok'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                          env={"DATABASE_URL": f"sqlite:///{broken}", "DJANGO_SETTINGS_MODULE": "swingfund.settings",
                               "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["503", "False"], done.stderr[-2000:]
