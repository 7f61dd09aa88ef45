"""A local stand-in for the parts of Stripe's API that swingfund uses, speaking Stripe's documented wire format.

Tests and the offline demo point the real `stripe` library at it (``STRIPE_API_BASE``), so the client side runs
exactly the code that talks to Stripe in production. It also plays Stripe's other role: it completes, refunds
and disputes payments and delivers the matching signed webhook events (``Stripe-Signature: t=…,v1=…``).

Calls served (https://docs.stripe.com/api):
  POST /v1/checkout/sessions            form-encoded, nested keys (``line_items[0][price_data][currency]``)
  GET  /v1/checkout/sessions/{id}
  GET  /v1/payment_intents/{id}         ``expand[]=latest_charge.balance_transaction`` supported
  GET  /v1/charges/{id} · GET /v1/balance_transactions/{id}
  GET  /v1/charges                      list pages (`stripe_standin_lists`): limit, starting_after / ending_before,
                                        created[gte|gt|lte|lt], payment_intent, ``expand[]=data.balance_transaction``
  GET  /c/pay/{id}                      a plain "hosted checkout" page; POST to it pays and redirects

Run standalone: ``python -m swingfund.testing.stripe_standin --port 12111 --webhook-url URL``.
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from swingfund.display import money
from swingfund.funding.payments.wire import decode_form
from swingfund.testing.stripe_standin_lists import list_page
from swingfund.testing.stripe_standin_objects import (  # noqa: F401 — re-exported
    API_VERSION,
    FEE_BASIS_POINTS,
    FEE_FIXED_PENCE,
    MINIMUM_CHARGE_PENCE,
    SESSION_LIFETIME_SECONDS,
    StripeError,
    fee_for,
    new_id,
    sign_payload,
)


class StandIn:
    """In-memory Stripe account: sessions, payment intents, charges, balance transactions, refunds, disputes."""

    def __init__(self, *, api_key: str = "sk_test_standin", webhook_secret: str = "whsec_standin",
                 webhook_url: str = "", host: str = "127.0.0.1", port: int = 0):
        self.api_key, self.webhook_secret, self.webhook_url = api_key, webhook_secret, webhook_url
        self.lock = threading.Lock()
        self.objects: dict[str, dict[str, Any]] = {}
        self.charges: list[dict[str, Any]] = []  # the charges of `objects`, in creation order (for listing)
        self.requests: list[dict[str, Any]] = []  # every API request received, for tests to inspect
        self.idempotent: dict[str, tuple[int, dict[str, Any]]] = {}
        self.server = ThreadingHTTPServer((host, port), _handler_for(self))
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandIn:
        # Polled every 50 ms for the stop (socketserver's default, 0.5 s, made each test's teardown wait for it).
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="stripe-standin", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the API ---------------------------------------------------------------------------------
    def session_create(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise StripeError(400, "Only mode=payment is supported by this account.", param="mode")
        if not params.get("success_url"):
            raise StripeError(400, "Missing required param: success_url.", param="success_url")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeError(400, "Missing required param: line_items.", param="line_items")
        total, currency = 0, None
        for i, item in enumerate(items):
            price = item.get("price_data") or {}
            try:
                unit, quantity = int(price["unit_amount"]), int(item.get("quantity", ""))
            except (KeyError, ValueError) as err:
                raise StripeError(400, f"Invalid integer in line_items[{i}]: {err}", param=f"line_items[{i}]") from err
            if not (price.get("product_data") or {}).get("name"):
                raise StripeError(400, "Missing required param: product_data.name.",
                                  param=f"line_items[{i}][price_data][product_data][name]")
            if currency not in (None, price.get("currency")):
                raise StripeError(400, "All line items must share one currency.", param=f"line_items[{i}]")
            currency = price.get("currency")
            total += unit * quantity
        if currency != "gbp":
            raise StripeError(400, f"Invalid currency: {currency}.", param="line_items[0][price_data][currency]")
        if total < MINIMUM_CHARGE_PENCE:
            raise StripeError(400, "The Checkout Session's total amount due must add up to at least £0.30 gbp",
                              param="line_items")
        now = int(time.time())
        sid = f"cs_test_{secrets.token_hex(24)}"
        session = {
            "id": sid, "object": "checkout.session", "amount_subtotal": total, "amount_total": total,
            "cancel_url": params.get("cancel_url"), "client_reference_id": params.get("client_reference_id"),
            "created": now, "currency": currency, "customer": None,
            "customer_details": None, "customer_email": params.get("customer_email"),
            "expires_at": now + SESSION_LIFETIME_SECONDS, "livemode": False,
            "metadata": dict(params.get("metadata") or {}), "mode": "payment", "payment_intent": None,
            "payment_status": "unpaid", "status": "open", "success_url": params["success_url"],
            "url": f"{self.url}/c/pay/{sid}",
            "_payment_intent_metadata": dict((params.get("payment_intent_data") or {}).get("metadata") or {}),
        }
        with self.lock:
            self.objects[sid] = session
        return public(session)

    def retrieve(self, kind: str, oid: str, expand: list[str] | None = None) -> dict[str, Any]:
        with self.lock:
            obj = self.objects.get(oid)
        if obj is None or obj["object"] != kind:
            raise StripeError(404, f"No such {kind}: '{oid}'", param="id", code="resource_missing")
        obj = public(obj)
        for path in expand or []:
            obj = self._expand(obj, path.split("."))
        return obj

    def charges_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """``GET /v1/charges``: a page of charges, newest first; expansions on a list start with ``data.``."""
        expand = params.get("expand") or []
        for path in expand:
            if not path.startswith("data.") or path == "data.":
                raise StripeError(400, f"This property cannot be expanded ({path}).", param="expand")
        intent = params.get("payment_intent")
        with self.lock:
            listing = list_page(self.charges, params, url="/v1/charges", kind="charge",
                                keep=(lambda charge: charge["payment_intent"] == intent) if intent else None)
            data = [public(charge) for charge in listing["data"]]
        for path in expand:
            data = [self._expand(charge, path.split(".")[1:]) for charge in data]
        return {**listing, "data": data}

    def _expand(self, obj: dict[str, Any], path: list[str]) -> dict[str, Any]:
        head, rest = path[0], path[1:]
        value = obj.get(head)
        if isinstance(value, str):
            with self.lock:
                target = self.objects.get(value)
            value = public(target) if target else value
        if isinstance(value, dict) and rest:
            value = self._expand(value, rest)
        return {**obj, head: value}

    # --- playing Stripe's side: payments, refunds, disputes and their events -----------------------
    def session_complete(self, session_id: str, *, name: str = "", email: str = "") -> dict[str, Any]:
        """Pay an open session by card: creates the payment intent, charge and balance transaction (with the fee)
        and returns the ``checkout.session.completed`` event (not yet delivered)."""
        with self.lock:
            session = self.objects.get(session_id)
            if session is None or session["status"] != "open":
                raise StripeError(400, f"Checkout session {session_id} is not open.")
            amount, now = session["amount_total"], int(time.time())
            pi_id, ch_id, txn_id = new_id("pi"), new_id("ch"), new_id("txn")
            fee = fee_for(amount)
            self.objects[txn_id] = {
                "id": txn_id, "object": "balance_transaction", "amount": amount, "currency": "gbp",
                "fee": fee, "net": amount - fee, "created": now, "status": "pending", "type": "charge",
                "source": ch_id, "reporting_category": "charge",
                "fee_details": [{"amount": fee, "currency": "gbp", "description": "Stripe processing fees",
                                 "type": "stripe_fee"}],
            }
            self.objects[ch_id] = charge = {
                "id": ch_id, "object": "charge", "amount": amount, "amount_captured": amount, "amount_refunded": 0,
                "balance_transaction": txn_id, "captured": True, "created": now, "currency": "gbp",
                "disputed": False, "livemode": False, "metadata": session["_payment_intent_metadata"],
                "paid": True, "payment_intent": pi_id, "refunded": False, "status": "succeeded",
                "refunds": {"object": "list", "data": [], "has_more": False, "url": f"/v1/charges/{ch_id}/refunds"},
            }
            self.charges.append(charge)
            self.objects[pi_id] = {
                "id": pi_id, "object": "payment_intent", "amount": amount, "amount_received": amount,
                "currency": "gbp", "created": now, "latest_charge": ch_id, "livemode": False,
                "metadata": session["_payment_intent_metadata"], "status": "succeeded",
            }
            session.update(status="complete", payment_status="paid", payment_intent=pi_id, url=None,
                           customer_details={"email": email or session["customer_email"], "name": name or None,
                                             "address": None})
            snapshot = public(session)
        return self.event("checkout.session.completed", snapshot)

    def charge_for(self, payment_intent_id: str) -> dict[str, Any]:
        return self.retrieve("charge", self.retrieve("payment_intent", payment_intent_id)["latest_charge"])

    def refund(self, payment_intent_id: str, amount: int | None = None) -> dict[str, Any]:
        """Refund (part of) a payment; returns the ``charge.refunded`` event."""
        charge_id = self.retrieve("payment_intent", payment_intent_id)["latest_charge"]
        with self.lock:
            charge = self.objects[charge_id]
            left = charge["amount"] - charge["amount_refunded"]
            amount = left if amount is None else amount
            if not 0 < amount <= left:
                raise StripeError(400, f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})")
            refund = {"id": new_id("re"), "object": "refund", "amount": amount, "charge": charge_id,
                      "created": int(time.time()), "currency": "gbp", "payment_intent": payment_intent_id,
                      "status": "succeeded", "reason": "requested_by_customer"}
            self.objects[refund["id"]] = refund
            previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            charge["refunds"]["data"].insert(0, refund)
            snapshot = json.loads(json.dumps(charge))
        return self.event("charge.refunded", snapshot, previous_attributes=previous)

    def dispute(self, payment_intent_id: str, *, reason: str = "fraudulent") -> dict[str, Any]:
        charge_id = self.retrieve("payment_intent", payment_intent_id)["latest_charge"]
        with self.lock:
            charge = self.objects[charge_id]
            charge["disputed"] = True
            dispute = {"id": new_id("dp"), "object": "dispute", "amount": charge["amount"], "charge": charge_id,
                       "created": int(time.time()), "currency": "gbp", "payment_intent": payment_intent_id,
                       "reason": reason, "status": "needs_response", "livemode": False}
            self.objects[dispute["id"]] = dispute
            snapshot = dict(dispute)
        return self.event("charge.dispute.created", snapshot)

    def dispute_close(self, dispute_id: str, *, status: str) -> dict[str, Any]:
        if status not in {"won", "lost"}:
            raise StripeError(400, f"Invalid dispute status: {status}")
        with self.lock:
            dispute = self.objects[dispute_id]
            previous = {"status": dispute["status"]}
            dispute["status"] = status
            snapshot = dict(dispute)
        return self.event("charge.dispute.closed", snapshot, previous_attributes=previous)

    def event(self, type_: str, obj: dict[str, Any], *, previous_attributes: dict[str, Any] | None = None
              ) -> dict[str, Any]:
        """An event object exactly as Stripe sends it to a webhook endpoint."""
        data: dict[str, Any] = {"object": obj}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        return {"id": new_id("evt"), "object": "event", "api_version": API_VERSION, "created": int(time.time()),
                "data": data, "livemode": False, "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None}, "type": type_}

    def signed(self, event: dict[str, Any], *, timestamp: int | None = None) -> tuple[bytes, str]:
        payload = json.dumps(event, separators=(",", ":"))
        return payload.encode(), sign_payload(payload, self.webhook_secret, timestamp)

    def deliver(self, event: dict[str, Any], url: str | None = None, timeout: float = 30) -> int:
        """POST the signed event to the webhook endpoint as Stripe does; returns the HTTP status."""
        body, signature = self.signed(event)
        request = urllib.request.Request(url or self.webhook_url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature,
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy without the stand-in's private bookkeeping keys."""
    return {k: v for k, v in json.loads(json.dumps(obj)).items() if not k.startswith("_")}


RETRIEVABLE = {"checkout/sessions": "checkout.session", "payment_intents": "payment_intent", "charges": "charge",
               "balance_transactions": "balance_transaction", "refunds": "refund", "disputes": "dispute"}


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # one response = one segment: no 40 ms delayed-ACK stall on keep-alive

        def log_message(self, *args: object) -> None:  # quiet
            return

        def _reply(self, status: int, body: dict[str, Any] | str, content_type: str = "application/json") -> None:
            data = (json.dumps(body) if isinstance(body, dict) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", new_id("req"))
            self.send_header("Stripe-Version", API_VERSION)
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> None:
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                raise StripeError(401, "You did not provide an API key. You need to provide your API key in the "
                                       "Authorization header, using Bearer auth.")
            if auth[len("Bearer "):] != standin.api_key:
                raise StripeError(401, f"Invalid API Key provided: {auth[7:15]}****")

        def _api(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            params = decode_form(raw if method == "POST" else parts.query)
            with standin.lock:
                standin.requests.append({"method": method, "path": parts.path, "body": raw, "query": parts.query,
                                         "params": params, "headers": dict(self.headers.items())})
            self._authorised()
            route = parts.path[len("/v1/"):]
            if method == "POST" and route == "checkout/sessions":
                key = self.headers.get("Idempotency-Key")
                with standin.lock:
                    cached = standin.idempotent.get(key) if key else None
                if cached:
                    self._reply(*cached)
                    return
                result = standin.session_create(params)
                if key:
                    with standin.lock:
                        standin.idempotent[key] = (200, result)
                self._reply(200, result)
                return
            if method == "GET" and route == "charges":
                self._reply(200, standin.charges_list(params))
                return
            collection, _, oid = route.rpartition("/")
            if method == "GET" and collection in RETRIEVABLE:
                expand = params.get("expand") or []
                self._reply(200, standin.retrieve(RETRIEVABLE[collection], oid, expand))
                return
            raise StripeError(404, f"Unrecognized request URL ({method}: {parts.path}).")

        def _hosted(self, method: str) -> None:
            sid = urlsplit(self.path).path.rsplit("/", 1)[-1]
            session = standin.retrieve("checkout.session", sid)
            if method == "POST":
                event = standin.session_complete(sid)
                if standin.webhook_url:
                    standin.deliver(event)
                self.send_response(303)
                self.send_header("Location", session["success_url"].replace("{CHECKOUT_SESSION_ID}", sid))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            pounds = money(session["amount_total"])
            page = (f"<!doctype html><title>Pay {pounds}</title><h1>Stripe stand-in checkout</h1>"
                    f"<p>Pay <strong>{pounds}</strong> to {session['metadata'].get('campaign', '')}</p>"
                    f"<form method=post><button id=pay type=submit>Pay {pounds}</button></form>"
                    f"<p><a id=cancel href=\"{session['cancel_url'] or '/'}\">Cancel</a></p>")
            self._reply(200, page, "text/html; charset=utf-8")

        def _dispatch(self, method: str) -> None:
            try:
                if self.path.startswith("/v1/"):
                    self._api(method)
                elif self.path.startswith("/c/pay/"):
                    self._hosted(method)
                else:
                    raise StripeError(404, f"Unrecognized request URL ({method}: {self.path}).")
            except StripeError as err:
                self._reply(err.status, err.body())

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Stripe stand-in for tests and the offline demo")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default="sk_test_standin")
    parser.add_argument("--webhook-secret", default="whsec_standin")
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/payments/stripe/webhook/")
    args = parser.parse_args(argv)
    standin = StandIn(api_key=args.api_key, webhook_secret=args.webhook_secret, webhook_url=args.webhook_url,
                      port=args.port)
    print(f"Stripe stand-in on {standin.url} (STRIPE_API_BASE={standin.url} STRIPE_SECRET_KEY={args.api_key} "
          f"STRIPE_WEBHOOK_SECRET={args.webhook_secret}); webhooks to {args.webhook_url}", flush=True)
    try:
        standin.server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
