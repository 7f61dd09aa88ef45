"""CSV exports that are safe to open in a spreadsheet: the one helper every CSV export in swingfund writes through.

OWASP's rule against CSV (formula) injection: a cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula, so a donor named `=HYPERLINK(...)` or a statement
titled `@SUM(...)` would run in the treasurer's spreadsheet. Such a cell is prefixed with a single quote (shown as
text, not evaluated); quoting of separators and quotes is left to Python's `csv` module. Plain numbers (`-1250`,
`+3.5`) are left alone, so amounts and swings stay numbers. See
https://owasp.org/www-community/attacks/CSV_Injection.

`writer(f)` and `dict_writer(f, fieldnames=…)` are drop-in replacements for `csv.writer` and `csv.DictWriter`;
`tests/test_csvsafe.py` fails if any other module of swingfund writes CSV with the `csv` module directly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The cell as written: text that a spreadsheet would read as a formula gets a leading `'`; anything else
    (numbers, None, ordinary text, plain numeric text) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Writer:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row: Iterable[Any]):
        return self._inner.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter:
    def __init__(self, inner: csv.DictWriter) -> None:
        self._inner = inner

    def writeheader(self):
        return self._inner.writeheader()

    def writerow(self, row: Mapping[str, Any]):
        return self._inner.writerow({k: neutralise(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(f, **kwargs) -> _Writer:
    """`csv.writer(f, **kwargs)` whose every cell goes through `neutralise`."""
    return _Writer(csv.writer(f, **kwargs))


def dict_writer(f, fieldnames, **kwargs) -> _DictWriter:
    """`csv.DictWriter(f, fieldnames, **kwargs)` whose every value goes through `neutralise`."""
    return _DictWriter(csv.DictWriter(f, fieldnames=fieldnames, **kwargs))
