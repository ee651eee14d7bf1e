"""Admin screens for facilitators: open a cohort ("grupo") and schedule its sessions.

Thin: forms parse input; ``facilitators.open_cohort`` (which checks the
facilitator role) and ``cohorts.schedule_session`` do the work. Attendance itself
is taken on the phone page (``views.session_attendance``). Wired into Wagtail's
admin by ``wagtail_hooks``; the URL names keep the ``courses_`` prefix they had
when these screens lived in ``courses``, since templates, links and the access
matrix name them.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .cohorts import get_cohort, list_cohorts, list_sessions, schedule_session
from .errors import LearningError
from .facilitators import is_facilitator, list_course_titles, open_cohort

COHORTS_URL_NAME = "courses_cohorts"


def may_run_cohorts(user) -> bool:
    """Whether the admin offers «Grupos y sesiones» to this user."""
    return user.is_superuser or is_facilitator(user.pk)


class CohortForm(forms.Form):
    course_key = forms.ChoiceField(label=gettext_lazy("Curso"))
    name = forms.CharField(label=gettext_lazy("Nombre del grupo"), max_length=120)
    starts_on = forms.DateField(
        label=gettext_lazy("Inicio"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Fin"), widget=forms.DateInput(attrs={"type": "date"})
    )
    capacity = forms.IntegerField(label=gettext_lazy("Cupo"), min_value=1, initial=30)
    schedule = forms.CharField(
        label=gettext_lazy("Horario"), required=False, max_length=200
    )
    place = forms.CharField(label=gettext_lazy("Lugar"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course_key"].choices = list_course_titles()


class SessionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tema de la sesión"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Empieza"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Termina"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=gettext_lazy("Lugar"), required=False, max_length=200)


def cohorts(request: HttpRequest) -> HttpResponse:
    """The facilitator's groups (every group, for a platform administrator)."""
    if not may_run_cohorts(request.user):
        raise PermissionDenied
    mine = None if request.user.is_superuser else request.user.pk
    titles = dict(list_course_titles())
    rows = [
        (
            cohort,
            titles.get(cohort.course_key, cohort.course_key),
            list_sessions(cohort.cohort_id),
        )
        for cohort in list_cohorts(facilitator_id=mine)
    ]
    return render(request, "learning/admin/cohorts.html", {"rows": rows})


def cohort_create(request: HttpRequest) -> HttpResponse:
    """Open a group run by the signed-in facilitator."""
    if not may_run_cohorts(request.user):
        raise PermissionDenied
    form = CohortForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = open_cohort(
                data["course_key"],
                data["name"],
                facilitator_id=request.user.pk,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                capacity=data["capacity"],
                schedule=data["schedule"],
                place=data["place"],
            )
        except LearningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Grupo «%(name)s» abierto.") % {"name": cohort.name}
            )
            return redirect(COHORTS_URL_NAME)
    return render(
        request,
        "learning/admin/cohort_form.html",
        {"form": form, "title": _("Abrir grupo")},
    )


def session_create(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Schedule an in-person session of one of the facilitator's groups."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise PermissionDenied
    if not request.user.is_superuser and cohort.facilitator_id != request.user.pk:
        raise PermissionDenied  # another facilitator's group
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule_session(
                cohort_id,
                data["title"],
                starts_at=_aware(data["starts_at"]),
                ends_at=_aware(data["ends_at"]),
                place=data["place"] or cohort.place,
            )
        except LearningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sesión programada."))
            return redirect(COHORTS_URL_NAME)
    return render(
        request,
        "learning/admin/cohort_form.html",
        {
            "form": form,
            "title": _("Programar sesión · %(name)s") % {"name": cohort.name},
        },
    )


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)
