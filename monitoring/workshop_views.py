"""Admin screens of collective-intelligence workshops: the locality's sessions
(which are workshops, barrios reached toward the goal) and one session's
workshop (mark it, choose the barrios where participants live, or unmark it).

Thin: each checks ``monitoring.api.may_record_workshop(s)`` (the Django
permissions ``ROLE_POLICY`` gives), calls ``monitoring.api`` and renders.
Everything acts on the locality of the site it is opened on.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from lms.learning import api as learning_api

from . import api


def workshops(request: HttpRequest) -> HttpResponse:
    """Sessions the person may mark (all of the locality's for a manager), and
    the barrios reached so far."""
    if not api.may_record_workshops(request.user):
        return permission_denied(request)
    sees_all = api.may_record_any_workshop(request.user)
    sessions = learning_api.list_locality_sessions(
        facilitator_id=None if sees_all else request.user.pk
    )
    marked = {w.session_id: w for w in api.list_workshops()}
    coverage = api.barrio_coverage_here()
    return render(
        request,
        "monitoring/admin/workshops.html",
        {
            "rows": [(s, marked.get(s.session_id)) for s in sessions],
            "coverage": coverage,
            "goal_percent": api.BARRIO_GOAL_PERCENT,
            "has_barrios": bool(coverage.total),
            "source_credit": api.SOURCE_CREDIT,
        },
    )


def workshop_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    if not api.may_record_workshops(request.user):
        return permission_denied(request)
    session = learning_api.get_session(session_id)
    if session is None:
        raise Http404(_("Esa sesión no existe en esta localidad."))
    if not api.may_record_workshop(request.user, session):
        return permission_denied(request)
    workshop = api.get_workshop(session_id)
    errors: dict[str, str] = {}
    chosen = set(workshop.barrio_codes if workshop else ())
    if request.method == "POST" and request.POST.get("action") == "remove":
        if api.remove_workshop(session_id):
            messages.success(request, _("La sesión ya no cuenta como taller."))
        return redirect("monitoring_admin_workshops")
    if request.method == "POST":
        typed = request.POST.get("codes", "").replace(",", " ").split()
        chosen = {*request.POST.getlist("barrios"), *typed}
        try:
            api.record_workshop(
                session_id,
                recorded_by=request.user.pk,
                barrio_codes=sorted(chosen),
                participants=request.POST.get("participants", ""),
                notes=request.POST.get("notes", ""),
            )
        except api.WorkshopError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Taller guardado."))
            return redirect("monitoring_admin_workshops")
    return render(
        request,
        "monitoring/admin/workshop_detail.html",
        {
            "session": session,
            "workshop": workshop,
            "groups": api.barrio_choices(),
            "chosen": chosen,
            "errors": errors,
            "general_error": errors.get("__all__", ""),
            "participants": request.POST.get(
                "participants",
                workshop.participants if workshop and workshop.participants else "",
            ),
            "notes": request.POST.get("notes", workshop.notes if workshop else ""),
            "source_credit": api.SOURCE_CREDIT,
        },
        status=400 if errors else 200,
    )
