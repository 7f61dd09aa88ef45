"""The token bucket, on a fake clock: the long-run rate never exceeds the limit, and bursts are bounded."""

from __future__ import annotations

from swingfund.outreach.delivery import backoff
from swingfund.outreach.ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_rate_is_the_limit_and_bursts_are_bounded():
    clock = FakeClock()
    bucket = TokenBucket(rate=50, burst=5, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(1000):
        bucket.take()
        times.append(clock.now)
    # 1,000 sends at 50/s: the first 5 from the initial burst, then one every 20 ms → 995 / 50 = 19.9 s
    assert abs(times[-1] - 19.9) < 1e-6
    for i in range(len(times) - 10):  # no window of 10 sends is shorter than (10 - burst) intervals
        assert times[i + 10] - times[i] >= (10 - 5) / 50 - 1e-9


def test_idle_time_buys_at_most_the_burst():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=3, clock=clock, sleep=clock.sleep)
    bucket.take()
    clock.now += 3600  # an hour idle
    start = clock.now
    for _ in range(3 + 10):
        bucket.take()
    assert abs((clock.now - start) - 1.0) < 1e-6  # 3 at once, then 10 more at 10/s


def test_backoff_doubles():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
