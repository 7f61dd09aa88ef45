"""Anchoring the ledger, as Certificate Transparency anchors its logs (RFC 9162 §4.10, signed tree heads).

The hash chain (`funding.ledger`) shows that no stored transaction was changed *without recomputing the hashes after
it*; someone able to rewrite the database could change a transaction and recompute every later hash, or drop the last
transactions, and the chain would check out. A checkpoint closes that gap: it signs (Ed25519, with a key kept in a file
outside the database, `settings.LEDGER_SIGNING_KEY`) the statement "after N transactions the head hash was H". Once
published (/funding/ledger/checkpoints.json, and inside every ledger export), anyone holding a copy can check that the
live chain still extends it: transaction #N must still exist and still hash to H, and the chain up to the head must
recompute. A rewrite with recomputed hashes changes H; truncation removes #N; a forged checkpoint fails its signature.

The statement signed is the canonical JSON (sorted keys, no spaces) of
`{"format": FORMAT, "key_id", "tree_size", "head_hash", "signed_at"}`; `key_id` is the SHA-256 (hex) of the raw public
key. Verification pins the key: one given explicitly (`--key`, or `SWINGFUND_LEDGER_PUBLIC_KEY`), else the local signing
key's public half when there is one, else the keys named in the document (which proves only that the document is
self-consistent).

The committee's record chain (`committee.chain`: every vote and decision) is checkpointed with it, in the same
command and with the same key, under its own statement format (`COMMITTEE_FORMAT`).

The signing key must not live in the data folder (the database's folder, `SWINGFUND_HOME`): whoever can rewrite the
database there could re-sign a recomputed history with it. `checkpoint_sign` refuses such a key (`KEY_IN_DATA_FOLDER`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from swingfund.committee import chain as record_chain
from swingfund.committee.models import ChainLink, RecordCheckpoint
from swingfund.funding import ledger
from swingfund.funding.models import ChainHead, LedgerCheckpoint, LedgerTransaction

FORMAT = "swingfund-ledger-checkpoint/1"
COMMITTEE_FORMAT = "swingfund-committee-checkpoint/1"
WHERE_TO_KEEP = ("Keep the key off the data folder: on removable media or another machine's disk mounted only while "
                 "signing, and set SWINGFUND_LEDGER_KEY to its file (e.g. /media/usb-key/swingfund-ledger.pem); "
                 "publish its public key with the checkpoints.")
NO_KEY_SET = "No ledger signing key is configured (SWINGFUND_LEDGER_KEY). " + WHERE_TO_KEEP
NO_KEY = ("No ledger signing key at {path}: run `swingfund ledger checkpoint` once where it is kept (it creates one), "
          "or set SWINGFUND_LEDGER_KEY to its file.")
KEY_IN_DATA_FOLDER = ("Refused: the ledger signing key {path} is in the data folder {folder}, beside the database it "
                      "signs; whoever can rewrite the database there could re-sign a rewritten history with it. "
                      + WHERE_TO_KEEP)
COMMITTEE_BROKEN = ("Refused: the committee's record chain does not verify ({problem}); a checkpoint is signed only "
                    "over intact chains.")
LEDGER_BROKEN = "Refused: the ledger does not verify ({problem}); a checkpoint is signed only over an intact chain."
BAD_DOCUMENT = "{source} is not a swingfund checkpoints document: {detail}"
BAD_SIGNATURE = "checkpoint {size} ({head}…): the signature does not verify with key {key}"
UNKNOWN_KEY = "checkpoint {size}: signed by key {key}, which is not the pinned key {pinned}"
TRUNCATED = ("checkpoint {size}: the ledger now has only {have} transactions — it was truncated after the checkpoint "
             "was published")
REWRITTEN = ("checkpoint {size}: transaction #{size} now hashes to {now}…, not the {then}… signed at {when} — history "
             "up to it was rewritten (hashes recomputed)")
CHAIN_BROKEN = "the chain itself does not verify: {problem}"
KEYS_DIFFER = ("the checkpoints stored here are signed by {count} different keys ({keys}): pin the group's published "
               "key with --key or SWINGFUND_LEDGER_PUBLIC_KEY")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_raw(key)).hexdigest()


def data_folders() -> list[Path]:
    """The folders a signing key must not be in: the data folder (`SWINGFUND_HOME`) and the SQLite database's."""
    from swingfund.settings import data_home

    folders = [data_home().resolve()]
    database = settings.DATABASES["default"]
    if database.get("ENGINE", "").endswith(("sqlite3", "dbsqlite")) and str(database.get("NAME", ":memory:")) \
            not in ("", ":memory:") and not str(database["NAME"]).startswith("file:"):
        folders.append(Path(database["NAME"]).resolve().parent)
    return folders


def key_location_refusal(path: str | os.PathLike) -> str | None:
    """Why the signing key may not be kept at `path` (None when it may)."""
    resolved = Path(path).resolve()
    for folder in data_folders():
        if resolved.is_relative_to(folder):
            return KEY_IN_DATA_FOLDER.format(path=resolved, folder=folder)
    return None


def signing_key(*, path: str | os.PathLike | None = None, create: bool = False) -> Ed25519PrivateKey:
    """The signing key from its PEM file (PKCS#8); created, readable by its owner only, when `create` is set."""
    if not (path or settings.LEDGER_SIGNING_KEY):
        raise FileNotFoundError(NO_KEY_SET)
    path = Path(path or settings.LEDGER_SIGNING_KEY)
    if not path.exists():
        if not create:
            raise FileNotFoundError(NO_KEY.format(path=path))
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key


def statement_bytes(*, key_id: str, tree_size: int, head_hash: str, signed_at: str, fmt: str = FORMAT) -> bytes:
    """The exact bytes signed (see the module docstring); `fmt` is COMMITTEE_FORMAT for the committee's chain."""
    document = {"format": fmt, "key_id": key_id, "tree_size": tree_size, "head_hash": head_hash,
                "signed_at": signed_at}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def checkpoint_sign(*, key: Ed25519PrivateKey, now: dt.datetime | None = None,
                    key_path: str | os.PathLike | None = None) -> LedgerCheckpoint:
    """Verify the whole ledger and the committee's record chain, then sign and store a checkpoint of each head (under
    both chains' locks, so nothing is appended between reading a head and signing it). Refused when the key's file
    (`key_path`, default `settings.LEDGER_SIGNING_KEY`) is in the data folder. Returns the ledger's checkpoint."""
    location = key_path or settings.LEDGER_SIGNING_KEY
    refusal = key_location_refusal(location) if location else None
    if refusal:
        raise ValueError(refusal)
    with transaction.atomic():
        ledger.chain_lock()
        record_chain.head_lock()
        report = ledger.ledger_verify()
        if not report.ok:
            raise ValueError(LEDGER_BROKEN.format(problem=report.problem))
        committee = record_chain.chain_verify()
        if not committee.ok:
            raise ValueError(COMMITTEE_BROKEN.format(problem=committee.problem))
        head = ChainHead.objects.filter(pk=1).first()
        size, head_hash = (head.last_id, head.last_hash) if head else (0, ledger.GENESIS_HASH)
        public = key.public_key()
        key_id = key_id_of(public)
        signed_at = _utc(now or timezone.now())
        moment = dt.datetime.fromisoformat(signed_at)

        def sign(fmt: str, tree_size: int, head_hash: str) -> dict:
            signature = key.sign(statement_bytes(key_id=key_id, tree_size=tree_size, head_hash=head_hash,
                                                 signed_at=signed_at, fmt=fmt))
            return {"tree_size": tree_size, "head_hash": head_hash, "signed_at": moment, "key_id": key_id,
                    "public_key": _b64(public_raw(public)), "signature": _b64(signature)}

        RecordCheckpoint.objects.create(**sign(COMMITTEE_FORMAT, committee.checked, committee.head_hash))
        return LedgerCheckpoint.objects.create(**sign(FORMAT, size, head_hash))


def checkpoint_dict(c: LedgerCheckpoint) -> dict:
    return {"tree_size": c.tree_size, "head_hash": c.head_hash, "signed_at": _utc(c.signed_at), "key_id": c.key_id,
            "signature": c.signature}


def checkpoints_document(*, latest_only: bool = False) -> dict:
    """Every checkpoint (or only the latest of each chain) with the public keys that signed them: what
    /funding/ledger/checkpoints.json publishes. The committee's record chain's are under "committee"."""
    rows = list(LedgerCheckpoint.objects.order_by("tree_size", "id"))
    committee = list(RecordCheckpoint.objects.order_by("tree_size", "id"))
    if latest_only:
        rows, committee = rows[-1:], committee[-1:]
    return {"format": FORMAT, "keys": {c.key_id: c.public_key for c in [*rows, *committee]},
            "checkpoints": [checkpoint_dict(c) for c in rows],
            "committee": {"format": COMMITTEE_FORMAT, "checkpoints": [checkpoint_dict(c) for c in committee]}}


def document_load(source: str) -> dict:
    """A checkpoints document from a file path or an http(s) URL (a full ledger export carries one under
    "checkpoints")."""
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 (an http(s) URL only)
                raw = response.read()
        else:
            raw = Path(source).read_bytes()
        document = json.loads(raw)
    except (OSError, ValueError) as error:
        raise ValueError(BAD_DOCUMENT.format(source=source, detail=error)) from error
    if isinstance(document, dict) and isinstance(document.get("checkpoints"), dict):
        document = document["checkpoints"]  # a ledger export
    if not (isinstance(document, dict) and document.get("format") == FORMAT
            and isinstance(document.get("checkpoints"), list) and isinstance(document.get("keys"), dict)):
        raise ValueError(BAD_DOCUMENT.format(source=source, detail=f"no {FORMAT!r} checkpoints in it"))
    return document


@dataclass
class AnchorReport:
    checked: int
    problems: list[str]
    committee_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _signature_problem(document: dict, c: dict, *, pinned: Ed25519PublicKey | None, fmt: str) -> str | None:
    size, head, key_id = int(c["tree_size"]), str(c["head_hash"]), str(c["key_id"])
    pinned_id = key_id_of(pinned) if pinned is not None else None
    if pinned_id is not None and key_id != pinned_id:
        return UNKNOWN_KEY.format(size=size, key=key_id[:16], pinned=pinned_id[:16])
    try:
        public = pinned or Ed25519PublicKey.from_public_bytes(base64.b64decode(document["keys"][key_id]))
        if key_id_of(public) != key_id:
            raise InvalidSignature
        public.verify(base64.b64decode(c["signature"]), statement_bytes(
            key_id=key_id, tree_size=size, head_hash=head, signed_at=str(c["signed_at"]), fmt=fmt))
    except (InvalidSignature, KeyError, ValueError):
        return BAD_SIGNATURE.format(size=size, head=head[:12], key=key_id[:16])
    return None


def verify_against(document: dict, *, pinned: Ed25519PublicKey | None = None, recompute: bool = True) -> AnchorReport:
    """Check every checkpoint of `document`: signed by the pinned key (when given), the signature valid, and the live
    chain extending it (transaction #N present and hashing to the signed head); the same for the committee's record
    chain when the document carries its checkpoints. Also recomputes both chains (the ledger's unless `recompute` is
    off: the caller has just done it)."""
    problems: list[str] = []
    report = ledger.ledger_verify() if recompute else None
    if report is not None and not report.ok:
        problems.append(CHAIN_BROKEN.format(problem=report.problem))
    have = LedgerTransaction.objects.count()
    for c in document["checkpoints"]:
        size, head = int(c["tree_size"]), str(c["head_hash"])
        if problem := _signature_problem(document, c, pinned=pinned, fmt=FORMAT):
            problems.append(problem)
            continue
        if size == 0:
            continue
        if size > have:
            problems.append(TRUNCATED.format(size=size, have=have))
            continue
        now = LedgerTransaction.objects.filter(pk=size).values_list("hash", flat=True).first() or "(missing)"
        if now != head:
            problems.append(REWRITTEN.format(size=size, now=now[:12], then=head[:12], when=c["signed_at"]))
    committee = (document.get("committee") or {}).get("checkpoints") or []
    if committee:
        chained = record_chain.chain_verify()
        if not chained.ok:
            problems.append(record_chain.CHAIN_BROKEN.format(problem=chained.problem))
        links = ChainLink.objects.count()
        for c in committee:
            size, head = int(c["tree_size"]), str(c["head_hash"])
            if problem := _signature_problem(document, c, pinned=pinned, fmt=COMMITTEE_FORMAT):
                problems.append("committee " + problem)
                continue
            if size == 0:
                continue
            now = ChainLink.objects.filter(position=size).values_list("hash", flat=True).first() or "(missing)"
            if size > links:
                problems.append("committee " + TRUNCATED.format(size=size, have=links).replace("transactions",
                                                                                                 "records"))
            elif now != head:
                problems.append("committee " + REWRITTEN.format(size=size, now=now[:12], then=head[:12],
                                                                when=c["signed_at"]).replace("transaction", "record"))
    return AnchorReport(checked=len(document["checkpoints"]), problems=problems, committee_checked=len(committee))


def verify_stored(*, pinned: Ed25519PublicKey | None = None, recompute: bool = True) -> AnchorReport:
    """Check the chains against every checkpoint this database holds, the latest included (what plain `ledger verify`
    does). Checkpoints can only be added (on PostgreSQL the application's role may not delete one), so a history
    rewritten and re-signed with another key still fails the earlier honest ones; and without a pinned key, stored
    checkpoints signed by more than one key are a problem in themselves (`KEYS_DIFFER`)."""
    document = checkpoints_document()
    report = verify_against(document, pinned=pinned, recompute=recompute)
    if pinned is None and len(document["keys"]) > 1:
        report.problems.append(KEYS_DIFFER.format(count=len(document["keys"]),
                                                  keys=", ".join(k[:16] + "…" for k in document["keys"])))
    return report
