"""Role templates (written at the campus), cycles and the roles a locality opens."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .data import CycleData, InvestmentLine, RoleData, RoleKind, SelectionMode
from .models import CivicRole as _CivicRole
from .models import Cycle as _Cycle
from .models import RoleTemplate as _RoleTemplate
from .signals import role_rules_changed

CAMPUS_SCHEMA = "campus"
# The set-based recompute of one role (by name: tasks sit above this module).
RECOMPUTE_ROLE_TASK = "participation.recompute_role"


class ParticipationError(ValueError):
    """A participation step cannot be done; the message (Spanish) says why."""


@transaction.atomic
def save_role_template(
    key: str,
    *,
    kind: RoleKind,
    title: str,
    description: str = "",
    min_age: int = 18,
    minors_from: int | None = None,
    required_courses: list[str] | None = None,
    min_sessions_attended: int = 0,
    requires_residence: bool = True,
    selection_mode: SelectionMode = SelectionMode.COMMITTEE,
) -> None:
    """Create or update a city-wide role template (call at the campus)."""
    if minors_from is not None and not 14 <= minors_from < min_age:
        raise ParticipationError(
            _(
                "La edad desde la que se admiten menores debe estar entre 14 y la mínima."
            )
        )
    _RoleTemplate.objects.update_or_create(
        key=key,
        defaults={
            "kind": kind,
            "title": title,
            "description": description,
            "min_age": min_age,
            "minors_from": minors_from,
            "required_courses": list(required_courses or []),
            "min_sessions_attended": min_sessions_attended,
            "requires_residence": requires_residence,
            "selection_mode": selection_mode,
        },
    )


def create_cycle(
    name: str,
    *,
    applications_open: date,
    applications_close: date,
    service_starts: date,
    service_ends: date,
) -> CycleData:
    """Open a participation cycle in the active locality."""
    if applications_close < applications_open:
        raise ParticipationError(
            _("La convocatoria cierra antes de abrir: revise las fechas.")
        )
    if service_ends < service_starts:
        raise ParticipationError(
            _("El periodo del rol termina antes de empezar: revise las fechas.")
        )
    cycle = _Cycle.objects.create(
        name=name,
        applications_open=applications_open,
        applications_close=applications_close,
        service_starts=service_starts,
        service_ends=service_ends,
    )
    return cycle_data(cycle)


@transaction.atomic
def open_role(
    cycle_id: int,
    template_key: str,
    *,
    seats: int,
    investment_line: InvestmentLine | None = None,
    selection_mode: SelectionMode | None = None,
    lottery_quotas: dict[str, dict[str, int]] | None = None,
) -> RoleData:
    """Open a role of the campus template ``template_key`` in a cycle of this locality.

    The template's rules are copied, so a later change at the campus does not
    change the rules people applied under.
    """
    if seats < 1:
        raise ParticipationError(_("Un rol necesita al menos un cupo."))
    here = tenants_api.current_schema()
    with tenants_api.in_locality(CAMPUS_SCHEMA):
        template = _RoleTemplate.objects.filter(key=template_key).first()
    if template is None:
        raise ParticipationError(
            _("No existe la plantilla de rol «%(key)s» en el campus.")
            % {"key": template_key}
        )
    with tenants_api.in_locality(here):
        cycle = _Cycle.objects.get(pk=cycle_id)
        role = _CivicRole.objects.create(
            cycle=cycle,
            template_key=template.key,
            kind=template.kind,
            title=template.title,
            description=template.description,
            investment_line=investment_line or "",
            seats=seats,
            selection_mode=selection_mode or template.selection_mode,
            min_age=template.min_age,
            minors_from=template.minors_from,
            required_courses=template.required_courses,
            min_sessions_attended=template.min_sessions_attended,
            requires_residence=template.requires_residence,
            lottery_quotas=lottery_quotas or {},
        )
        return role_data(role)


_KEEP: Any = object()


@transaction.atomic
def change_role_rules(
    role_id: int,
    *,
    min_age: int = _KEEP,
    minors_from: int | None = _KEEP,
    required_courses: list[str] = _KEEP,
    min_sessions_attended: int = _KEEP,
    requires_residence: bool = _KEEP,
) -> RoleData:
    """Change the rules of one role of this locality (the arguments given).

    Everyone the locality keeps a standing for is recomputed after commit, in one
    set-based pass: its Celery task is written into the outbox with the change, so
    a broker down at that moment delays the recompute, never loses it.
    """
    role = _CivicRole.objects.select_for_update().select_related("cycle")
    role = role.filter(pk=role_id).first()
    if role is None:
        raise ParticipationError(_("Ese rol no existe en esta localidad."))
    changes = {
        "min_age": min_age,
        "minors_from": minors_from,
        "required_courses": required_courses,
        "min_sessions_attended": min_sessions_attended,
        "requires_residence": requires_residence,
    }
    changes = {name: value for name, value in changes.items() if value is not _KEEP}
    for name, value in changes.items():
        setattr(role, name, value)
    if not 14 <= role.min_age <= 100:
        raise ParticipationError(_("La edad mínima debe estar entre 14 y 100 años."))
    if role.minors_from is not None and not 14 <= role.minors_from < role.min_age:
        raise ParticipationError(
            _(
                "La edad desde la que se admiten menores con autorización debe ser "
                "de 14 años o más y menor que la edad mínima del rol."
            )
        )
    role.save(update_fields=list(changes))
    tenants_api.send_after_commit(RECOMPUTE_ROLE_TASK, role_id)
    transaction.on_commit(lambda: role_rules_changed.send(sender=None, role_id=role_id))
    return role_data(role)


def list_roles() -> list[RoleData]:
    """The roles of the active locality, newest cycle first."""
    roles = _CivicRole.objects.select_related("cycle").order_by(
        "-cycle__applications_open", "title", "investment_line"
    )
    return [role_data(role) for role in roles]


def get_role(role_id: int) -> RoleData:
    role = _CivicRole.objects.select_related("cycle").filter(pk=role_id).first()
    if role is None:
        raise ParticipationError(_("Ese rol no existe en esta localidad."))
    return role_data(role)


def cycle_data(cycle: _Cycle) -> CycleData:
    return CycleData(
        cycle_id=cycle.pk,
        name=cycle.name,
        applications_open=cycle.applications_open,
        applications_close=cycle.applications_close,
        service_starts=cycle.service_starts,
        service_ends=cycle.service_ends,
    )


def role_data(role: Any) -> RoleData:
    return RoleData(
        role_id=role.pk,
        cycle=cycle_data(role.cycle),
        kind=RoleKind(role.kind),
        title=role.title,
        investment_line=role.investment_line,
        seats=role.seats,
        selection_mode=SelectionMode(role.selection_mode),
        min_age=role.min_age,
        minors_from=role.minors_from,
        required_courses=tuple(role.required_courses),
        min_sessions_attended=role.min_sessions_attended,
        requires_residence=role.requires_residence,
        lottery_quotas=dict(role.lottery_quotas),
        drawn=role.drawn_at is not None,
    )
