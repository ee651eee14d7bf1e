"""Wagtail hooks of the user screens: bulk actions, audit entries, listing buttons."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import (
    SetActiveStateBulkAction,
)

from lms.locality_roles import api as roles_api

from . import group_people, scope
from .views import DOCUMENT_SEARCH_ACTION, VIEW_DOCUMENT_ACTION


class _PlatformAdministratorOnly:
    """Wagtail's user bulk actions (assign a group, deactivate, delete) reach
    city-wide accounts and any group: they are the platform administrator's.
    Refused before the confirmation page, which would list the chosen people."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, obj: Any) -> bool:
        return bool(self.request.user.is_superuser)


def _guarded(action_class: type) -> type:
    return type(action_class.__name__, (_PlatformAdministratorOnly, action_class), {})


# Registered after Wagtail's own (higher order), so these replace them.
for _action in (AssignRoleBulkAction, DeleteBulkAction, SetActiveStateBulkAction):
    hooks.register("register_bulk_action", _guarded(_action), order=100)


@hooks.register("before_bulk_action")
def only_the_platform_administrator_acts_on_many_accounts(
    request: Any, action_type: str, objects: Any, action_class_instance: Any
) -> None:
    """Second lock, for any user bulk action another app might add."""
    if action_class_instance.model is get_user_model() and not (
        request.user.is_superuser
    ):
        raise PermissionDenied


@hooks.register("register_log_actions")
def register_people_actions(actions: Any) -> None:
    actions.register_action(
        DOCUMENT_SEARCH_ACTION,
        _("Búsqueda por documento"),
        _("Buscó una persona por número de documento"),
    )
    actions.register_action(
        VIEW_DOCUMENT_ACTION,
        _("Vio el documento completo"),
        _("Vio el número de documento completo"),
    )


@hooks.register("register_user_listing_buttons")
def document_button(user: Any, request_user: Any) -> list[Any]:
    if not (
        request_user.is_superuser or request_user.has_perm(roles_api.VIEW_DOCUMENT)
    ) or not scope.masked_document(user):
        return []
    return [
        ListingButton(
            _("Ver documento"),
            reverse("wagtailusers_users:document", args=[user.pk]),
            priority=50,
        )
    ]


@hooks.register("register_admin_urls")
def group_people_urls() -> list[Any]:
    # Beside the facilitators' «Grupos y sesiones» (lms.learning), whose list
    # links here: finding people is this app's, under its visibility rules.
    return [
        path(
            "grupos/<int:cohort_id>/personas/",
            group_people.group_people,
            name=group_people.URL_NAME,
        )
    ]
