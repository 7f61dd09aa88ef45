"""Serving the site with Granian: the options `swingfund serve` takes, and starting the server."""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass

ADDRPORT_INVALID = "'{value}' is not HOST:PORT or PORT (e.g. 127.0.0.1:8000 or 8000)."
PORT_IN_USE = ("Port {port} on {host} is already in use (another `swingfund serve`?). Stop that server first, or "
               "serve on another port (swingfund serve HOST:PORT).")
CANNOT_LISTEN = "Cannot listen on {host}:{port}: {reason}."


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


class PortUnavailable(OSError):
    """The server could not listen on the address; the message names it."""


def port_check(host: str, port: int) -> None:
    """Refuse a port that something already listens on, before Granian starts. Granian binds with SO_REUSEPORT, so
    a second server on a busy port would start anyway and the kernel would split the requests between the two
    (and their databases). This probe does not ask for SO_REUSEPORT, so its bind fails while any socket listens
    there; SO_REUSEADDR only lets it past the connections of a stopped server that are still closing."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
            probe.listen(1)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise PortUnavailable(PORT_IN_USE.format(host=host, port=port)) from err
        raise PortUnavailable(CANNOT_LISTEN.format(host=host, port=port, reason=err.strerror or err)) from err


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
