"""Stripe's form encoding of nested parameters, decoded: ``line_items[0][price_data][currency]=gbp`` → nested dicts
and lists. Pure functions; the stand-in uses them to read what the real `stripe` library sends."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


class WireFormatError(ValueError):
    pass


def key_path(key: str) -> list[str]:
    """``"a[b][0][]"`` → ``["a", "b", "0", ""]``."""
    match = _KEY.match(key)
    if not match:
        raise WireFormatError(f"Malformed parameter name: {key!r}")
    return [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]


def _listify(node: Any) -> Any:
    """Dicts whose keys are all array indexes ("0", "1", … or "" for ``[]``) become lists, in index order."""
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def decode_form(body: str) -> dict[str, Any]:
    """Decode an ``application/x-www-form-urlencoded`` body (or query string) with Stripe's nested keys."""
    root: dict[str, Any] = {}
    appended: dict[tuple[str, ...], int] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        path = key_path(key)
        node = root
        for i, part in enumerate(path[:-1]):
            if part == "":
                raise WireFormatError(f"Empty index inside parameter name: {key!r}")
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise WireFormatError(f"Parameter {key!r} conflicts with {'.'.join(path[: i + 1])}")
        last = path[-1]
        if last == "":  # "expand[]=x": append
            prefix = tuple(path[:-1])
            last = str(appended.get(prefix, 0))
            appended[prefix] = int(last) + 1
        node[last] = value
    return _listify(root)
