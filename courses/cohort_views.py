"""Admin screens for facilitators: open a cohort ("grupo") and schedule its sessions.

Thin: forms parse input, ``courses.api.open_cohort`` (which checks the facilitator
role) and ``lms.learning.api.schedule_session`` do the work. Attendance itself is
taken on the phone page of the learning records.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api

from . import api


def is_facilitator(user) -> bool:
    return user.is_superuser or roles_api.Role.FACILITATOR in roles_api.roles_of(
        user.pk
    )


class CohortForm(forms.Form):
    course_key = forms.ChoiceField(label="Curso")
    name = forms.CharField(label="Nombre del grupo", max_length=120)
    starts_on = forms.DateField(
        label="Inicio", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Fin", widget=forms.DateInput(attrs={"type": "date"})
    )
    capacity = forms.IntegerField(label="Cupo", min_value=1, initial=30)
    schedule = forms.CharField(label="Horario", required=False, max_length=200)
    place = forms.CharField(label="Lugar", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course_key"].choices = [
            (course.key, course.title) for course in api.list_catalog()
        ]


class SessionForm(forms.Form):
    title = forms.CharField(label="Tema de la sesión", max_length=200)
    starts_at = forms.DateTimeField(
        label="Empieza", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Termina", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="Lugar", required=False, max_length=200)


def cohorts(request: HttpRequest) -> HttpResponse:
    if not is_facilitator(request.user):
        raise PermissionDenied
    mine = None if request.user.is_superuser else request.user.pk
    rows = [
        (cohort, learning_api.list_sessions(cohort.cohort_id))
        for cohort in learning_api.list_cohorts(facilitator_id=mine)
    ]
    return render(request, "courses/admin/cohorts.html", {"rows": rows})


def cohort_create(request: HttpRequest) -> HttpResponse:
    if not is_facilitator(request.user):
        raise PermissionDenied
    form = CohortForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = api.open_cohort(
                data["course_key"],
                data["name"],
                facilitator_id=request.user.pk,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                capacity=data["capacity"],
                schedule=data["schedule"],
                place=data["place"],
            )
        except (api.CourseError, learning_api.LearningError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Grupo «{cohort.name}» abierto.")
            return redirect("courses_cohorts")
    return render(
        request,
        "courses/admin/cohort_form.html",
        {"form": form, "title": "Abrir grupo"},
    )


def session_create(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = learning_api.get_cohort(cohort_id)
    if cohort is None:
        raise PermissionDenied
    if not request.user.is_superuser and cohort.facilitator_id != request.user.pk:
        raise PermissionDenied  # another facilitator's group
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            learning_api.schedule_session(
                cohort_id,
                data["title"],
                starts_at=_aware(data["starts_at"]),
                ends_at=_aware(data["ends_at"]),
                place=data["place"] or cohort.place,
            )
        except learning_api.LearningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Sesión programada.")
            return redirect("courses_cohorts")
    return render(
        request,
        "courses/admin/cohort_form.html",
        {"form": form, "title": f"Programar sesión · {cohort.name}"},
    )


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def attendance_url(session_id: int) -> str:
    return reverse("learning:session_attendance", args=[session_id])
