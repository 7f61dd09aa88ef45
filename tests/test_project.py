"""Project-level checks: Django's system checks pass and every model change has a migration."""

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def test_system_checks_pass():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        raise AssertionError(f"missing migrations:\n{out.getvalue()}") from exc


@pytest.mark.django_db
def test_a_sqlite_commit_is_on_disk_before_it_returns():
    """A webhook's 200 tells Stripe to stop retrying: on SQLite the commit must survive a power cut (FULL), not only
    a crash of the process (NORMAL), as PostgreSQL's synchronous_commit=on does; WAL lets readers work meanwhile."""
    from django.db import connection

    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] in {"wal", "memory"}  # the test database may be in memory


@pytest.mark.parametrize("name", sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "benchmarks")
                                        .glob("*.py") if not p.stem.startswith("_")))
def test_every_benchmark_imports(name):
    """A benchmark whose imports moved fails here rather than when someone next runs it."""
    importlib.import_module(f"benchmarks.{name}")


def _requirement_names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_every_package_the_code_imports_is_a_declared_dependency():
    """A newcomer's `pip install -e .` into a fresh virtual environment (the README's first command) installs only
    what pyproject.toml declares; CI's environment has more (system site packages), so a missing dependency showed
    only there (python-dotenv: `swingfund demo` died at `from dotenv import load_dotenv`). Every third-party module
    imported under src/swingfund must come from a declared distribution: the core dependencies, `postgres` for
    psycopg, and `test` only for the stand-ins under swingfund/testing."""
    import ast
    import importlib.metadata
    import sys
    import tomllib

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    core = _requirement_names(project["dependencies"])
    extras = {name: _requirement_names(reqs) for name, reqs in project["optional-dependencies"].items()}
    providers = importlib.metadata.packages_distributions()
    missing = []
    for path in sorted((root / "src" / "swingfund").rglob("*.py")):
        allowed = core | extras["postgres"] | (extras["test"] if "testing" in path.parts else set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "swingfund":
                    continue
                dists = {d.lower().replace("_", "-") for d in providers.get(top, [])}
                if not dists & allowed:
                    missing.append(f"{path.relative_to(root)}: {top} (from {sorted(dists) or 'nothing installed'})")
    assert not missing, "imported but not declared in pyproject.toml:\n" + "\n".join(sorted(set(missing)))
