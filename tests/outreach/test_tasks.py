"""The outreach queue: one drain per channel waits at a time, however often deliveries wake it."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from swingfund.outreach.models import Channel
from swingfund.outreach.tasks import deliveries_send, wake

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_a_drain_due_at_once_is_queued_once_per_channel(settings):
    settings.TASKS = DATABASE_TASKS
    for _ in range(3):
        wake(channel=Channel.EMAIL)
    wake(channel=Channel.WHATSAPP)
    waiting = DBTaskResult.objects.filter(status="READY", task_path=deliveries_send.module_path)
    assert sorted(row.args_kwargs["kwargs"]["channel"] for row in waiting) == ["email", "whatsapp"]
