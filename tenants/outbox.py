"""Tasks that survive a broker outage: a transactional outbox and its relay.

``send_after_commit`` writes the task into ``TaskOutbox`` inside the caller's
transaction (same database transaction as the completion or notice that needs
it) and, once that commits, publishes it to the broker and deletes the row. If
the broker is down at that moment the row stays, the learner's request still
succeeds (nothing here raises after commit), and the relay (beat, every
``OUTBOX_RELAY_SECONDS``) publishes it when the broker is back.

A row is locked while it is published (``SKIP LOCKED``), so the after-commit
send and the relay never publish the same row at once. If the process dies
between publishing and deleting, the relay publishes it again: delivery is at
least once, and the tasks sent this way are idempotent (one certificate per
person and course version; one notice per person, kind and reference).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import TaskOutbox

logger = logging.getLogger(__name__)

# The after-commit send normally takes a row within milliseconds; the relay
# leaves younger rows to it.
RELAY_GRACE = timedelta(seconds=10)
CONNECT_TIMEOUT = 2  # seconds


def send_after_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Have ``task_name`` run (in the current schema) once this transaction commits.

    Arguments must be JSON values (the broker's serializer is JSON anyway).
    Outside a transaction (autocommit: an after-commit receiver, say) there is
    nothing to wait for: the task is published at once, and written to the
    outbox for the relay only if the broker does not take it.
    """
    if not connection.in_atomic_block:
        _send_now(task_name, list(args), kwargs)
        return
    row = TaskOutbox.objects.create(
        schema_name=connection.schema_name,
        task_name=task_name,
        args=list(args),
        kwargs=kwargs,
        created_at=timezone.now(),
    )
    # robust: a failure here never stops the after-commit hooks queued after it.
    transaction.on_commit(lambda: _send_one(row.pk), robust=True)


def _send_now(task_name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    # The outbox row, its lock and its delete (five statements) only guard a
    # task against a transaction that might not commit; here none is open.
    row = TaskOutbox(
        schema_name=connection.schema_name,
        task_name=task_name,
        args=args,
        kwargs=kwargs,
        created_at=timezone.now(),
    )
    try:
        _publish(row)
    except (BrokerUnavailable, OSError) as exc:  # the relay sends it later
        logger.warning(
            "Outbox: el broker no recibió una tarea (%s); queda para el relevo.", exc
        )
        row.attempts = 1
        row.last_error = str(exc)[:2000]
        row.save(force_insert=True)


def _publish(row: TaskOutbox) -> None:
    # The locality travels in the message header that tenant-schemas-celery
    # reads; retry=False: a dead broker fails at once, the relay retries.
    # Through the registered task (imported on first use), so a test's eager
    # mode still applies.
    if row.task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    task = current_app.tasks[row.task_name]
    with current_app.pool.acquire(block=True) as broker:
        # One quick try: a learner's request must not wait out kombu's default
        # reconnection back-off (about six seconds per task) for a dead broker.
        broker.ensure_connection(
            max_retries=1, interval_start=0.1, timeout=CONNECT_TIMEOUT
        )
        task.apply_async(
            args=row.args,
            kwargs=row.kwargs,
            headers={"_schema_name": row.schema_name},
            retry=False,
            connection=broker,
        )


def _send_one(row_id: int) -> bool:
    try:
        with transaction.atomic():
            row = (
                TaskOutbox.objects.select_for_update(skip_locked=True)
                .filter(pk=row_id)
                .first()
            )
            if row is None:  # the relay has it (or sent it already)
                return False
            _publish(row)
            row.delete()
        return True
    except (BrokerUnavailable, OSError) as exc:  # the row waits for the relay
        _record_failure([row_id], exc)
        return False


def relay_pending(*, limit: int = 500) -> int:
    """Publish rows the after-commit send could not; returns how many went out.

    Stops at the first failure (the broker is still down); the rest wait for
    the next run.
    """
    sent = 0
    with transaction.atomic():
        rows = list(
            TaskOutbox.objects.select_for_update(skip_locked=True)
            .filter(created_at__lt=timezone.now() - RELAY_GRACE)
            .order_by("created_at")[:limit]
        )
        for row in rows:
            try:
                _publish(row)
            except (BrokerUnavailable, OSError) as exc:
                _record_failure([r.pk for r in rows[sent:]], exc)
                break
            row.delete()
            sent += 1
    if sent:
        logger.info("Outbox: %s tareas enviadas por el relevo.", sent)
    return sent


def pending_count() -> int:
    return TaskOutbox.objects.count()


def outbox_backlog() -> tuple[int, float]:
    """Rows waiting and the age in seconds of the oldest (0 when none wait)."""
    from django.db.models import Count, Min

    row = TaskOutbox.objects.aggregate(count=Count("pk"), oldest=Min("created_at"))
    oldest = row["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return row["count"], max(age, 0.0)


def _record_failure(row_ids: list[int], exc: Exception) -> None:
    logger.warning(
        "Outbox: el broker no recibió %s tarea(s) (%s); quedan para el relevo.",
        len(row_ids),
        exc,
    )
    try:
        TaskOutbox.objects.filter(pk__in=row_ids).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:2000]
        )
    except DatabaseError:  # the database may be what failed; the rows stay anyway
        logger.exception("Outbox: no se pudo anotar el fallo.")
