"""Receivers of the learning core's signals, connected in ``ReportingConfig.ready``.

Each runs in the schema of the locality where the event happened (the signals are
sent there, after commit) and records it in the public reporting tables, which
that schema's search path reaches. A failed write is logged and left for the
nightly recount: the learner's action already committed and must not fail
because a dashboard could not be updated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import DatabaseError

from tenants import api as tenants_api

from . import api

logger = logging.getLogger(__name__)


def _safely(action: Callable[[], None], what: str) -> None:
    try:
        action()
    except DatabaseError:
        logger.exception("Reporte: no se registró %s; el recuento lo corregirá.", what)


def on_enrollment_created(
    sender: object,
    *,
    user_id: int,
    course_key: str,
    occurred_at: datetime,
    **kwargs: object,
) -> None:
    schema = tenants_api.current_schema()
    _safely(
        lambda: api.record_enrollment(
            schema, user_id, course_key=course_key, occurred_at=occurred_at
        ),
        "una inscripción",
    )


def on_enrollment_withdrawn(
    sender: object,
    *,
    user_id: int,
    course_key: str,
    occurred_at: datetime,
    **kwargs: object,
) -> None:
    schema = tenants_api.current_schema()
    _safely(
        lambda: api.record_withdrawal(
            schema, user_id, course_key=course_key, occurred_at=occurred_at
        ),
        "un retiro",
    )


def on_learner_active(
    sender: object, *, user_id: int, occurred_at: datetime, **kwargs: object
) -> None:
    schema = tenants_api.current_schema()
    _safely(
        lambda: api.record_activity(schema, user_id, occurred_at=occurred_at),
        "una actividad",
    )


def on_course_completed(
    sender: object,
    *,
    user_id: int,
    course_key: str,
    completed_at: datetime,
    **kwargs: object,
) -> None:
    schema = tenants_api.current_schema()
    _safely(
        lambda: api.record_completion(
            schema, user_id, course_key=course_key, occurred_at=completed_at
        ),
        "una finalización",
    )


def on_certificate_issued(
    sender: object,
    *,
    user_id: int,
    course_key: str,
    issued_at: datetime,
    **kwargs: object,
) -> None:
    schema = tenants_api.current_schema()
    _safely(
        lambda: api.record_certificate(
            schema, user_id, course_key=course_key, occurred_at=issued_at
        ),
        "un certificado",
    )


def on_people_changed(sender: object, *, user_ids: list[int] | None, **kwargs) -> None:
    """Keep the breakdown profiles in step with the accounts.

    A few people: copied right away (already after commit). Many (a bulk import):
    resynchronised by a background task so the import request stays fast.
    """
    if user_ids is None or len(user_ids) > 50:
        from .tasks import sync_person_profiles_task

        sync_person_profiles_task.delay(user_ids)
        return
    _safely(lambda: api.sync_person_profiles(user_ids), "un perfil")


def connect() -> None:
    from lms.accounts import api as accounts_api

    accounts_api.people_changed.connect(
        on_people_changed, dispatch_uid="reporting.people_changed"
    )
    from lms.learning import signals as learning

    learning.enrollment_created.connect(
        on_enrollment_created, dispatch_uid="reporting.enrolled"
    )
    learning.enrollment_withdrawn.connect(
        on_enrollment_withdrawn, dispatch_uid="reporting.withdrawn"
    )
    learning.learner_active.connect(on_learner_active, dispatch_uid="reporting.active")
    learning.course_completed.connect(
        on_course_completed, dispatch_uid="reporting.completed"
    )
    try:  # certificates.signals.certificate_issued (optional dependency at import)
        from certificates.signals import certificate_issued  # type: ignore[import]
    except ImportError:
        # Until it exists, the certified figure is refreshed by the nightly recount.
        return
    certificate_issued.connect(
        on_certificate_issued, dispatch_uid="reporting.certified"
    )
