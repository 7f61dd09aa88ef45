"""The write gate's cross-process part (SQLite): a process receiving deliveries holds the intake flag, and the
applier waits — a bounded time — until every process has been quiet for a moment."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from swingfund.funding.payments.gate import IntakeFlag

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_SH)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def flag(tmp_path, monkeypatch) -> IntakeFlag:
    path = str(tmp_path / "db.sqlite3-intake.lock")
    monkeypatch.setattr(IntakeFlag, "path", lambda self: path)
    return IntakeFlag()


def _another_process_receiving(path: str, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, path, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_the_applier_waits_while_another_process_receives_then_goes_ahead(flag):
    holder = _another_process_receiving(flag.path(), 0.6)
    try:
        start = time.monotonic()
        assert flag.wait_lowered(0.1) is False  # still receiving: gives up after its bound, to make progress
        assert time.monotonic() - start >= 0.1
        assert flag.wait_lowered(10) is True  # the other process stops receiving: quiet, go ahead
        assert time.monotonic() - start >= 0.6 - 0.05
    finally:
        holder.wait(5)
        holder.stdout.close()


def test_this_process_raises_the_flag_while_it_receives_and_lowers_it_after(flag):
    assert flag.wait_lowered(0.5) is True
    flag.raise_()
    try:
        assert flag.wait_lowered(0.05) is False  # another probe (as the applier's process would) sees it held
    finally:
        flag.lower()
    assert flag.wait_lowered(0.5) is True


def test_only_a_sqlite_file_has_a_flag(db):
    # The tests' database is PostgreSQL or an in-memory SQLite: no file beside it, so no flag and no waiting.
    assert IntakeFlag().path() is None
    assert IntakeFlag().wait_lowered(0) is True
