"""Who may hand out which role, decided from ``data.ROLE_POLICY`` alone.

Every function acts on the active schema: the roles an actor holds here decide
what they may grant here. The platform administrator (``is_superuser``) may grant
every role that fits the site (locality roles in localities, campus roles at the
campus); nobody else reaches above their own roles or the platform flags.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tenants import api as tenants_api
from tenants.data import LocalityKind

from .data import ROLE_POLICY, Role, Where
from .roles import grant_role, revoke_role, roles_of


def site_kind() -> Where | None:
    """Where the active schema stands: a locality, the campus, or neither (public)."""
    if tenants_api.is_public_schema():
        return None
    try:
        locality = tenants_api.get_locality(tenants_api.current_schema())
    except tenants_api.LocalityNotFound:
        return None
    if locality.kind == LocalityKind.CITY_CAMPUS:
        return Where.CAMPUS
    return Where.LOCALITY


def roles_for_site() -> list[Role]:
    """The roles that can be held on the active site, in the table's order."""
    kind = site_kind()
    return [role for role, policy in ROLE_POLICY.items() if kind in policy.where]


def grantable_roles(actor: Any) -> frozenset[Role]:
    """The roles ``actor`` may give to or take from others on the active site."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return frozenset()
    fitting = frozenset(roles_for_site())
    if actor.is_superuser:
        return fitting
    allowed: set[Role] = set()
    for held in roles_of(actor.pk):
        allowed |= ROLE_POLICY[held].may_grant
    return frozenset(allowed) & fitting


def may_manage_person(actor: Any, target_id: int, *, target_is_superuser: bool) -> bool:
    """Whether ``actor`` may change the roles of a person on the active site.

    Never a platform administrator (unless the actor is one), never someone who
    holds a role the actor could not grant: a manager cannot demote an
    administrator, a facilitator manages nobody.
    """
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    if target_is_superuser or actor.pk == target_id:
        return False
    grantable = grantable_roles(actor)
    if not grantable:
        return False
    return roles_of(target_id) <= grantable


@transaction.atomic
def set_roles(
    actor: Any, target_id: int, wanted: set[Role], *, target_is_superuser: bool
) -> set[Role]:
    """Make the person's roles on this site ``wanted``, within what ``actor`` may grant.

    Raises ``PermissionDenied`` (nothing changed) when the actor may not manage
    the person or asks for a role it may not grant. Returns the roles held after.
    """
    if not may_manage_person(actor, target_id, target_is_superuser=target_is_superuser):
        raise PermissionDenied("person outside what the actor may manage")
    grantable = grantable_roles(actor)
    current = roles_of(target_id)
    if (wanted ^ current) - grantable:
        raise PermissionDenied("role outside what the actor may grant")
    for role in wanted - current:
        grant_role(target_id, role)
    for role in current - wanted:
        revoke_role(target_id, role)
    return roles_of(target_id)
