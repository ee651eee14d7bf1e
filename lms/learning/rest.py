"""REST API of the learning records (django-ninja), mounted at /api/aprendizaje/.

Authenticated by the site's session (``django_auth``: POST/DELETE need the CSRF
token). Scoped to the locality the host name chose and to the caller's roles
there: a learner reads and changes only their own enrollments; a cohort's
roster and progress need its facilitator or a role that may view learning
records here (``learning.view_xapistatement``: facilitators, local managers).
OpenAPI: /api/aprendizaje/openapi.json, docs at /api/aprendizaje/docs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from . import api

rest_api = NinjaAPI(
    title="Escuela de Participación · aprendizaje",
    version="1.0.0",
    description="Inscripciones y avance por localidad (sesión iniciada).",
    urls_namespace="learning_api",
    auth=django_auth,
)


class EnrollmentOut(Schema):
    enrollment_id: int
    course_key: str
    cohort_id: int | None
    status: str
    enrolled_at: datetime
    withdrawn_at: datetime | None


class EnrollIn(Schema):
    cohort_id: int | None = None


class ModuleOut(Schema):
    key: str
    title: str
    percent: int


class ProgressOut(Schema):
    course_key: str
    title: str
    url: str
    percent: int
    lessons_done: int
    lessons_total: int
    modules: list[ModuleOut]
    continue_url: str | None
    completed_at: datetime | None


class LearnerProgressOut(Schema):
    user_id: int
    status: str
    percent: int
    completed_at: datetime | None


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


# What every operation may answer besides success (refusals carry a Spanish
# "detail"); declared so clients, and the schema fuzzing test, know them.
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


def _refuse(exc: api.LearningError) -> HttpError:
    return HttpError(400, str(exc))


@rest_api.get("/mis-cursos", response={200: list[ProgressOut], **ERRORS})
def my_courses(request: HttpRequest):
    """The caller's open enrollments with their progress."""
    return api.list_my_courses(request.user.pk)


@rest_api.post(
    "/cursos/{course_key}/inscripcion", response={201: EnrollmentOut, **ERRORS}
)
def enroll(request: HttpRequest, course_key: str, payload: EnrollIn):
    try:
        made = api.enroll(request.user.pk, course_key, cohort_id=payload.cohort_id)
        return Status(201, made)
    except api.LearningError as exc:
        raise _refuse(exc) from exc


@rest_api.delete(
    "/cursos/{course_key}/inscripcion", response={200: EnrollmentOut, **ERRORS}
)
def withdraw(request: HttpRequest, course_key: str):
    try:
        return api.withdraw(request.user.pk, course_key)
    except api.LearningError as exc:
        raise _refuse(exc) from exc


@rest_api.get("/cursos/{course_key}/avance", response={200: ProgressOut, **ERRORS})
def progress(request: HttpRequest, course_key: str):
    try:
        return api.get_course_progress(request.user.pk, course_key)
    except api.LearningError as exc:
        raise HttpError(404, str(exc)) from exc


@rest_api.get(
    "/grupos/{cohort_id}/avance",
    response={200: list[LearnerProgressOut], **ERRORS},
)
def cohort_progress(request: HttpRequest, cohort_id: int):
    """Each learner of the cohort with their progress (facilitator or staff)."""
    cohort = api.get_cohort(cohort_id)
    allowed = cohort is not None and (
        cohort.facilitator_id == request.user.pk
        or request.user.has_perm("learning.view_xapistatement")
    )
    if not allowed:
        raise HttpError(
            403, _("Solo quien facilita el grupo o el equipo de la localidad lo ven.")
        )
    rows = []
    for user_id, status in api.list_cohort_roster(cohort_id):
        item = api.get_course_progress(user_id, cohort.course_key)
        rows.append(
            LearnerProgressOut(
                user_id=user_id,
                status=status,
                percent=item.percent,
                completed_at=item.completed_at,
            )
        )
    return rows
