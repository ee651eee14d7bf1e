"""Receivers of the localities' signals, connected in ``ReportingConfig.ready``.

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
from typing import Any

from django.db import DatabaseError

from tenants import api as tenants_api

from . import course_titles, profiles, recording, sources
from .civic_breakdowns import record_funnel_breakdown
from .civic_funnel import record_locality_funnel

logger = logging.getLogger(__name__)


def _course_event(
    record: Callable[..., None], what: str, when: str
) -> Callable[..., None]:
    """A receiver that records one course event of the current locality.

    ``when`` names the signal's keyword that carries the event's time.
    """

    def receiver(
        sender: object, *, user_id: int, course_key: str, **kwargs: Any
    ) -> None:
        schema = tenants_api.current_schema()
        try:
            record(schema, user_id, course_key=course_key, occurred_at=kwargs[when])
        except DatabaseError:
            logger.exception(
                "Reporte: no se registró %s; el recuento lo corregirá.", what
            )

    receiver.__name__ = f"on_{what.replace(' ', '_')}"
    return receiver


_record_enrollment = _course_event(
    recording.record_enrollment, "una inscripción", "occurred_at"
)


def on_enrollment_created(
    sender: object, *, user_id: int, course_key: str, **kwargs: Any
) -> None:
    _record_enrollment(sender, user_id=user_id, course_key=course_key, **kwargs)
    try:  # the dashboards name courses by title
        course_titles.remember_course_title(course_key)
    except DatabaseError:
        logger.exception(
            "Reporte: no se guardó el título de un curso; el recuento lo hará."
        )


on_enrollment_withdrawn = _course_event(
    recording.record_withdrawal, "un retiro", "occurred_at"
)
on_course_completed = _course_event(
    recording.record_completion, "una finalización", "completed_at"
)
on_certificate_issued = _course_event(
    recording.record_certificate, "un certificado", "issued_at"
)
on_certificate_revoked = _course_event(
    recording.record_certification_since, "una revocación", "certified_since"
)


def on_learner_active(
    sender: object, *, user_id: int, occurred_at: datetime, **kwargs: object
) -> None:
    schema = tenants_api.current_schema()
    try:
        recording.record_activity(schema, user_id, occurred_at=occurred_at)
    except DatabaseError:
        logger.exception(
            "Reporte: no se registró una actividad; el recuento la corregirá."
        )


def on_role_selected(sender: object, *, user_id: int, **kwargs: object) -> None:
    try:
        profiles.record_participation_role(user_id, holds_a_role=True)
    except DatabaseError:
        logger.exception("Reporte: no se registró un rol; el recuento lo corregirá.")


def on_funnel_changed(sender: object, **kwargs: object) -> None:
    """Copy this locality's civic funnel (four indexed counts) and its
    breakdowns by role, line and group (three queries) for the pages."""
    try:
        schema = tenants_api.current_schema()
        record_locality_funnel(schema, sources.funnel_counts())
        record_funnel_breakdown(schema, sources.funnel_entries())
    except DatabaseError:
        logger.exception(
            "Reporte: no se copió el embudo cívico; el recuento lo corregirá."
        )


def on_role_left(sender: object, *, user_id: int, **kwargs: object) -> None:
    """The person may still hold a role elsewhere: ask every locality (a few
    indexed queries, after commit)."""
    from participation import api as participation_api

    here = tenants_api.current_schema()
    holds = False
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            if user_id in participation_api.role_holder_ids():
                holds = True
                break
    with tenants_api.in_locality(here):
        try:
            profiles.record_participation_role(user_id, holds_a_role=holds)
        except DatabaseError:
            logger.exception(
                "Reporte: no se registró un retiro de rol; el recuento lo corregirá."
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
    try:
        profiles.sync_person_profiles(user_ids)
    except DatabaseError:
        logger.exception("Reporte: no se copió un perfil; el recuento lo corregirá.")


def connect() -> None:
    from certificates import api as certificates_api
    from lms.accounts import api as accounts_api
    from lms.learning import signals as learning
    from participation import api as participation_api

    receivers = [
        (accounts_api.people_changed, on_people_changed, "people_changed"),
        (learning.enrollment_created, on_enrollment_created, "enrolled"),
        (learning.enrollment_withdrawn, on_enrollment_withdrawn, "withdrawn"),
        (learning.learner_active, on_learner_active, "active"),
        (learning.course_completed, on_course_completed, "completed"),
        (certificates_api.certificate_issued, on_certificate_issued, "certified"),
        (certificates_api.certificate_revoked, on_certificate_revoked, "revoked"),
        (participation_api.role_selected, on_role_selected, "role_selected"),
        (participation_api.role_left, on_role_left, "role_left"),
        (participation_api.funnel_changed, on_funnel_changed, "funnel_changed"),
    ]
    for signal, receiver, name in receivers:
        signal.connect(receiver, dispatch_uid=f"reporting.{name}")
