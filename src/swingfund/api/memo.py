"""Rendered JSON bodies of the heaviest read endpoints, kept in this process and keyed by a *version* of what they
are built from, so a request that finds its body only pays for the version query.

- target tables: the imported data (`reads.data_version`) and the parameters;
- the ledger: its head (last transaction id and hash: the ledger is append-only and hash-chained), the public-name
  threshold in force, and everything a published giver's name depends on (`funding.selectors.gift_display_name`):
  each gift given with consent to publish, its status, and its donor's name, check and erasure (so a withdrawn
  consent or an erased donor shows at once).

Bodies are validated against the endpoint's schema once, when built. The versions themselves are read from the
database at most once per `VERSION_SECONDS` per process, so under load a body costs no query at all; a new import,
a new ledger transaction or a withdrawn consent shows within that second.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.utils import timezone

from swingfund.funding.models import Donation, LedgerTransaction
from swingfund.funding.selectors import public_name_threshold

MAX_BODIES = 128
VERSION_SECONDS = 1.0

_bodies: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def body(key: str, build: Callable[[], bytes]) -> bytes:
    """The body for `key`, built (outside the lock) when missing; least recently used bodies are dropped."""
    with _lock:
        found = _bodies.get(key)
        if found is not None:
            _bodies.move_to_end(key)
            return found
    made = build()
    with _lock:
        _bodies[key] = made
        while len(_bodies) > MAX_BODIES:
            _bodies.popitem(last=False)
    return made


_versions: dict[str, tuple[float, str]] = {}


def version(name: str, read: Callable[[], str], *, seconds: float = VERSION_SECONDS) -> str:
    """`read()`, remembered for `seconds` in this process."""
    now = time.monotonic()
    with _lock:
        found = _versions.get(name)
        if found is not None and found[0] > now:
            return found[1]
    value = read()
    with _lock:
        _versions[name] = (now + seconds, value)
    return value


def clear() -> None:
    with _lock:
        _bodies.clear()
        _versions.clear()


def ledger_version() -> str:
    head = LedgerTransaction.objects.order_by("-id").values_list("id", "hash").first()
    consents = list(Donation.objects.filter(consent_publish=True).order_by("id").values_list(
        "id", "status", "donor_id", "donor__name", "donor__category", "donor__checked_at", "donor__erased_at"))
    threshold = public_name_threshold(on=timezone.now().date()).value
    digest = hashlib.sha256(repr((head, consents, threshold)).encode()).hexdigest()
    return f"{head}:{digest}"
