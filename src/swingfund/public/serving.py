"""Serving the site with Granian: the options `swingfund serve` takes, and starting the server."""

from __future__ import annotations

import os
from dataclasses import dataclass

ADDRPORT_INVALID = "'{value}' is not HOST:PORT or PORT (e.g. 127.0.0.1:8000 or 8000)."


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 8


def parse_addrport(value: str) -> tuple[str, int]:
    """'HOST:PORT', ':PORT' or 'PORT' → (host, port); the host defaults to 127.0.0.1."""
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(ADDRPORT_INVALID.format(value=value))
    return host.strip("[]") or "127.0.0.1", int(port)


def serve(options: ServeOptions) -> None:
    """Run Granian in the foreground until it is stopped (SIGINT/SIGTERM stop it gracefully)."""
    from granian import Granian
    from granian.constants import Interfaces

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    Granian(
        "swingfund.wsgi:application",
        address=options.host,
        port=options.port,
        interface=Interfaces.WSGI,
        workers=options.workers,
        blocking_threads=options.threads,
        backlog=1024,
        websockets=False,
        log_access=False,
    ).serve()
