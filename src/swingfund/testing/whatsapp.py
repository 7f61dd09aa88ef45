"""A local stand-in for the WhatsApp Cloud API (Graph API), speaking its documented wire formats.

Requests (what `pywa` sends): `POST /v{ver}/{phone-number-id}/messages` with a Bearer token and a JSON body
(`messaging_product: whatsapp`, `to`, `type: template`, `template: {name, language: {code}, components}`,
optional `biz_opaque_callback_data`), answered `{messaging_product, contacts: [{input, wa_id}], messages: [{id}]}`;
`GET /v{ver}/{phone-number-id}` answers the phone number object with
`whatsapp_business_manager_messaging_limit` (TIER_250 … TIER_UNLIMITED) and `throughput`. Errors use the Graph
API's envelope `{"error": {message, type, code, error_subcode, fbtrace_id}}`: 190 for a bad token, 132001 for a
template that does not exist, 131048 (spam rate limit) once more unique recipients than the tier allows were
messaged in 24 hours, and 131000 for an injected transient failure (`fail_next`).

Webhooks (what Meta posts to the business): `webhook_text` and `webhook_status` build the documented
`whatsapp_business_account` payloads; `signature` signs a body as `X-Hub-Signature-256: sha256=<hmac>` with the
app secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TIER_SIZES = {"TIER_250": 250, "TIER_1K": 1000, "TIER_2K": 2000, "TIER_10K": 10_000, "TIER_100K": 100_000,
              "TIER_UNLIMITED": 10**12}  # fmt: skip
MESSAGES = re.compile(r"^/v[0-9.]+/(?P<phone>[^/]+)/messages$")
PHONE = re.compile(r"^/v[0-9.]+/(?P<phone>[^/?]+)$")


@dataclass
class CloudApiStandIn:
    token: str = "test-token"
    phone_id: str = "1234567890"
    tier: str = "TIER_1K"
    approved_templates: set[str] = field(default_factory=lambda: {"seat_update", "phone_confirmation",
                                                                                 "already_signed_up"})
    fail_next: int = 0
    sent: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._window: dict[str, float] = {}  # recipient → first message time (rolling 24 h)

    # --- the server ---------------------------------------------------------------------------------
    def __enter__(self) -> CloudApiStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _reply(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                status, payload = stand_in._get(path, self.headers.get("Authorization", ""))
                self._reply(status, payload)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = stand_in._post(self.path, self.headers.get("Authorization", ""), body)
                self._reply(status, payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the API --------------------------------------------------------------------------------------
    @staticmethod
    def _error(status: int, code: int, message: str, subcode: int | None = None) -> tuple[int, dict]:
        err = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": secrets.token_hex(8)}
        if subcode:
            err["error_subcode"] = subcode
        return status, {"error": err}

    def _authorised(self, header: str) -> bool:
        return hmac.compare_digest(header, f"Bearer {self.token}")

    def _get(self, path: str, auth: str) -> tuple[int, dict]:
        if not self._authorised(auth):
            return self._error(401, 190, "Invalid OAuth access token.")
        match = PHONE.match(path)
        if not match or match["phone"] != self.phone_id:
            return self._error(400, 100, "Unsupported get request.")
        return 200, {"id": self.phone_id, "display_phone_number": "+44 7911 000000", "verified_name": "Test Group",
                     "quality_rating": "GREEN", "whatsapp_business_manager_messaging_limit": self.tier,
                     "throughput": {"level": "STANDARD"}, "platform_type": "CLOUD_API"}  # fmt: skip

    def _post(self, path: str, auth: str, body: bytes) -> tuple[int, dict]:
        if not self._authorised(auth):
            return self._error(401, 190, "Invalid OAuth access token.")
        match = MESSAGES.match(path)
        if not match or match["phone"] != self.phone_id:
            return self._error(400, 100, "Unsupported post request.")
        try:
            data = json.loads(body)
        except ValueError:
            return self._error(400, 100, "Invalid parameter")
        if data.get("messaging_product") != "whatsapp" or not data.get("to"):
            return self._error(400, 100, "Invalid parameter")
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                self.errors.append(data)
                return self._error(500, 131000, "Something went wrong")
            if data.get("type") == "template":
                template = data.get("template") or {}
                if template.get("name") not in self.approved_templates:
                    self.errors.append(data)
                    return self._error(404, 132001, "Template name does not exist in the translation")
            now = time.time()
            self._window = {k: t for k, t in self._window.items() if now - t < 86_400}
            to = str(data["to"])
            if to not in self._window and len(self._window) >= TIER_SIZES[self.tier]:
                self.errors.append(data)
                return self._error(400, 131048, "Spam rate limit hit")
            self._window.setdefault(to, now)
            wamid = "wamid." + secrets.token_hex(16)
            self.sent.append({"id": wamid, **data})
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                     "messages": [{"id": wamid, "message_status": "accepted"}]}  # fmt: skip

    # --- helpers for tests ------------------------------------------------------------------------------
    def body_params(self, sent: dict) -> dict[str, str]:
        """The named body parameters of one sent template message."""
        for component in (sent.get("template") or {}).get("components", []):
            if str(component.get("type", "")).lower() == "body":
                return {p.get("parameter_name"): p.get("text") for p in component.get("parameters", [])}
        return {}

    def webhook_text(self, *, from_number: str, text: str) -> dict:
        return _envelope(self.phone_id, {
            "contacts": [{"profile": {"name": "Supporter"}, "wa_id": from_number}],
            "messages": [{"from": from_number, "id": "wamid." + secrets.token_hex(16),
                          "timestamp": str(int(time.time())), "text": {"body": text}, "type": "text"}],
        })  # fmt: skip

    def webhook_reply(self, *, to: dict, text: str, from_number: str | None = None) -> dict:
        """A text sent in reply to one of the business's messages (`to`, as stored in `sent`): the Cloud API names the
        message replied to in `context`. By default it comes from the number the message went to."""
        sender = from_number or str(to["to"])
        return _envelope(self.phone_id, {
            "contacts": [{"profile": {"name": "Supporter"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": "wamid." + secrets.token_hex(16), "timestamp": str(int(time.time())),
                          "context": {"from": "447911000000", "id": to["id"]}, "text": {"body": text},
                          "type": "text"}],
        })  # fmt: skip

    def webhook_status(self, *, sent: dict, status: str) -> dict:
        item = {"id": sent["id"], "status": status, "timestamp": str(int(time.time())), "recipient_id": sent["to"],
                "pricing": {"billable": True, "pricing_model": "PMP", "category": "marketing"}}  # fmt: skip
        if sent.get("biz_opaque_callback_data"):
            item["biz_opaque_callback_data"] = sent["biz_opaque_callback_data"]
        return _envelope(self.phone_id, {"statuses": [item]})


def _envelope(phone_id: str, value: dict) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "447911000000", "phone_number_id": phone_id}, **value},
        "field": "messages"}]}]}  # fmt: skip


def signature(*, body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header Meta sends: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
