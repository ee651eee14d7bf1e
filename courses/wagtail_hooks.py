"""Admin wiring: buttons on course pages and the release views' URLs."""

from django.conf import settings
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from tenants import api as tenants_api

from . import admin_views
from .learning_rule import sync_learning_rule
from .models import CoursePage


@hooks.register("register_admin_urls")
def course_admin_urls():
    return [
        path(
            "cursos/<int:page_id>/publicar/",
            admin_views.release_course,
            name="courses_release",
        ),
        path(
            "cursos/publicaciones/<int:release_id>/",
            admin_views.release_status,
            name="courses_release_status",
        ),
        path(
            "cursos/<int:page_id>/ocultar/",
            admin_views.toggle_hidden,
            name="courses_toggle_hidden",
        ),
    ]


def _course_buttons(page, user):
    if not isinstance(page.specific_deferred, CoursePage):
        return
    course = page.specific
    at_campus = tenants_api.current_schema() == settings.CITY_CAMPUS_SCHEMA
    if at_campus and user.has_perm(admin_views.RELEASE_PERMISSION):
        yield Button(
            _("Publicar en localidades"),
            url=reverse("courses_release", args=[course.pk]),
            icon_name="upload",
            priority=25,
        )
    if course.is_city_copy and user.has_perm(admin_views.HIDE_PERMISSION):
        yield Button(
            _("Mostrar aquí")
            if course.is_hidden_locally
            else _("Ocultar en esta localidad"),
            url=reverse("courses_toggle_hidden", args=[course.pk]),
            icon_name="view",
            priority=26,
        )


@hooks.register("register_page_header_buttons")
def course_header_buttons(page, user, view_name, next_url=None):
    yield from _course_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def course_listing_buttons(page, user, next_url=None):
    yield from _course_buttons(page, user)


@hooks.register("after_publish_page")
def sync_learning_rule_after_publish(request, page):
    """An edit published in the admin (rule, lessons) reaches the learning records."""
    specific = page.specific
    course = (
        specific
        if isinstance(specific, CoursePage)
        else CoursePage.objects.ancestor_of(specific).first()
    )
    if course is not None:
        sync_learning_rule(course.key)
