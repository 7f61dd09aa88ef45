"""What every channel provides to the delivery engine."""

from __future__ import annotations

from typing import Protocol


class ChannelError(Exception):
    """A send that failed and may be retried (the engine backs off and tries again)."""


class Sender(Protocol):
    def send(self, *, delivery, supporter, rendered) -> str:
        """Send one message; return the provider's id for it. Raise ChannelError on failure."""

    def tier_limit(self) -> int:
        """Unique recipients allowed per rolling 24 hours (a large number where there is no such limit)."""


def get_channel(channel: str) -> Sender:
    if channel == "email":
        from swingfund.outreach.channels.email import EmailSender

        return EmailSender()
    if channel == "whatsapp":
        from swingfund.outreach.channels.whatsapp import WhatsAppSender

        return WhatsAppSender()
    raise ValueError(f"unknown channel {channel!r}")
