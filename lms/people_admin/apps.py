"""Wagtail's users app, with the platform's own user screens and permission policy.

Installed in place of ``wagtail.users`` (same name and label, so its models,
migrations and templates stay Wagtail's): the user viewset and the policy come
from this package, so no Wagtail screen can bypass the roles table.
"""

from __future__ import annotations

from wagtail.users.apps import WagtailUsersAppConfig


class PeopleUsersConfig(WagtailUsersAppConfig):
    user_viewset = "lms.people_admin.views.UserViewSet"

    def ready(self) -> None:
        super().ready()
        from django.contrib.auth import get_user_model
        from wagtail.permissions import policy_registry

        from . import admin_hooks  # noqa: F401 - registers the Wagtail hooks
        from .policy import PeoplePermissionPolicy

        # Replaces the plain model policy Wagtail's ready() just registered.
        user_model = get_user_model()
        policy_registry.register(user_model, value=PeoplePermissionPolicy(user_model))
