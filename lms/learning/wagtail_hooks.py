"""Admin wiring of the learning records: the facilitators' «Grupos y sesiones».

The paths and URL names are the ones these screens had under ``courses`` (the
access matrix and bookmarks name them).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_screens


@hooks.register("register_admin_urls")
def cohort_admin_urls():
    return [
        path("grupos/", admin_screens.cohorts, name="courses_cohorts"),
        path(
            "grupos/nuevo/",
            admin_screens.cohort_create,
            name="courses_cohort_create",
        ),
        path(
            "grupos/<int:cohort_id>/sesiones/nueva/",
            admin_screens.session_create,
            name="courses_session_create",
        ),
    ]


class _FacilitatorMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_screens.may_run_cohorts(request.user)


@hooks.register("register_admin_menu_item")
def cohorts_menu_item():
    return _FacilitatorMenuItem(
        gettext_lazy("Grupos y sesiones"),
        reverse("courses_cohorts"),
        icon_name="group",
        order=250,
    )
