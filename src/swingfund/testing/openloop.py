"""An open-loop HTTP load generator: requests are released on a fixed schedule (`rate` per second) whether or not
earlier ones have answered, and each latency is measured from the request's *scheduled* time, so a slow server
shows up as queueing in the figures instead of silently lowering the offered rate (no coordinated omission).

The client is deliberately thin (plain asyncio streams, HTTP/1.1 keep-alive, a pool of connections that each take
the next due request) so that on a small machine the generator, not the server, is not what is measured: a
general-purpose client such as httpx costs several times more CPU per request. Used by `benchmarks/api.py`;
never by the product's own code paths.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np


@dataclass(frozen=True)
class LoadResult:
    offered_rate: float
    sent: int
    latencies: np.ndarray  # seconds from the scheduled time, successful (2xx) requests only
    errors: int
    elapsed: float

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if self.latencies.size else float("nan")

    @property
    def achieved_rate(self) -> float:
        return self.latencies.size / self.elapsed if self.elapsed else 0.0


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response (Content-Length or chunked body); return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _run(url: str, *, rate: float, duration: float, connections: int) -> LoadResult:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode()
    total = int(rate * duration)
    due: asyncio.Queue[float | None] = asyncio.Queue()
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        while (scheduled := await due.get()) is not None:
            try:
                writer.write(request)
                await writer.drain()
                status = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if 200 <= status < 300:
                latencies.append(time.perf_counter() - scheduled)
            else:
                errors += 1
        writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    await asyncio.sleep(0.2)  # let the connections open before the clock starts
    start = time.perf_counter()
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait(scheduled)
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    return LoadResult(offered_rate=rate, sent=total, latencies=np.array(latencies), errors=errors, elapsed=elapsed)


def open_loop(url: str, *, rate: float, duration: float, connections: int = 32) -> LoadResult:
    """Offer `rate` GET requests per second to `url` for `duration` seconds over `connections` keep-alive
    connections (enough that a request never waits for a free one unless the server is behind)."""
    return asyncio.run(_run(url, rate=rate, duration=duration, connections=connections))


FLOOR_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"


def floor_server():
    """A context manager serving a fixed 2-byte JSON answer from a thread: the generator's and loopback's own
    latency, the floor under every figure. Yields its URL."""
    import contextlib
    import socket
    import threading

    @contextlib.contextmanager
    def serve():
        loop = asyncio.new_event_loop()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    await reader.readuntil(b"\r\n\r\n")
                    writer.write(FLOOR_RESPONSE)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()

        async def start() -> asyncio.Server:
            return await asyncio.start_server(handle, sock=sock)

        server = loop.run_until_complete(start())
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
        finally:
            loop.call_soon_threadsafe(server.close)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)

    return serve()
