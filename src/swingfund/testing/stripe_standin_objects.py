"""The stand-in Stripe's pricing, identifiers, webhook signatures and error bodies (Stripe's documented formats).
Split from `standin` (which re-exports every name) to keep each module short."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

API_VERSION = "2026-10-28.endive"
# Stripe's standard UK card pricing, used to compute the fee on each stand-in charge: 1.5 % + 20p.
FEE_BASIS_POINTS = 150
FEE_FIXED_PENCE = 20
MINIMUM_CHARGE_PENCE = 30  # Stripe's minimum charge amount in GBP
SESSION_LIFETIME_SECONDS = 24 * 3600


def fee_for(amount_pence: int) -> int:
    """Stripe's fee for a UK card charge of ``amount_pence``, rounded half up to the penny."""
    return (amount_pence * FEE_BASIS_POINTS + 5000) // 10000 + FEE_FIXED_PENCE


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def sign_payload(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``: HMAC-SHA256 of ``"{t}.{payload}"`` keyed by the secret."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": "invalid_request_error", "message": self.message}
        if self.param:
            error["param"] = self.param
        if self.code:
            error["code"] = self.code
        return {"error": error}
