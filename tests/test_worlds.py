"""The test kit's world snapshot (tests/fixtures/worlds.py) gives a test exactly the database a real build gives."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.fixtures import worlds


def _whole_database() -> dict:
    return {model._meta.db_table: rows for model, (_, rows) in worlds._state().items()}


def test_the_rows_put_back_are_the_rows_the_build_wrote(official_db, monkeypatch, settings):
    from tests.public.conftest import build_world

    monkeypatch.setattr(worlds, "_WORLDS", {})
    with transaction.atomic():
        build_world(settings, monkeypatch)  # built for real, its rows kept
        built = _whole_database()
        transaction.set_rollback(True)
    assert len(worlds._WORLDS) == 1 and next(iter(worlds._WORLDS.values())).row_count > 400
    with transaction.atomic():
        journey = build_world(settings, monkeypatch)  # put back
        restored = _whole_database()
        transaction.set_rollback(True)
    assert journey.grant.amount_pence > 0
    assert restored.keys() == built.keys()
    different = [table for table in built if built[table] != restored[table]]
    assert not different, f"tables that differ from a real build: {different}"


def test_rows_that_do_not_fit_are_built_for_real(official_db):
    from swingfund.organisations.models import Organisation

    calls = []

    def build():
        calls.append(1)
        Organisation.objects.create(name="Kit Group", slug="kit-group")

    with transaction.atomic():
        assert worlds.world_restore_or_build("kit-test", build) is False
        transaction.set_rollback(True)
    with transaction.atomic():
        assert worlds.world_restore_or_build("kit-test", build) is True  # put back
        assert Organisation.objects.filter(slug="kit-group").count() == 1
        transaction.set_rollback(True)
    with transaction.atomic():
        Organisation.objects.create(name="Other", slug="other")  # the table no longer holds what it held: rebuilt
        assert worlds.world_restore_or_build("kit-test", build) is False
        transaction.set_rollback(True)
    assert len(calls) == 2
    worlds._WORLDS.pop(next(k for k in worlds._WORLDS if k[0] == "kit-test"))


def test_a_build_that_deletes_rows_cannot_be_kept(official_db):
    from swingfund.organisations.models import Organisation

    Organisation.objects.create(name="Gone", slug="gone")

    def build():
        Organisation.objects.filter(slug="gone").delete()

    with transaction.atomic(), pytest.raises(RuntimeError, match="deleted rows of scorecards_organisation"):
        worlds.world_restore_or_build("kit-delete", build)
