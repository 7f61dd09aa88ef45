#!/usr/bin/env python3
"""Recompute a swingfund group's public ledger from its JSON export alone, and check its latest signed checkpoint.

    python3 verify_ledger.py ledger.json                 # a saved copy of https://SITE/funding/ledger.json
    python3 verify_ledger.py https://SITE/funding/ledger.json --key BASE64-PUBLIC-KEY

Needs only Python 3.11+ and, for the checkpoint's signature, the `cryptography` package (`pip install cryptography`);
it imports nothing of swingfund and never touches the group's database. What it checks, stopping at the first problem:

1. every transaction's "hashed" object (each input of its hash) hashes to its stored hash: SHA-256 of the object's
   UTF-8 JSON with keys sorted, no spaces and non-ASCII characters unescaped;
2. the chain: positions 1, 2, 3 … with no gap, each prev_hash equal to the hash before (the first's is genesis_hash);
3. what the export shows is what was hashed: id, prev_hash, kind and the entries (account, pence) of each transaction
   equal its hashed inputs, and every transaction's entries sum to zero;
4. the latest signed checkpoint: its Ed25519 signature over the statement
   {"format", "key_id", "tree_size", "head_hash", "signed_at"} (canonical JSON, as above but ASCII) verifies with the
   key pinned by --key (else the key named in the export, which proves only that the file is self-consistent), and
   transaction #tree_size hashes to the signed head.

Exit status 0 when everything checks, 1 naming the first problem, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import urllib.request
from pathlib import Path

CHECKPOINT_FORMAT = "swingfund-ledger-checkpoint/1"
GENESIS_HASH = "0" * 64


class Problem(Exception):
    """The ledger or its checkpoint does not verify; the message names the transaction or checkpoint."""


def load(source: str) -> dict:
    """The export from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 (an http(s) URL only)
            raw = response.read()
    else:
        raw = Path(source).read_bytes()
    document = json.loads(raw)
    if not isinstance(document, dict) or not isinstance(document.get("transactions"), list):
        raise ValueError(f"{source} is not a swingfund ledger export (no \"transactions\" list)")
    return document


def canonical(document: object, *, ascii_only: bool = False) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_chain(export: dict) -> list[str]:
    """Recompute every hash; returns the hashes in order (index 0 is transaction #1). Raises Problem."""
    previous = str(export.get("genesis_hash") or GENESIS_HASH)
    hashes: list[str] = []
    for index, tx in enumerate(export["transactions"], start=1):
        hashed = tx.get("hashed")
        if not isinstance(hashed, dict):
            raise Problem(f"transaction #{tx.get('id', index)}: the export does not carry its hash inputs (\"hashed\")")
        if hashed.get("position") != index or tx.get("id") != index:
            raise Problem(f"transaction #{tx.get('id')} found where #{index} was expected (a gap in the chain)")
        if hashed.get("prev_hash") != previous or tx.get("prev_hash") != previous:
            raise Problem(f"transaction #{index} does not point at the hash of its predecessor")
        digest = sha256(canonical(hashed))
        if digest != tx.get("hash"):
            raise Problem(f"transaction #{index} has been altered: its inputs hash to {digest[:16]}…, "
                          f"not the published {str(tx.get('hash'))[:16]}…")
        entries = hashed.get("entries") or []
        if tx.get("kind") != hashed.get("kind"):
            raise Problem(f"transaction #{index}: shown as {tx.get('kind')!r}, hashed as {hashed.get('kind')!r}")
        shown = [[e.get("account"), e.get("amount_pence")] for e in tx.get("entries") or []]
        if shown != [[code, amount] for code, amount, _memo in entries]:
            raise Problem(f"transaction #{index}: the entries shown ({shown}) are not the entries hashed")
        total = sum(amount for _code, amount, _memo in entries)
        if total != 0 or len(entries) < 2:
            raise Problem(f"transaction #{index} is unbalanced ({total:+d} pence)")
        hashes.append(digest)
        previous = digest
    return hashes


def public_key_from(text: str):
    """An Ed25519 public key from base64 of its 32 raw bytes, or a file holding that."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    path = Path(text)
    if path.is_file():
        text = path.read_text()
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))


def verify_checkpoint(export: dict, hashes: list[str], *, pinned: str | None) -> str:
    """Check the latest checkpoint; returns what was checked. Raises Problem."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization

    document = export.get("checkpoints") or {}
    items = document.get("checkpoints") or []
    if not items:
        if pinned:
            raise Problem("the export carries no signed checkpoint, and a key was given to check one with")
        return "no signed checkpoint published yet"
    latest = max(items, key=lambda c: int(c["tree_size"]))
    size, head, key_id = int(latest["tree_size"]), str(latest["head_hash"]), str(latest["key_id"])
    try:
        key = public_key_from(pinned) if pinned else public_key_from(document["keys"][key_id])
    except (KeyError, ValueError) as error:
        raise Problem(f"checkpoint {size}: no usable public key ({error})") from error
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if sha256(raw) != key_id:
        raise Problem(f"checkpoint {size}: signed by key {key_id[:16]}…, not the pinned key {sha256(raw)[:16]}…")
    statement = canonical({"format": CHECKPOINT_FORMAT, "key_id": key_id, "tree_size": size, "head_hash": head,
                           "signed_at": str(latest["signed_at"])}, ascii_only=True)
    try:
        key.verify(base64.b64decode(latest["signature"]), statement)
    except (InvalidSignature, ValueError) as error:
        raise Problem(f"checkpoint {size}: the signature does not verify with key {key_id[:16]}…") from error
    if size > len(hashes):
        raise Problem(f"checkpoint {size}: the export has only {len(hashes)} transactions (truncated)")
    if size and hashes[size - 1] != head:
        raise Problem(f"checkpoint {size}: transaction #{size} hashes to {hashes[size - 1][:16]}…, not the signed "
                      f"head {head[:16]}… (history was rewritten)")
    whose = "the pinned key" if pinned else "the key named in the export (pin it with --key)"
    return f"the latest checkpoint ({size} transactions, signed {latest['signed_at']}) verifies with {whose}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="the ledger JSON export: a file or an http(s) URL")
    parser.add_argument("--key", help="the group's published public key (base64, or a file holding it)")
    args = parser.parse_args(argv)
    try:
        export = load(args.export)
    except (OSError, ValueError) as error:
        print(f"cannot read {args.export}: {error}", file=sys.stderr)
        return 2
    try:
        hashes = verify_chain(export)
        anchored = verify_checkpoint(export, hashes, pinned=args.key)
    except Problem as problem:
        print(f"Ledger does NOT verify: {problem}", file=sys.stderr)
        return 1
    head = hashes[-1] if hashes else GENESIS_HASH
    print(f"Ledger OK: {len(hashes)} transactions recomputed, chain intact, every transaction balanced; {anchored}. "
          f"Head hash {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
