"""An open-loop HTTP load generator: requests are sent on a fixed schedule (`rate` per second) whether or not
earlier ones have answered, and each latency is measured from the request's *scheduled* time, so a slow server
shows up as queueing in the figures instead of silently lowering the offered rate (no coordinated omission).
Used by `benchmarks/api.py`; never by the product's own code paths."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx
import numpy as np


@dataclass(frozen=True)
class LoadResult:
    offered_rate: float
    sent: int
    latencies: np.ndarray  # seconds, successful (2xx) requests only
    errors: int
    elapsed: float

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if self.latencies.size else float("nan")

    @property
    def achieved_rate(self) -> float:
        return self.latencies.size / self.elapsed if self.elapsed else 0.0


async def _run(url: str, *, rate: float, duration: float, connections: int, timeout: float) -> LoadResult:
    total = int(rate * duration)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        start = time.perf_counter()

        async def one(i: int) -> None:
            nonlocal errors
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                response = await client.get(url)
                ok = 200 <= response.status_code < 300
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - scheduled)
            else:
                errors += 1

        await asyncio.gather(*(one(i) for i in range(total)))
        elapsed = time.perf_counter() - start
    return LoadResult(offered_rate=rate, sent=total, latencies=np.array(latencies), errors=errors, elapsed=elapsed)


def open_loop(url: str, *, rate: float, duration: float, connections: int = 64, timeout: float = 30.0) -> LoadResult:
    """Offer `rate` GET requests per second to `url` for `duration` seconds; return the latencies."""
    return asyncio.run(_run(url, rate=rate, duration=duration, connections=connections, timeout=timeout))
