"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, for tests and benchmarks."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """`with SmtpSink() as sink:` — `sink.port` to send to, `sink.received` what arrived."""

    received: list[Received] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.received.append(Received(envelope_to=list(envelope.rcpt_tos), message=message))
        return "250 OK"

    def __enter__(self) -> SmtpSink:
        with socket.socket() as s:  # a free port chosen by the kernel
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [r.message["Message-ID"] for r in self.received]
