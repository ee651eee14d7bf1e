"""Admin wiring: the «Datos abiertos» menu item and its views' URLs."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, api


@hooks.register("register_admin_urls")
def open_data_admin_urls():
    return [
        path("datos/", admin_views.dataset_list, name="open_data_admin_list"),
        path("datos/nuevo/", admin_views.dataset_create, name="open_data_admin_create"),
        path(
            "datos/<slug:key>/",
            admin_views.dataset_detail,
            name="open_data_admin_dataset",
        ),
        path(
            "datos/<slug:key>/subir/", admin_views.upload, name="open_data_admin_upload"
        ),
        path(
            "datos/<slug:key>/importar/",
            admin_views.portal_import,
            name="open_data_admin_import",
        ),
        path(
            "datos/<slug:key>/v<int:version>/voltear/",
            admin_views.turn,
            name="open_data_admin_turn",
        ),
        path(
            "datos/<slug:key>/v<int:version>/tipo/",
            admin_views.retype,
            name="open_data_admin_retype",
        ),
    ]


class _OpenDataMenuItem(MenuItem):
    def is_shown(self, request):
        return api.may_manage_datasets(request.user)


@hooks.register("register_admin_menu_item")
def open_data_menu_item():
    return _OpenDataMenuItem(
        _("Datos abiertos"),
        reverse("open_data_admin_list"),
        icon_name="table",
        order=460,
    )
