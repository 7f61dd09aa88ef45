"""The layers of DESIGN.md are part of the suite: import-linter's contracts (pyproject.toml, [tool.importlinter])
must hold, and an import of a higher app hidden inside a function of a lower one must break them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
BREAK = '''

def _reaches_up():
    """Deliberately wrong: the law reaching for the money layer inside a function."""
    from swingfund.funding import ledger

    return ledger
'''


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    executable = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([executable, "--no-cache", str(ROOT / "pyproject.toml")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_contracts_hold():
    proc = lint_imports(SRC)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_an_import_of_funding_inside_a_function_of_the_law_breaks_the_layers(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(SRC / "swingfund", copy / "swingfund", ignore=shutil.ignore_patterns("__pycache__"))
    checks = copy / "swingfund" / "compliance" / "checks.py"
    checks.write_text(checks.read_text() + BREAK)
    proc = lint_imports(copy)
    assert proc.returncode != 0
    assert "swingfund.compliance is not allowed to import swingfund.funding" in proc.stdout
    assert "swingfund.compliance.checks -> swingfund.funding" in proc.stdout
