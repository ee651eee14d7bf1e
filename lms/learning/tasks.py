"""Celery tasks of the learning records: thin callers of the topic modules.

They import the topic modules, not ``api`` (which only re-exports them for other
apps), so the app's own modules never go through its public door.
"""

from __future__ import annotations

from datetime import date, datetime

from celery import shared_task
from django.utils import timezone

from tenants import api as tenants_api

from .email import send_notification_email
from .errors import LrsUnavailable
from .lrs import forward_statements
from .progress import touch_lesson_view
from .reminders import send_daily_notifications


@shared_task(
    name="learning.forward_statements",
    autoretry_for=(LrsUnavailable,),
    retry_backoff=15,
    retry_backoff_max=45,
    max_retries=2,
)
def forward_statements_task(schema_name: str) -> int:
    """Forward one locality's backlog to the LRS; a brief outage is retried twice
    within the minute. Longer ones are left to the next beat run (every minute),
    which takes up the whole backlog: retrying forever as well only piled up
    tasks while the LRS was down."""
    with tenants_api.in_locality(schema_name):
        return forward_statements()


@shared_task(name="learning.forward_all_statements")
def forward_all_statements_task() -> dict[str, str]:
    """Beat: one forwarding task per locality (a slow LRS delays no one else, and
    a locality whose batch is refused is retried alone). Returns schema → task id."""
    return {
        schema: forward_statements_task.delay(schema).id
        for schema in tenants_api.locality_schemas()
    }


@shared_task(name="learning.send_notification_email")
def send_notification_email_task(notification_id: int) -> bool:
    """Runs in the schema of the locality that made the notice (tenant-aware app)."""
    return send_notification_email(notification_id)


@shared_task(name="learning.daily_notifications")
def daily_notifications_task() -> dict[str, str]:
    """Beat, daily: one task per locality makes its session reminders and nudges.

    Separate tasks, so a locality that fails (its error is in the worker's log
    and its task's result) does not keep the others' learners from their
    reminders. Every locality counts the same day, even if the queue is slow.
    Returns schema → task id.
    """
    today = timezone.localdate().isoformat()
    return {
        schema: daily_notifications_in_locality_task.delay(schema, today).id
        for schema in tenants_api.locality_schemas()
    }


@shared_task(name="learning.daily_notifications_in_locality")
def daily_notifications_in_locality_task(schema_name: str, today: str) -> list[int]:
    """One locality's reminders and nudges for ``today`` (ISO date): made once,
    so running it again (a redelivery) makes nothing twice."""
    with tenants_api.in_locality(schema_name):
        made = send_daily_notifications(today=date.fromisoformat(today))
    return list(made)


@shared_task(name="learning.touch_lesson_view")
def touch_lesson_view_task(
    schema_name: str, user_id: int, course_key: str, lesson_key: str, viewed_at: str
) -> bool:
    """A repeat lesson view, recorded off the learner's request (``viewed_at`` in
    ISO format): "last viewed", the day's activity, a completion it brings.
    Safe to run twice or late (the time only moves forward)."""
    with tenants_api.in_locality(schema_name):
        return touch_lesson_view(
            user_id,
            course_key,
            lesson_key,
            viewed_at=datetime.fromisoformat(viewed_at),
        )
