"""Benchmark: how long `swingfund --help` and `swingfund VERB --help` take on a fresh SWINGFUND_HOME (no database yet),
against the baseline of the same run: a bare `python -c "import django; django.setup()"` with swingfund's settings.

    python benchmarks/cli_help.py [--repeat 3]

Help never touches the database (tests/test_cli.py checks that no file is created), so the figure is imports only:
the target is under 2 s wall time for `swingfund backtest --help`. Wall time on a loaded machine is several times the
CPU time; both are printed (median of the repeats)."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

VERBS = ["data", "targets", "backtest", "recommend", "committee", "funding", "stripe", "plan", "evaluate", "serve",
         "worker"]
TARGET_SECONDS = 2.0


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one run on a fresh home."""
    with tempfile.TemporaryDirectory(prefix="swingfund-help-") as home:
        env = {**os.environ, "SWINGFUND_HOME": home, "DJANGO_SETTINGS_MODULE": "swingfund.settings"}
        env.pop("DATABASE_URL", None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, capture_output=True, check=True, timeout=120)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if any(name.startswith("swingfund.sqlite3") for name in os.listdir(home)):
            raise SystemExit(f"{args}: a database file was created")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    runs = {"baseline: django.setup()": ["-c", "import django; django.setup()"],
            "swingfund --help": ["-m", "swingfund", "--help"],
            **{f"swingfund {verb} --help": ["-m", "swingfund", verb, "--help"] for verb in VERBS}}
    baseline = None
    load = os.getloadavg()[0]
    print(f"{'command':<34} {'wall s':>7} {'cpu s':>7} {'÷ baseline':>10}   (median of {repeat}; load {load:.1f})")
    for name, args in runs.items():
        samples = [timed(args) for _ in range(repeat)]
        wall, cpu = statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)
        baseline = baseline or wall
        flag = "  over target" if name == "swingfund backtest --help" and wall >= TARGET_SECONDS else ""
        print(f"{name:<34} {wall:7.2f} {cpu:7.2f} {wall / baseline:10.2f}{flag}")


if __name__ == "__main__":
    main()
