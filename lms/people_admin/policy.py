"""Wagtail's permission policy for accounts, decided by the roles table and scope.

Registered for the user model in ``apps.PeopleUsersConfig.ready``, so every
Wagtail screen that consults the policy (menus, index, create, edit, delete,
history, search area) follows ``lms.locality_roles.data.ROLE_POLICY`` and
``scope.people_visible_to``.
"""

from __future__ import annotations

from typing import Any

from wagtail.permission_policies import ModelPermissionPolicy

from lms.locality_roles import api as roles_api

from . import scope

_ACTION_PERMISSION = {
    "view": roles_api.SEE_PEOPLE,
    "add": roles_api.REGISTER_PEOPLE,
    "change": roles_api.CHANGE_ROLES,
}


class PeoplePermissionPolicy(ModelPermissionPolicy):
    """Accounts are city-wide; what a role-holder may do with them is local."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser:
            return True
        # Deleting (anonymizing) a city-wide account is the person's own right
        # («Mis datos») or the platform administrator's, never a locality's.
        permission = _ACTION_PERMISSION.get(action)
        return permission is not None and user.has_perm(permission)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(
        self, user: Any, action: str, instance: Any
    ) -> bool:
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser:
            return True
        if action == "change":
            return scope.may_change(user, instance)
        return scope.is_visible_to(user, instance.pk)

    def user_has_any_permission_for_instance(
        self, user: Any, actions: Any, instance: Any
    ) -> bool:
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )

    def instances_user_has_permission_for(self, user: Any, action: str) -> Any:
        if not self.user_has_permission(user, action):
            return scope.people_visible_to(None)
        return scope.people_visible_to(user)

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> Any:
        if not self.user_has_any_permission(user, actions):
            return scope.people_visible_to(None)
        return scope.people_visible_to(user)
