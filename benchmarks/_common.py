"""What the benchmarks share: the database's own single-row commit rate, the baseline every figure is divided by."""

from __future__ import annotations

import sqlite3
import time
from urllib.parse import urlsplit


def raw_commit_rate(database_url: str, rows: int) -> float:
    """Single-row INSERT + COMMIT per row, one connection, bare driver: sqlite3 with swingfund's pragmas (WAL,
    synchronous=FULL, as settings.py sets them), or psycopg with PostgreSQL's defaults (synchronous_commit=on,
    autocommit: one commit each)."""
    if database_url.startswith("sqlite:"):
        conn = sqlite3.connect(urlsplit(database_url).path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        start = time.perf_counter()
        for i in range(rows):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO bench_commit (payload) VALUES (?)", (f"row {i}",))
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_commit")
        conn.close()
        return rows / elapsed
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)")
        start = time.perf_counter()
        for i in range(rows):
            conn.execute("INSERT INTO bench_commit (payload) VALUES (%s)", (f"row {i}",))
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_commit")
    return rows / elapsed
