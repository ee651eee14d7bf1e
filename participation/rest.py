"""REST API of civic roles (django-ninja), mounted at /api/participacion/.

Session-authenticated like the learning API; scoped to the locality of the host.
Anyone signed in reads the roles and their own standing; rosters need
``participation.select_applicants`` in this locality (managers, administrators).
OpenAPI: /api/participacion/openapi.json, docs at /api/participacion/docs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from . import api, roster
from .admin_views import SELECT_PERMISSION

rest_api = NinjaAPI(
    title=gettext_lazy("Escuela de Participación · roles cívicos"),
    version="1.0.0",
    description=gettext_lazy("Roles, requisitos, habilitación y listas por localidad."),
    urls_namespace="participation_api",
    auth=django_auth,
)


class RoleOut(Schema):
    role_id: int
    title: str
    kind: str
    investment_line: str
    cycle: str
    applications_open: date
    applications_close: date
    service_ends: date
    seats: int
    selection_mode: str
    required_courses: list[str]


class RuleOut(Schema):
    kind: str
    is_met: bool
    explanation: str
    link: str


class EligibilityOut(Schema):
    role_id: int
    verdict: str
    needs_guardian: bool
    rules: list[RuleOut]


class RosterRowOut(Schema):
    application_id: int
    user_id: int
    name: str
    document: str
    status: str
    waiting_position: int | None
    applied_at: datetime


class Message(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


# What an operation may answer besides success (refusals carry a Spanish
# "detail"); declared so clients, and the schema fuzzing, know them.
ERRORS = {401: Message, 403: Message, 404: Message, 422: ValidationErrorOut}


def _role_out(role: api.RoleData) -> RoleOut:
    return RoleOut(
        role_id=role.role_id,
        title=role.title,
        kind=role.kind.value,
        investment_line=role.investment_line,
        cycle=role.cycle.name,
        applications_open=role.cycle.applications_open,
        applications_close=role.cycle.applications_close,
        service_ends=role.cycle.service_ends,
        seats=role.seats,
        selection_mode=role.selection_mode.value,
        required_courses=list(role.required_courses),
    )


@rest_api.get("/roles", response={200: list[RoleOut], **ERRORS})
def list_roles(request: HttpRequest):
    """The civic roles of this locality."""
    return [_role_out(role) for role in api.list_roles()]


@rest_api.get(
    "/roles/{role_id}/habilitacion",
    response={200: EligibilityOut, **ERRORS},
)
def my_eligibility(request: HttpRequest, role_id: int):
    """The signed-in person's standing for the role, every rule explained."""
    try:
        standing = api.eligibility_for(request.user.pk, role_id)
    except api.ParticipationError as exc:
        raise HttpError(404, str(exc)) from exc
    return EligibilityOut(
        role_id=role_id,
        verdict=standing.verdict.value,
        needs_guardian=standing.needs_guardian,
        rules=[
            RuleOut(
                kind=r.kind, is_met=r.is_met, explanation=r.explanation, link=r.link
            )
            for r in standing.results
        ],
    )


@rest_api.get(
    "/roles/{role_id}/postulaciones",
    response={200: list[RosterRowOut], **ERRORS},
)
def role_roster(request: HttpRequest, role_id: int):
    """The role's applications (staff of this locality who select people)."""
    if not request.user.has_perm(SELECT_PERMISSION):
        raise HttpError(
            403, gettext("Solo el equipo que selecciona en esta localidad la ve.")
        )
    try:
        _role, rows = roster.roster(role_id)
    except api.ParticipationError as exc:
        raise HttpError(404, str(exc)) from exc
    return [
        RosterRowOut(
            application_id=row.application.application_id,
            user_id=row.application.user_id,
            name=row.name,
            document=row.document,
            status=row.application.status.value,
            waiting_position=row.application.waiting_position,
            applied_at=row.application.applied_at,
        )
        for row in rows
    ]
