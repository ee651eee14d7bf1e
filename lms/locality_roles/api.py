"""Python API of locality roles: grant, revoke and list a person's roles.

Every function acts on the schema that is active when it is called; a role granted
in one locality grants nothing in another. The permissions each role carries are
defined with the accounts issue; here a role is its group membership.
"""

from __future__ import annotations

from django.contrib.auth.models import Group as _Group
from django.db import transaction

from .data import Role
from .models import GroupMembership as _GroupMembership

__all__ = ["Role", "grant_role", "revoke_role", "roles_of"]


@transaction.atomic
def grant_role(user_id: int, role: Role) -> None:
    """Give ``role`` to the person in the active locality (no-op if held)."""
    group, _ = _Group.objects.get_or_create(name=role.value)
    _GroupMembership.objects.get_or_create(user_id=user_id, group=group)


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
