"""Postcode → 2010-review constituency from regular expressions (`postcode-regex-pcon2010/X.json`).

Each `X.json` (X = the postcode's first letter) maps GSS codes to one anchored regex over postcodes written
uppercase without spaces; at most one matches. The files were generated from the ONSPD February 2021 edition,
so postcodes created later match nothing, and a string that is not a real postcode can still match: validate
the postcode first (the selector does). Used for the 2010-review boundary set when no ONSPD edition with
2010-review codes has been imported.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=32)
def _patterns(path: Path) -> tuple[tuple[str, re.Pattern[str]], ...]:
    with path.open(encoding="utf-8") as handle:
        table = json.load(handle)
    return tuple((code, re.compile(pattern)) for code, pattern in table.items())


def regex_lookup(*, folder: Path, postcode: str) -> str | None:
    """The GSS code whose regex matches `postcode` (already uppercase, no spaces), or None."""
    path = folder / f"{postcode[:1]}.json"
    if not postcode[:1].isalpha() or not path.is_file():
        return None
    return next((code for code, pattern in _patterns(path) if pattern.match(postcode)), None)
