"""Eligibility of a person for the roles of the active locality, computed live."""

from __future__ import annotations

from django.utils import timezone

from tenants import api as tenants_api

from . import facts
from .catalog import get_role, list_roles, role_data
from .data import OPEN_STATUSES, Eligibility, RoleData
from .models import Application as _Application
from .rules import evaluate


def _applied_role_ids(user_id: int) -> set[int]:
    return set(
        _Application.objects.filter(
            user_id=user_id, status__in=[s.value for s in OPEN_STATUSES]
        ).values_list("role_id", flat=True)
    )


def eligibility_for(user_id: int, role_id: int) -> Eligibility:
    """The person's standing for one role, every rule explained."""
    role = get_role(role_id)
    return _evaluate_all([role], user_id)[0][1]


def roles_for_person(user_id: int) -> list[tuple[RoleData, Eligibility]]:
    """Every role of the active locality with the person's standing for it."""
    return _evaluate_all(list_roles(), user_id)


def _evaluate_all(
    roles: list[RoleData], user_id: int
) -> list[tuple[RoleData, Eligibility]]:
    if not roles:
        return []
    person = facts.gather(user_id)
    courses = facts.course_refs()
    applied = _applied_role_ids(user_id)
    here = tenants_api.current_schema()
    today = timezone.localdate()
    return [
        (
            role,
            evaluate(
                role,
                person,
                here=here,
                today=today,
                courses=courses,
                has_applied=role.role_id in applied,
            ),
        )
        for role in roles
    ]


__all__ = ["eligibility_for", "role_data", "roles_for_person"]
