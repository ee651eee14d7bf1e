"""Who watches which project: selected veedores, registered veedurías, assignments.

Reached only through ``monitoring.api``. A person may report on a project only
while an open assignment names them, or a veeduría they belong to. A veedor is
a person selected for the «Veedor/a ciudadano/a» role of this locality, read
through ``participation.api`` (the role's service must not have ended); a
veeduría is a group registered at the Personería or the Cámara de Comercio
with the founding-record facts of Ley 850 de 2003, art. 3.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts import api as accounts_api
from participation import api as participation_api

from .data import AssignmentData, RegistrationBody, VeeduriaData
from .funnel import announce_funnel_change
from .models import Assignment, InvestmentProject, Veeduria, VeeduriaMember


class AssignmentError(ValueError):
    """An assignment or a veeduría cannot be saved; the message is in Spanish."""


def selected_veedores() -> list[int]:
    """Account ids of people selected as veedor/a in this locality whose service
    has not ended, oldest selection first."""
    today = timezone.localdate()
    people: list[int] = []
    for role in participation_api.list_roles():
        if role.kind is not participation_api.RoleKind.CITIZEN_MONITOR:
            continue
        if role.cycle.service_ends < today:
            continue
        for application in participation_api.list_applications(role.role_id):
            selected = (
                application.status is participation_api.ApplicationStatus.SELECTED
            )
            if selected and application.user_id not in people:
                people.append(application.user_id)
    return people


def is_selected_veedor(user_id: int) -> bool:
    """Whether the person holds the veedor/a role here now (through participation)."""
    today = timezone.localdate()
    for application in participation_api.applications_of(user_id):
        if application.status is not participation_api.ApplicationStatus.SELECTED:
            continue
        role = participation_api.get_role(application.role_id)
        is_veedor = role.kind is participation_api.RoleKind.CITIZEN_MONITOR
        if is_veedor and role.cycle.service_ends >= today:
            return True
    return False


def person_names(user_ids: list[int]) -> dict[int, str]:
    """Display names of people by id (for staff screens)."""
    return {
        p.user_id: f"{p.first_name} {p.last_name}".strip() or p.username
        for p in accounts_api.list_people(list(user_ids))
    }


@transaction.atomic
def register_veeduria(
    name: str,
    *,
    purpose: str,
    territorial_level: str,
    duration: str,
    residence: str,
    founded_on: date,
    registered_with: RegistrationBody | str,
    registration_number: str,
    registered_on: date,
    member_ids: list[int],
) -> VeeduriaData:
    """Record a veeduría registered in this locality, with its members.

    Raises ``AssignmentError`` for a missing founding-record fact, an unknown
    registration body, a registration before the founding, no members, or a
    name the locality already uses.
    """
    texts = {
        _("El nombre"): name,
        _("El objeto de la vigilancia"): purpose,
        _("El nivel territorial"): territorial_level,
        _("La duración"): duration,
        _("El lugar de residencia"): residence,
        _("El número de inscripción"): registration_number,
    }
    for what, value in texts.items():
        if not str(value or "").strip():
            raise AssignmentError(
                _("%(what)s es obligatorio (acta de constitución, Ley 850, art. 3).")
                % {"what": what}
            )
    try:
        body = RegistrationBody(registered_with)
    except ValueError as exc:
        raise AssignmentError(
            _("La veeduría se inscribe en la Personería o en la Cámara de Comercio.")
        ) from exc
    if registered_on < founded_on:
        raise AssignmentError(
            _("La inscripción no puede ser anterior al acta de constitución.")
        )
    if not member_ids:
        raise AssignmentError(_("Indique al menos una persona integrante."))
    if Veeduria.objects.filter(name__iexact=name.strip()).exists():
        raise AssignmentError(
            _("Ya hay una veeduría llamada «%(name)s» en esta localidad.")
            % {"name": name.strip()}
        )
    veeduria = Veeduria.objects.create(
        name=name.strip(),
        purpose=purpose.strip(),
        territorial_level=territorial_level.strip(),
        duration=duration.strip(),
        residence=residence.strip(),
        founded_on=founded_on,
        registered_with=body.value,
        registration_number=registration_number.strip(),
        registered_on=registered_on,
    )
    VeeduriaMember.objects.bulk_create(
        VeeduriaMember(veeduria=veeduria, user_id=user_id)
        for user_id in dict.fromkeys(member_ids)
    )
    return veeduria_data(veeduria)


def list_veedurias() -> list[VeeduriaData]:
    rows = Veeduria.objects.prefetch_related("members")
    return [veeduria_data(row) for row in rows]


def get_veeduria(veeduria_id: int) -> VeeduriaData | None:
    row = Veeduria.objects.prefetch_related("members").filter(pk=veeduria_id).first()
    return veeduria_data(row) if row else None


def veedurias_of(user_id: int) -> list[VeeduriaData]:
    """The veedurías of this locality the person belongs to."""
    rows = Veeduria.objects.filter(members__user_id=user_id).prefetch_related("members")
    return [veeduria_data(row) for row in rows]


def veeduria_data(row: Veeduria) -> VeeduriaData:
    return VeeduriaData(
        veeduria_id=row.pk,
        name=row.name,
        purpose=row.purpose,
        territorial_level=row.territorial_level,
        duration=row.duration,
        residence=row.residence,
        founded_on=row.founded_on,
        registered_with=RegistrationBody(row.registered_with),
        registration_number=row.registration_number,
        registered_on=row.registered_on,
        member_ids=tuple(m.user_id for m in row.members.all()),
    )


@transaction.atomic
def assign_project(
    code: str,
    *,
    assigned_by: int,
    user_id: int | None = None,
    veeduria_id: int | None = None,
) -> AssignmentData:
    """Assign a project of this locality to a selected veedor or a veeduría.

    Exactly one of ``user_id`` and ``veeduria_id``. Refused (``AssignmentError``):
    a project or veeduría of another locality (they are not found here), a person
    who does not hold the veedor/a role here, an assignment already open.
    """
    if (user_id is None) == (veeduria_id is None):
        raise AssignmentError(
            _("Asigne el proyecto a una persona veedora o a una veeduría, no a ambas.")
        )
    project = InvestmentProject.objects.filter(code=code).first()
    if project is None:
        raise AssignmentError(_("Esta localidad no tiene un proyecto con ese código."))
    veeduria = None
    if veeduria_id is not None:
        veeduria = Veeduria.objects.filter(pk=veeduria_id).first()
        if veeduria is None:
            raise AssignmentError(_("Esa veeduría no está inscrita en esta localidad."))
    elif not is_selected_veedor(user_id):
        raise AssignmentError(
            _(
                "Esa persona no tiene el rol de veedor/a ciudadano/a en esta "
                "localidad: solo quien fue seleccionado/a puede recibir proyectos."
            )
        )
    try:
        with transaction.atomic():
            row = Assignment.objects.create(
                project=project,
                user_id=user_id,
                veeduria=veeduria,
                assigned_by_id=assigned_by,
            )
    except IntegrityError as exc:
        raise AssignmentError(
            _("Ese proyecto ya está asignado a quien indicó.")
        ) from exc
    return assignment_data(row)


def end_assignment(assignment_id: int) -> None:
    ended = Assignment.objects.filter(pk=assignment_id, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if ended:  # a bulk update sends no post_save: tell the funnel ourselves
        announce_funnel_change()


def open_assignments(*, project_code: str | None = None) -> list[AssignmentData]:
    """Open assignments of this locality (of one project when given)."""
    rows = Assignment.objects.filter(ended_at__isnull=True).select_related(
        "project", "veeduria"
    )
    if project_code:
        rows = rows.filter(project__code=project_code)
    return [assignment_data(row) for row in rows.order_by("project__code", "pk")]


def assignments_of(user_id: int) -> list[AssignmentData]:
    """The open assignments a person reports under: their own and their veedurías'."""
    return [
        assignment_data(row) for row in _open_for(user_id).order_by("project__code")
    ]


def reporting_assignment(user_id: int, code: str) -> AssignmentData | None:
    """The assignment under which the person may report on the project, or None.

    A personal assignment counts only while the person still holds the role.
    """
    rows = _open_for(user_id).filter(project__code=code)
    personal = rows.filter(user_id=user_id).first()
    if personal is not None and is_selected_veedor(user_id):
        return assignment_data(personal)
    group = rows.filter(veeduria__isnull=False).first()
    return assignment_data(group) if group is not None else None


def _open_for(user_id: int) -> Any:
    groups = VeeduriaMember.objects.filter(user_id=user_id).values("veeduria_id")
    return Assignment.objects.filter(
        Q(user_id=user_id) | Q(veeduria_id__in=groups), ended_at__isnull=True
    ).select_related("project", "veeduria")


def assignment_data(row: Assignment) -> AssignmentData:
    return AssignmentData(
        assignment_id=row.pk,
        project_code=row.project.code,
        project_name=row.project.name,
        user_id=row.user_id,
        veeduria_id=row.veeduria_id,
        veeduria_name=row.veeduria.name if row.veeduria else "",
        assigned_at=row.assigned_at,
    )
