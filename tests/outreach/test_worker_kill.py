"""A worker killed with SIGKILL in the middle of a claimed batch, then restarted, delivers every message exactly
once. A few hundred messages prove it: the kill lands while the worker holds claims, and the restart recovers them.
A real `swingfund worker` process (django-tasks database worker) sends through Django's SMTP backend to a real SMTP
server (aiosmtpd) in this process, on a scratch database of the run's kind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from swingfund.outreach.delivery import BATCH
from swingfund.testing.smtp import SmtpSink

MESSAGES = 8 * BATCH  # 400: eight claims of 50
KILL_AFTER = 2 * BATCH + BATCH // 2  # 125: in the middle of the third claimed batch


def _env(url: str, home, port: int) -> dict:
    return os.environ | {"DATABASE_URL": url, "SWINGFUND_HOME": str(home), "SWINGFUND_EMAIL_HOST": "127.0.0.1",
                         "SWINGFUND_EMAIL_PORT": str(port), "OUTREACH_EMAIL_RATE": "1000000",
                         "SWINGFUND_FROM_EMAIL": "group@localhost"}  # fmt: skip


def _load(env: dict, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "swingfund.testing.outreach_load", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_sigkill_mid_batch_then_restart_sends_each_message_once(migrated_scratch_url, tmp_path):
    with SmtpSink() as sink:
        env = _env(migrated_scratch_url, tmp_path, sink.port)
        assert _load(env, "--supporters", str(MESSAGES))["queued"] == MESSAGES
        with (tmp_path / "worker1.log").open("w") as log:
            worker = subprocess.Popen([sys.executable, "-m", "swingfund", "worker"], env=env, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 600
        while len(sink.received) < KILL_AFTER:
            assert worker.poll() is None, (tmp_path / "worker1.log").read_text()
            assert time.monotonic() < deadline, "the worker sent too slowly"
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        at_kill = len(sink.received)
        assert KILL_AFTER <= at_kill < MESSAGES  # killed mid-batch
        mid = _load(env, "--report")
        assert mid["by_status"].get("sending", 0) > 0  # it died holding claims
        restart = subprocess.run([sys.executable, "-m", "swingfund", "worker", "--batch"], env=env,
                                 capture_output=True, text=True, timeout=900)  # fmt: skip
        assert restart.returncode == 0, restart.stdout + restart.stderr
        ids = sink.message_ids()
        after = _load(env, "--report")
    expected = {f"<delivery-{i}@example.org>" for i in range(after["first_id"], after["last_id"] + 1)}  # its sender's
    assert after["by_status"] == {"sent": MESSAGES}
    assert after["sent_twice_in_log"] == 0 and after["recovered"] == mid["by_status"]["sending"]
    assert set(ids) == expected and len(expected) == MESSAGES  # every message arrived
    # and none twice: the one message in flight at the kill (accepted by the server, not yet marked sent) is the
    # only one that can repeat; it repeats with the same Message-ID, which the receiving side uses to drop it.
    duplicates = len(ids) - len(set(ids))
    print(f"killed after {at_kill} received; {mid['by_status']['sending']} claims recovered; "
          f"{duplicates} duplicate Message-ID(s) at the SMTP server")
    assert duplicates <= 1
