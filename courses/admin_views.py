"""Admin views: release a campus course to localities, follow it, hide a city course.

Thin: they parse the form, call ``courses.api`` and render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.auth import permission_denied

from tenants import api as tenants_api

from . import api
from .models import CoursePage

RELEASE_PERMISSION = "courses.release_course"
HIDE_PERMISSION = "courses.hide_city_course"


class ReleaseForm(forms.Form):
    everywhere = forms.BooleanField(
        label=gettext_lazy("Todas las localidades"), required=False, initial=True
    )
    localities = forms.MultipleChoiceField(
        label=gettext_lazy("O solo estas localidades"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["localities"].choices = [
            (loc.schema_name, loc.name)
            for loc in tenants_api.list_localities(include_campus=False)
        ]

    def clean(self):
        data = super().clean()
        if not data.get("everywhere") and not data.get("localities"):
            raise forms.ValidationError(
                _("Marque «Todas las localidades» o elija al menos una.")
            )
        return data


def release_course(request: HttpRequest, page_id: int) -> HttpResponse:
    if not request.user.has_perm(RELEASE_PERMISSION):
        return permission_denied(request)
    course = get_object_or_404(CoursePage, pk=page_id)
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        chosen = (
            None if form.cleaned_data["everywhere"] else form.cleaned_data["localities"]
        )
        try:
            release = api.release_course(
                course.key, schema_names=chosen, requested_by_id=request.user.pk
            )
        except api.CourseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Versión %(version)s en cola para %(count)s localidad. Esta "
                    "página muestra el avance.",
                    "Versión %(version)s en cola para %(count)s localidades. Esta "
                    "página muestra el avance.",
                    len(release.targets),
                )
                % {"version": release.version, "count": len(release.targets)},
            )
            return redirect("courses_release_status", release_id=release.release_id)
    return render(
        request,
        "courses/admin/release_form.html",
        {"course": course, "form": form, "releases": api.list_releases(course.key)[:5]},
    )


def release_status(request: HttpRequest, release_id: int) -> HttpResponse:
    if not request.user.has_perm(RELEASE_PERMISSION):
        return permission_denied(request)
    if request.method == "POST":  # «Reintentar las localidades que fallaron»
        try:
            retried = api.retry_failed_localities(release_id)
        except api.CourseError as exc:
            messages.error(request, str(exc))
        else:
            count = sum(1 for t in retried.targets if t.status == "pending")
            messages.success(
                request,
                ngettext(
                    "%(count)s localidad en cola de nuevo; las demás no se tocan.",
                    "%(count)s localidades en cola de nuevo; las demás no se tocan.",
                    count,
                )
                % {"count": count},
            )
        return redirect("courses_release_status", release_id=release_id)
    release = api.get_release(release_id)
    return render(request, "courses/admin/release_status.html", {"release": release})


def toggle_hidden(request: HttpRequest, page_id: int) -> HttpResponse:
    if not request.user.has_perm(HIDE_PERMISSION):
        raise PermissionDenied
    course = get_object_or_404(CoursePage, pk=page_id)
    if request.method != "POST":
        return render(request, "courses/admin/toggle_hidden.html", {"course": course})
    try:
        if course.is_hidden_locally:
            api.show_city_course(course.key)
            messages.success(
                request,
                _("«%(title)s» vuelve a ofrecerse aquí.") % {"title": course.title},
            )
        else:
            api.hide_city_course(course.key)
            messages.success(
                request,
                _("«%(title)s» ya no se ofrece aquí.") % {"title": course.title},
            )
    except api.CourseError as exc:
        messages.error(request, str(exc))
    return redirect("wagtailadmin_explore", course.get_parent().pk)
