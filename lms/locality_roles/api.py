"""Python API of locality roles: who holds which role, and what each role may do.

Every function acts on the schema that is active when it is called; a role granted
in one locality grants nothing in another. ``data.ROLE_POLICY`` is the one table of
what each role may do (permissions, roles it may grant, where it may be held);
``roles`` keeps each role's group in step with it and ``access`` decides grants.
"""

from __future__ import annotations

from .access import (
    grantable_roles,
    may_manage_person,
    roles_for_site,
    set_roles,
    site_kind,
)
from .data import (
    CHANGE_ROLES,
    FIND_BY_DOCUMENT,
    PLATFORM_FLAGS,
    REGISTER_PEOPLE,
    ROLE_PERMISSIONS,
    ROLE_POLICY,
    SEE_PEOPLE,
    VIEW_DOCUMENT,
    Role,
    RolePolicy,
    Where,
)
from .labels import role_label
from .roles import (
    apply_role_permissions,
    grant_role,
    holders_of,
    revoke_role,
    role_holder_ids,
    roles_of,
)

__all__ = [
    "CHANGE_ROLES",
    "FIND_BY_DOCUMENT",
    "PLATFORM_FLAGS",
    "REGISTER_PEOPLE",
    "ROLE_PERMISSIONS",
    "ROLE_POLICY",
    "SEE_PEOPLE",
    "VIEW_DOCUMENT",
    "Role",
    "RolePolicy",
    "Where",
    "apply_role_permissions",
    "grant_role",
    "grantable_roles",
    "holders_of",
    "may_manage_person",
    "revoke_role",
    "role_holder_ids",
    "role_label",
    "roles_for_site",
    "roles_of",
    "set_roles",
    "site_kind",
]
