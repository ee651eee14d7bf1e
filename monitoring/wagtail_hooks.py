"""Admin wiring: projects as a model viewset; import and sources screens.

What each role may do comes from the Django permissions of ``ROLE_POLICY``
(lms/locality_roles/data.py); the viewset's permission policy reads them.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from . import (
    admin_views,
    api,
    review_views,
    workshop_hooks,  # noqa: F401 - registers the workshops screens
)
from .forms import ProjectForm
from .models import InvestmentProject


class InvestmentProjectViewSet(ModelViewSet):
    model = InvestmentProject
    icon = "site"
    menu_label = _("Proyectos de inversión")
    menu_order = 470
    add_to_admin_menu = True
    url_prefix = "seguimiento/proyectos"
    name = "monitoring_projects"
    # Copying would clash on the code; history and usage are Wagtail's defaults.
    copy_view_enabled = False
    # Facilitators may only view: the inspect screen shows them a whole project.
    inspect_view_enabled = True
    list_display = ["code", "name", "line", "status", "progress", "progress_as_of"]
    list_filter = ["line", "status"]
    search_fields = ["code", "name"]
    search_backend_name = None  # plain database search: a few hundred rows
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code"),
                    FieldPanel("name"),
                    FieldPanel("line"),
                    FieldPanel("spending_concept"),
                    FieldPanel("budget"),
                    FieldRowPanel([FieldPanel("upz_code"), FieldPanel("barrio_code")]),
                    FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                ],
                heading=_("Proyecto"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("status"),
                    FieldPanel("status_label"),
                    FieldPanel("progress"),
                    FieldPanel("progress_source"),
                    FieldPanel("progress_as_of"),
                ],
                heading=_("Cifras oficiales"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("secop_contract_id"),
                    FieldPanel("secop_url"),
                    FieldPanel("ocid"),
                    FieldPanel("gab_proposal"),
                    FieldPanel("decidim_result_id"),
                ],
                heading=_("Enlaces a otras fuentes"),
            ),
        ],
        base_form_class=ProjectForm,
    )


projects_viewset = InvestmentProjectViewSet()


@hooks.register("register_admin_viewset")
def register_projects_viewset():
    return projects_viewset


@hooks.register("register_admin_urls")
def monitoring_admin_urls():
    return [
        path(
            "seguimiento/importar/",
            admin_views.import_projects,
            name="monitoring_admin_import",
        ),
        path(
            "seguimiento/importar/<str:token>/rechazadas.csv",
            admin_views.rejected_rows,
            name="monitoring_admin_rejected",
        ),
        path(
            "seguimiento/fuentes/",
            admin_views.sources,
            name="monitoring_admin_sources",
        ),
        path(
            "seguimiento/reportes/",
            review_views.review_list,
            name="monitoring_admin_reviews",
        ),
        path(
            "seguimiento/reportes/<str:report_uuid>/",
            review_views.review_detail,
            name="monitoring_admin_review",
        ),
        path(
            "seguimiento/respuestas/",
            review_views.answers,
            name="monitoring_admin_answers",
        ),
        path(
            "seguimiento/respuestas/<str:report_uuid>/",
            review_views.answer_detail,
            name="monitoring_admin_answer",
        ),
        path(
            "seguimiento/asignaciones/",
            review_views.assignments,
            name="monitoring_admin_assignments",
        ),
        path(
            "seguimiento/veedurias/",
            review_views.veedurias,
            name="monitoring_admin_veedurias",
        ),
    ]


class _ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.IMPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def monitoring_import_menu_item():
    return _ImportMenuItem(
        _("Importar proyectos y fuentes"),
        reverse("monitoring_admin_import"),
        icon_name="upload",
        order=471,
    )


class _PermissionMenuItem(MenuItem):
    """A menu item shown to whoever passes ``check`` (a ``monitoring.api`` rule)."""

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


@hooks.register("register_admin_menu_item")
def monitoring_review_menu_item():
    return _PermissionMenuItem(
        _("Reportes ciudadanos"),
        reverse("monitoring_admin_reviews"),
        icon_name="doc-full",
        order=472,
        check=api.may_review,
    )


@hooks.register("register_admin_menu_item")
def monitoring_assignments_menu_item():
    return _PermissionMenuItem(
        _("Asignar proyectos"),
        reverse("monitoring_admin_assignments"),
        icon_name="group",
        order=473,
        check=api.may_assign,
    )


@hooks.register("register_admin_menu_item")
def monitoring_veedurias_menu_item():
    return _PermissionMenuItem(
        _("Veedurías ciudadanas"),
        reverse("monitoring_admin_veedurias"),
        icon_name="group",
        order=474,
        check=api.may_register_veedurias,
    )


@hooks.register("register_admin_menu_item")
def monitoring_answers_menu_item():
    return _PermissionMenuItem(
        _("Responder reportes"),
        reverse("monitoring_admin_answers"),
        icon_name="mail",
        order=475,
        check=api.may_answer,
    )
