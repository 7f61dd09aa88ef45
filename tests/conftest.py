"""Shared fixtures. Official files come from SWINGFUND_DATA (CI sets it to ../shared/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def official_data_dir() -> Path:
    """The folder of official files. A missing folder is a set-up error, never a silent skip."""
    value = os.environ.get("SWINGFUND_DATA")
    if not value:
        raise RuntimeError("SWINGFUND_DATA is not set: point it at the folder of official files (../shared/data).")
    path = Path(value)
    if not path.is_dir():
        raise RuntimeError(f"SWINGFUND_DATA={value} is not a folder")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return official_data_dir()
