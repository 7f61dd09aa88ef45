"""Who writes first: storing webhook deliveries goes before applying stored events, in this process and, on
SQLite, across processes.

SQLite has one writer at a time, and a connection that finds the database busy sleeps and polls (1 ms, 2 ms, 5 ms …
up to 100 ms) — so under load, writers waiting on each other through SQLite lose most of their time asleep, and a
long ledger transaction (a chunk of 200 gifts) keeps a burst of short webhook commits waiting. So:

* inside one process, SQLite writers queue on a plain lock instead (woken at once, no polling);
* the applier waits — a bounded time, so it always progresses — while deliveries are being received, before each
  transaction (this process) and before each chunk (any process: on SQLite a process receiving deliveries holds a
  shared `flock` on ``<database>-intake.lock``, which the applier probes), so that Stripe gets its 200 at once and
  the gifts are applied in the lulls, or at least one chunk a second.

On PostgreSQL only the in-process waiting applies (its writers do not block each other). Correctness never depends
on the gate: the database's own locks and constraints still decide.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator

from django.db import connection

# How long one transaction of applying yields to deliveries in this process (so it always progresses) …
APPLY_MAX_WAIT_SECONDS = 0.05
# … and how long a chunk of applying yields to deliveries in other processes (SQLite).
CHUNK_MAX_WAIT_SECONDS = 1.0
PROBE_SECONDS = 0.002
QUIET_SECONDS = 0.02


class IntakeFlag:
    """The cross-process flag of a SQLite database: held (shared) while this process receives deliveries."""

    def __init__(self) -> None:
        self._files: dict[tuple[int, str], int] = {}

    def path(self) -> str | None:
        """``<database>-intake.lock`` beside a SQLite database file; None for another database."""
        if connection.vendor != "sqlite" or connection.is_in_memory_db() or not connection.settings_dict["NAME"]:
            return None
        return f"{connection.settings_dict['NAME']}-intake.lock"

    def _file(self) -> int | None:
        if (path := self.path()) is None:
            return None
        key = (os.getpid(), path)  # not inherited across a fork: each process opens its own
        if key not in self._files:
            self._files[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._files[key]

    def raise_(self) -> None:
        if (fd := self._file()) is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)

    def lower(self) -> None:
        if (fd := self._file()) is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def wait_lowered(self, timeout: float) -> bool:
        """Wait until no process has held the flag for `QUIET_SECONDS` (deliveries answered together leave gaps of
        a moment between them), at most `timeout`; True if it was quiet."""
        if (path := self.path()) is None:
            return True
        probe = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        now = time.monotonic()
        deadline, quiet_since = now + timeout, None
        try:
            while True:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(probe, fcntl.LOCK_UN)
                    quiet_since = quiet_since or now
                    if now - quiet_since >= QUIET_SECONDS:
                        return True
                except BlockingIOError:
                    quiet_since = None
                if now >= deadline:
                    return False
                time.sleep(PROBE_SECONDS)
                now = time.monotonic()
        finally:
            os.close(probe)


class WriteGate:
    def __init__(self) -> None:
        self._sqlite = threading.Lock()
        self._idle = threading.Condition()
        self._deliveries = 0
        self._flag = IntakeFlag()

    @contextlib.contextmanager
    def delivery(self) -> Iterator[None]:
        """Around receiving one webhook delivery (checking it and storing it)."""
        with self._idle:
            self._deliveries += 1
            if self._deliveries == 1:
                self._flag.raise_()
        try:
            yield
        finally:
            with self._idle:
                self._deliveries -= 1
                if not self._deliveries:
                    self._flag.lower()
                    self._idle.notify_all()

    @contextlib.contextmanager
    def commit(self) -> Iterator[None]:
        """Around each commit of deliveries (and each transaction of applying): one SQLite writer at a time."""
        if connection.vendor == "sqlite":
            with self._sqlite:
                yield
        else:
            yield

    def wait_idle(self, timeout: float = APPLY_MAX_WAIT_SECONDS, *, other_processes: float = 0.0) -> bool:
        """Wait until no delivery is being received in this process (at most `timeout`) and, given
        `other_processes` seconds, in any process sharing this SQLite database; True if idle."""
        with self._idle:
            idle = self._idle.wait_for(lambda: self._deliveries == 0, timeout=timeout)
        if other_processes:
            idle = self._flag.wait_lowered(other_processes) and idle
        return idle

    @contextlib.contextmanager
    def apply(self) -> Iterator[None]:
        """Around applying stored events in one transaction: first let deliveries in flight finish (a moment)."""
        self.wait_idle()
        with self.commit():
            yield


gate = WriteGate()
