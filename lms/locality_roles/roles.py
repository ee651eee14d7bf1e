"""Grant, revoke and list a person's roles in the active schema; keep groups in step.

A role is a group of a known name whose permissions are ``data.ROLE_POLICY``'s,
kept in step by ``apply_role_permissions`` in every locality schema.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group as _Group
from django.contrib.auth.models import Permission as _Permission
from django.db import transaction
from django.db.models import Q

from .data import ROLE_PERMISSIONS, Role
from .models import GroupMembership as _GroupMembership

logger = logging.getLogger(__name__)


@transaction.atomic
def grant_role(user_id: int, role: Role) -> None:
    """Give ``role`` to the person in the active locality (no-op if held)."""
    group, created = _Group.objects.get_or_create(name=role.value)
    if created:
        _set_permissions(group, role)
    _GroupMembership.objects.get_or_create(user_id=user_id, group=group)


@transaction.atomic
def apply_role_permissions() -> dict[Role, int]:
    """Create every role's group in the active schema with exactly its permissions.

    Idempotent; permissions added by hand to a role's group are removed, so the
    table in ``data.ROLE_PERMISSIONS`` stays the one place that says what a role
    may do. Returns how many permissions each role got.
    """
    applied: dict[Role, int] = {}
    for role in Role:
        group, _ = _Group.objects.get_or_create(name=role.value)
        applied[role] = _set_permissions(group, role)
    return applied


def _set_permissions(group: _Group, role: Role) -> int:
    wanted = ROLE_PERMISSIONS.get(role, ())
    query = Q(pk__in=[])
    for name in wanted:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(_Permission.objects.filter(query))
    if len(permissions) < len(wanted):
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        logger.debug("Permisos sin instalar para %s: %s", role, set(wanted) - found)
    group.permissions.set(permissions)
    return len(permissions)


@transaction.atomic
def revoke_role(user_id: int, role: Role) -> None:
    """Take ``role`` away from the person in the active locality."""
    _GroupMembership.objects.filter(user_id=user_id, group__name=role.value).delete()


def roles_of(user_id: int) -> set[Role]:
    """The roles the person holds in the active locality."""
    names = _GroupMembership.objects.filter(user_id=user_id).values_list(
        "group__name", flat=True
    )
    known = {role.value: role for role in Role}
    return {known[name] for name in names if name in known}


def role_holder_ids():
    """Ids of the people holding any role in the active schema (a subquery)."""
    return _GroupMembership.objects.values("user_id")


def holders_of(role: Role) -> list[int]:
    """Ids of the people holding ``role`` in the active schema."""
    return list(
        _GroupMembership.objects.filter(group__name=role.value).values_list(
            "user_id", flat=True
        )
    )
