"""Who writes first, inside one process: storing a webhook delivery goes before applying stored events.

SQLite has one writer at a time, and a connection that finds the database busy sleeps and polls (1 ms, 2 ms, 5 ms …
up to 100 ms) — so under load, threads of one process waiting on each other through SQLite lose most of their time
asleep, and a long ledger transaction can keep a burst of short webhook inserts waiting. The gate queues this
process's SQLite writers on a plain lock instead (woken at once, no polling), and makes the event processor wait
— a bounded time, so it always progresses — while webhook deliveries are in flight, so that Stripe gets its 200
quickly and the gifts are applied just after. On PostgreSQL only the second part applies. Correctness never depends
on the gate: the database's own locks and constraints still decide.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.db import connection

# How long applying yields to a stream of deliveries before going ahead anyway (so it always progresses).
APPLY_MAX_WAIT_SECONDS = 0.05


class WriteGate:
    def __init__(self) -> None:
        self._sqlite = threading.Lock()
        self._idle = threading.Condition()
        self._deliveries = 0

    @contextlib.contextmanager
    def _serialised(self) -> Iterator[None]:
        if connection.vendor == "sqlite":
            with self._sqlite:
                yield
        else:
            yield

    @contextlib.contextmanager
    def delivery(self) -> Iterator[None]:
        """Around storing one webhook delivery."""
        with self._idle:
            self._deliveries += 1
        try:
            with self._serialised():
                yield
        finally:
            with self._idle:
                self._deliveries -= 1
                if not self._deliveries:
                    self._idle.notify_all()

    def wait_idle(self, timeout: float = APPLY_MAX_WAIT_SECONDS) -> bool:
        """Wait until no delivery is being stored in this process (at most `timeout`); True if idle."""
        with self._idle:
            return self._idle.wait_for(lambda: self._deliveries == 0, timeout=timeout)

    @contextlib.contextmanager
    def apply(self) -> Iterator[None]:
        """Around applying one stored event: first let in-flight deliveries finish (at most a moment)."""
        self.wait_idle()
        with self._serialised():
            yield


gate = WriteGate()
