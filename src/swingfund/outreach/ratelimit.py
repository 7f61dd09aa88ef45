"""A token bucket: at most `rate` sends per second on average, bursts up to `burst`."""

from __future__ import annotations

import time

EPSILON = 1e-9


class TokenBucket:
    def __init__(self, *, rate: float, burst: int = 1, clock=time.monotonic, sleep=time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.burst, self.clock, self.sleep = rate, burst, clock, sleep
        self.tokens = float(burst)
        self.last = clock()

    def take(self) -> None:
        """Block until one send is allowed."""
        while True:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1 - EPSILON:  # float sums of refills may fall short of 1 by a rounding error
                self.tokens = max(self.tokens - 1, 0.0)
                return
            self.sleep((1 - self.tokens) / self.rate)
