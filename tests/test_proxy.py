"""Behind the TLS proxy the README asks for (issue 21, part 5): every proxy appends the address it received the request
from to X-Forwarded-For, so with `SWINGFUND_PROXY_COUNT` proxies the client is that many entries from the right and
anything further left is whatever the client wrote. One function (`caching.client_address`) names the client for the
sign-in lockout, the API's throttle and the heavy pages' rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from swingfund import caching
from tests.accounts.helpers import PASSWORD, user_make

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"  # the TLS proxy: every request reaches the site from here
VICTIM = "198.51.100.5"
ATTACKER = "203.0.113.66"


def through_proxy(client_address: str, *, spoofed: str | None = None, proxies: int = 1) -> dict:
    """The headers a chain of `proxies` proxies sends on: the client may write its own X-Forwarded-For (`spoofed`);
    the first proxy appends the client's address, each further proxy the previous one's."""
    chain = ([spoofed] if spoofed else []) + [client_address] + [f"10.0.1.{n}" for n in range(1, proxies)]
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ", ".join(chain)}


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.SWINGFUND_PROXY_COUNT = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.mark.parametrize("proxies", [1, 2, 3])
def test_the_client_is_counted_from_the_right_past_the_trusted_proxies(settings, proxies):
    settings.SWINGFUND_PROXY_COUNT = proxies
    factory = RequestFactory()
    assert caching.client_address(factory.get("/", **through_proxy(ATTACKER, proxies=proxies))) == ATTACKER
    spoofed = factory.get("/", **through_proxy(ATTACKER, spoofed=f"8.8.8.8, {VICTIM}", proxies=proxies))
    assert caching.client_address(spoofed) == ATTACKER


def test_without_proxies_the_header_is_ignored(settings):
    settings.SWINGFUND_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    assert caching.client_address(request) == ATTACKER


def test_a_spoofed_forwarded_for_cannot_lock_the_real_user_out(settings):
    settings.AXES_FAILURE_LIMIT = 5
    user_make("target")
    attacker = Client(**through_proxy(ATTACKER, spoofed=VICTIM))
    for attempt in range(10):
        attacker.post("/accounts/login/", {"username": "target", "password": f"guess-{attempt}"})
    locked = attacker.post("/accounts/login/", {"username": "target", "password": PASSWORD})
    assert locked.status_code == 429  # the attacker's own address is locked for this user
    rotating = Client(**through_proxy(ATTACKER, spoofed="192.0.2.99"))
    assert rotating.post("/accounts/login/", {"username": "target", "password": PASSWORD}).status_code == 429
    victim = Client(**through_proxy(VICTIM))
    assert victim.post("/accounts/login/", {"username": "target", "password": PASSWORD}).status_code == 302


def test_rotating_forwarded_for_does_not_bypass_the_api_throttle(monkeypatch):
    from swingfund.api.v1 import api

    for throttle in api.throttle:
        monkeypatch.setattr(throttle, "num_requests", 5)
        monkeypatch.setattr(throttle, "duration", 3600)
    answered = [Client(**through_proxy(ATTACKER, spoofed=f"192.0.2.{n}")).get("/api/v1/elections").status_code
                for n in range(20)]
    assert answered.count(200) == 5 and answered.count(429) == 15
    assert Client(**through_proxy(VICTIM)).get("/api/v1/elections").status_code == 200


def test_rotating_forwarded_for_does_not_bypass_the_heavy_rate_limit(official_db, monkeypatch):
    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 1)
    targets = "/api/v1/elections/parl.2024-07-04/targets"
    query = {"bloc": "religion:muslim", "draws": "100", "top": "3"}
    first = Client(**through_proxy(ATTACKER, spoofed="192.0.2.1")).get(targets, {**query, "seed": "11"})
    assert first.status_code == 200
    second = Client(**through_proxy(ATTACKER, spoofed="192.0.2.2")).get(targets, {**query, "seed": "12"})
    assert second.status_code == 429
    assert Client(**through_proxy(VICTIM)).get(targets, {**query, "seed": "13"}).status_code == 200


class ForwardingProxy:
    """A reverse proxy on loopback that does what nginx's `proxy_add_x_forwarded_for` does: it appends the address
    the request came from to whatever X-Forwarded-For the client sent, and forwards to `upstream`."""

    def __init__(self, upstream: str) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        target = urlsplit(upstream)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("x-forwarded-for", "connection")}
                chain = [p for p in [self.headers.get("X-Forwarded-For"), self.client_address[0]] if p]
                headers["X-Forwarded-For"] = ", ".join(chain)
                upstream_conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                upstream_conn.request(self.command, self.path, body=body, headers=headers)
                answer = upstream_conn.getresponse()
                content = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                upstream_conn.close()

            do_GET = do_POST = _forward  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _client_from(address: str, proxy: ForwardingProxy, *, spoofed: str | None = None):
    import httpx

    headers = {"X-Forwarded-For": spoofed} if spoofed else {}
    return httpx.Client(base_url=proxy.url, headers=headers, timeout=30,
                        transport=httpx.HTTPTransport(local_address=address))


def _sign_in(client, password: str) -> int:
    client.get("/accounts/login/")
    token = client.cookies.get("csrftoken", "")
    return client.post("/accounts/login/", data={"username": "target", "password": password,
                                                 "csrfmiddlewaretoken": token}).status_code


@pytest.fixture
def committed(transactional_db):
    """Rows the live server's thread can see; flushed afterwards as the public journey's fixture flushes them (as
    the owner, with the committee's append-only triggers lifted)."""
    yield
    from tests.fixtures.official import flush_committed_rows

    flush_committed_rows()


def test_through_a_real_proxy_a_spoofed_header_cannot_lock_out_the_real_user(committed, live_server, settings):
    """Two clients on two loopback addresses reach the site through a real forwarding proxy: the attacker writes the
    victim's address into X-Forwarded-For and exhausts the wrong passwords; the victim still signs in."""
    settings.AXES_FAILURE_LIMIT = 3
    user_make("target")
    proxy = ForwardingProxy(live_server.url)
    try:
        with _client_from("127.0.0.2", proxy, spoofed="127.0.0.3") as attacker, \
                _client_from("127.0.0.3", proxy) as victim:
            for attempt in range(5):
                _sign_in(attacker, f"guess-{attempt}")
            assert _sign_in(attacker, PASSWORD) == 429
            assert _sign_in(victim, PASSWORD) == 302
    finally:
        proxy.close()
