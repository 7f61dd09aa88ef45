"""Path converters. `<id:pk>` is Django's `<int:pk>` bounded to what a database id can be (1 to 18 digits): a longer
number is no page (404), where `<int:>` would pass it to the database and fail there (PostgreSQL: numeric value out
of range; SQLite: Python int too large) with a server error."""

from __future__ import annotations

from django.urls import register_converter
from django.urls.converters import get_converters


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    """Register `<id:…>` (once; every urls module that uses it calls this first)."""
    if "id" not in get_converters():
        register_converter(IdConverter, "id")


register()
