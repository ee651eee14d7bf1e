"""Admin wiring: the «Roles de participación» menu and the roster screens."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def participation_admin_urls():
    return [
        path("participacion/", admin_views.roles, name="participation_roles"),
        path(
            "participacion/roles/<int:role_id>/",
            admin_views.role_roster,
            name="participation_roster",
        ),
        path(
            "participacion/roles/<int:role_id>/lista.<str:fmt>",
            admin_views.roster_export,
            name="participation_roster_export",
        ),
        path(
            "participacion/eventos/",
            admin_views.undelivered_events,
            name="participation_webhooks",
        ),
        path(
            "participacion/eventos/<int:delivery_id>/reintentar/",
            admin_views.retry_event,
            name="participation_webhook_retry",
        ),
    ]


class _SelectorsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.SELECT_PERMISSION)


@hooks.register("register_admin_menu_item")
def participation_menu_item():
    return _SelectorsMenuItem(
        _("Roles de participación"),
        reverse("participation_roles"),
        icon_name="group",
        order=260,
    )


class _WebhookStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.WEBHOOK_PERMISSION)


@hooks.register("register_admin_menu_item")
def undelivered_events_menu_item():
    return _WebhookStaffMenuItem(
        _("Eventos no entregados"),
        reverse("participation_webhooks"),
        icon_name="warning",
        order=261,
    )
