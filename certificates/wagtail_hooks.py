"""Admin wiring: the Certificates menu item and its views' URLs."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "certificados/",
            admin_views.certificate_list,
            name="certificates_admin_list",
        ),
        path(
            "certificados/reemision/",
            admin_views.bulk_reissue,
            name="certificates_admin_bulk",
        ),
        path(
            "certificados/reemision/<int:job_id>/",
            admin_views.bulk_reissue_status,
            name="certificates_admin_job",
        ),
        path(
            "certificados/<str:code>/",
            admin_views.certificate_detail,
            name="certificates_admin_detail",
        ),
    ]


class _CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def certificates_menu_item():
    return _CertificatesMenuItem(
        _("Certificados"),
        reverse("certificates_admin_list"),
        icon_name="doc-full",
        order=450,
    )
