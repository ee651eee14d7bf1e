"""Admin wiring of the workshops screens (imported by ``wagtail_hooks``, which
Wagtail loads): their URLs and a menu item for whoever may record workshops."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import api, workshop_views


@hooks.register("register_admin_urls")
def workshop_admin_urls():
    return [
        path(
            "seguimiento/talleres/",
            workshop_views.workshops,
            name="monitoring_admin_workshops",
        ),
        path(
            "seguimiento/talleres/<int:session_id>/",
            workshop_views.workshop_detail,
            name="monitoring_admin_workshop",
        ),
    ]


class _WorkshopsMenuItem(MenuItem):
    def is_shown(self, request):
        return api.may_record_workshops(request.user)


@hooks.register("register_admin_menu_item")
def workshops_menu_item():
    return _WorkshopsMenuItem(
        _("Talleres y barrios"),
        reverse("monitoring_admin_workshops"),
        icon_name="group",
        order=476,
    )
