"""The standalone verifier (`tools/verify_ledger.py`, Python's standard library and `cryptography` only) recomputes the
whole chain from the public JSON export alone, checks the latest signed checkpoint, and catches a one-penny change in
any transaction — in what is shown, or in what was hashed."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from swingfund.funding import checkpoints, services
from swingfund.funding.models import Entry, LedgerCheckpoint, LedgerTransaction

from .conftest import at, make_donor

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_ledger.py"


def _tool():
    spec = importlib.util.spec_from_file_location("verify_ledger", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _independent_hashes(export: dict) -> list[str]:
    """SHA-256 of each transaction's published inputs, computed here from the rule the export states."""
    return [hashlib.sha256(json.dumps(tx["hashed"], sort_keys=True, separators=(",", ":"),
                                      ensure_ascii=False).encode()).hexdigest() for tx in export["transactions"]]


def _run(tool, export: dict, tmp_path: Path, *args: str) -> int:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    return tool.main([str(path), *args])


def _one_penny_changes(export: dict):
    """For each transaction, the export with one entry moved by a penny: in what is shown, then in what was hashed."""
    for index, tx in enumerate(export["transactions"]):
        shown = copy.deepcopy(export)
        shown["transactions"][index]["entries"][0]["amount_pence"] += 1
        yield tx["id"], "shown", shown
        hashed = copy.deepcopy(export)
        hashed["transactions"][index]["hashed"]["entries"][0][1] += 1
        hashed["transactions"][index]["entries"][0]["amount_pence"] += 1
        yield tx["id"], "hashed", hashed


@pytest.fixture
def export(pooled, client, tmp_path, settings):
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "keys" / "ledger.pem")
    donor = make_donor("Ann Elector")
    for day, pence in enumerate((10_000, 25_050, 4_001), start=1):
        services.donation_record(campaign=pooled, donor=donor, amount_pence=pence, method="bank_transfer",
                                 received_at=at(f"06-0{day}"))
    call_command("ledger", "checkpoint")
    return client.get("/funding/ledger.json").json()


def test_the_export_carries_every_input_of_every_hash(export):
    rows = LedgerTransaction.objects.order_by("id")
    assert [tx["id"] for tx in export["transactions"]] == [tx.pk for tx in rows]
    assert _independent_hashes(export) == [tx.hash for tx in rows]
    for tx, row in zip(export["transactions"], rows, strict=True):
        entries = Entry.objects.filter(transaction=row).order_by("id").select_related("account")
        assert tx["hashed"]["entries"] == [[e.account.code, e.amount_pence, e.memo] for e in entries]
        assert (tx["hashed"]["description"], tx["hashed"]["campaign"]) == (row.description, row.campaign_id)


def test_the_standalone_verifier_recomputes_the_chain_and_the_latest_checkpoint(export, tmp_path, capsys):
    tool = _tool()
    key = checkpoints.checkpoints_document()["keys"][LedgerCheckpoint.objects.get().key_id]
    assert _run(tool, export, tmp_path, "--key", key) == 0
    out = capsys.readouterr().out
    assert f"{len(export['transactions'])} transactions recomputed" in out
    assert f"Head hash {_independent_hashes(export)[-1]}" in out and "verifies with the pinned key" in out


def test_the_standalone_verifier_catches_a_one_penny_change_in_any_transaction(export, tmp_path, capsys):
    tool = _tool()
    for position, where, changed in _one_penny_changes(export):
        assert _run(tool, changed, tmp_path) == 1, (position, where)
        problem = capsys.readouterr().err
        assert f"transaction #{position}" in problem, (position, where, problem)


def test_a_rehashed_forgery_fails_the_signed_checkpoint(export, tmp_path, capsys):
    tool = _tool()
    forged = copy.deepcopy(export)
    forged["transactions"][0]["hashed"]["entries"][0][1] -= 1  # £100.00 → £99.99, and every hash recomputed
    forged["transactions"][0]["hashed"]["entries"][1][1] += 1
    for tx in forged["transactions"]:
        tx["entries"] = [{**e, "amount_pence": h[1]} for e, h in zip(tx["entries"], tx["hashed"]["entries"],
                                                                     strict=True)]
    previous = "0" * 64
    for tx in forged["transactions"]:
        tx["hashed"]["prev_hash"] = tx["prev_hash"] = previous
        tx["hash"] = previous = hashlib.sha256(json.dumps(tx["hashed"], sort_keys=True, separators=(",", ":"),
                                                          ensure_ascii=False).encode()).hexdigest()
    assert _run(tool, forged, tmp_path) == 1
    assert "history was rewritten" in capsys.readouterr().err


@pytest.mark.slow
def test_the_verifier_recomputes_the_demos_ledger_served_by_swingfund_serve(migrated_scratch_url, data_dir, tmp_path):
    from swingfund.testing import loadtest
    from swingfund.testing.stripe_standin import StandIn

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWINGFUND_", "DATABASE_"))}
    env |= {"DATABASE_URL": migrated_scratch_url, "SWINGFUND_HOME": str(tmp_path / "home"),
            "SWINGFUND_DATA": str(data_dir), "SWINGFUND_LEDGER_KEY": str(tmp_path / "keys" / "ledger.pem"),
            "DJANGO_SETTINGS_MODULE": "swingfund.settings"}
    for command in (["demo", "--no-serve"], ["ledger", "checkpoint"]):
        done = subprocess.run([sys.executable, "-m", "swingfund", *command], env=env, capture_output=True, text=True,
                              timeout=900, check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    key = done.stdout.split("(public key ")[1].split(")")[0]
    with StandIn() as standin, loadtest.AppServer(database_url=migrated_scratch_url, standin=standin, threads=2,
                                                  worker=False) as server:
        url = server.url + "/funding/ledger.json"
        verified = subprocess.run([sys.executable, str(TOOL), url, "--key", key], capture_output=True, text=True,
                                  timeout=600, check=False, env={"PATH": os.environ.get("PATH", "")})
        export = json.loads(urllib.request.urlopen(url, timeout=60).read())  # noqa: S310 — our own loopback server
    assert verified.returncode == 0, verified.stderr
    transactions = export["transactions"]
    assert len(transactions) >= 10, "the demo posts gifts, grants and spending"
    assert f"Ledger OK: {len(transactions)} transactions recomputed" in verified.stdout
    assert f"Head hash {_independent_hashes(export)[-1]}" in verified.stdout
    assert _independent_hashes(export) == [tx["hash"] for tx in transactions]
    tool = _tool()
    for position, where, changed in _one_penny_changes(export):
        assert _run(tool, changed, tmp_path, "--key", key) == 1, (position, where)
