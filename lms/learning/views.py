"""Learner and facilitator pages of the learning records (thin: logic is in api.py).

«Mi aprendizaje», enroll/withdraw, QR check-in, a session's attendance on the
facilitator's phone, and native quizzes. Every page acts on the locality the
host name chose (the active schema).
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import api

# The attendance page renews its QR this often: well inside the code's validity
# (``QR_MAX_AGE_SECONDS``), so a code on screen is never an expired one.
QR_REFRESH_SECONDS = api.QR_MAX_AGE_SECONDS // 2


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/my_learning.html",
        {
            "courses": api.list_my_courses(request.user.pk),
            "sessions": api.list_upcoming_sessions(request.user.pk)[:5],
            "notifications": api.list_notifications(request.user.pk, limit=5),
        },
    )


@login_required
@require_POST
def enroll(request: HttpRequest, course_key: str) -> HttpResponse:
    cohort = request.POST.get("cohort")
    try:
        api.enroll(
            request.user.pk,
            course_key,
            cohort_id=int(cohort) if cohort and cohort.isdigit() else None,
        )
    except api.LearningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Listo: su inscripción en el curso quedó hecha."))
    return redirect(_course_url(request, course_key))


@login_required
@require_POST
def withdraw(request: HttpRequest, course_key: str) -> HttpResponse:
    try:
        api.withdraw(request.user.pk, course_key)
    except api.LearningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Se retiró del curso. Su avance se conserva si vuelve.")
        )
    return redirect(reverse("learning:mine"))


def _course_url(request: HttpRequest, course_key: str) -> str:
    progress = next(
        (c for c in api.list_my_courses(request.user.pk) if c.course_key == course_key),
        None,
    )
    return progress.url if progress and progress.url else reverse("learning:mine")


@login_required
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """The page a scanned session QR opens; the learner confirms with one tap."""
    if request.method == "POST":
        try:
            session = api.check_in_with_qr(request.user.pk, token)
        except api.LearningError as exc:
            return render(
                request, "learning/check_in.html", {"error": str(exc)}, status=400
            )
        return render(request, "learning/check_in.html", {"session": session})
    return render(request, "learning/check_in.html", {"confirm": True})


def _facilitated_session(request: HttpRequest, session_id: int) -> api.SessionData:
    session = api.get_session(session_id)
    if session is None or not (
        request.user.pk == session.facilitator_id or request.user.is_superuser
    ):
        raise Http404(_("Solo quien facilita el grupo toma asistencia."))
    return session


def _session_qr_svg(request: HttpRequest, session_id: int) -> str:
    token = api.qr_token(session_id)
    url = request.build_absolute_uri(reverse("learning:check_in", args=[token]))
    return segno.make(url, error="m").svg_inline(scale=5)


@login_required
def session_qr(request: HttpRequest, session_id: int) -> JsonResponse:
    """A fresh QR of the session, for the attendance page's script to swap in.

    The page renews its code with this before the old one expires, so ticked
    boxes that are not saved yet stay ticked (no reload).
    """
    _facilitated_session(request, session_id)
    response = JsonResponse(
        {
            "svg": _session_qr_svg(request, session_id),
            "valid_seconds": api.QR_MAX_AGE_SECONDS,
        }
    )
    response["Cache-Control"] = "no-store"  # a code must never be served twice
    return response


@login_required
def session_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    """The facilitator's phone: roster to tick, the session's QR, a CSV sheet."""
    session = _facilitated_session(request, session_id)
    if request.method == "POST":
        try:
            if "sheet" in request.FILES:
                text = request.FILES["sheet"].read().decode("utf-8-sig", "replace")
                result = api.import_attendance_csv(session_id, text)
                messages.success(
                    request,
                    ngettext(
                        "Planilla: %(recorded)d asistencia nueva, %(already)d ya "
                        "estaban.",
                        "Planilla: %(recorded)d asistencias nuevas, %(already)d ya "
                        "estaban.",
                        result.recorded,
                    )
                    % {"recorded": result.recorded, "already": result.already},
                )
                for error in result.errors:
                    messages.error(request, error)
            else:
                ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
                added = api.record_attendance(session_id, ids)
                messages.success(
                    request,
                    ngettext(
                        "%(added)d asistencia nueva guardada.",
                        "%(added)d asistencias nuevas guardadas.",
                        added,
                    )
                    % {"added": added},
                )
        except api.LearningError as exc:
            messages.error(request, str(exc))
        return redirect(request.path)
    # No self-reload: a refresh would throw away boxes ticked but not saved. A
    # small script swaps in a fresh code from ``session_qr`` before this one
    # expires; without JavaScript, a plain link asks for a new page.
    return render(
        request,
        "learning/session_attendance.html",
        {
            "session": session,
            "qr_svg": _session_qr_svg(request, session_id),
            "qr_url": reverse("learning:session_qr", args=[session_id]),
            "qr_refresh_seconds": QR_REFRESH_SECONDS,
            "qr_messages": {
                "auto": _(
                    "El código se renueva solo mientras esta página esté abierta; "
                    "las casillas marcadas se conservan."
                ),
                # %(time)s is filled in by the script, in the phone's own clock.
                "renewed": _("Código renovado: %(time)s"),
                "failed": _(
                    "No se pudo renovar el código; revise la conexión o guarde la "
                    "asistencia y toque «Actualizar el código QR»."
                ),
            },
            "roster": api.list_session_roster(session.cohort_id, session_id),
            "present_count": len(api.list_session_attendance(session_id)),
            "qr_minutes": api.QR_MAX_AGE_SECONDS // 60,
        },
    )


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every learning email: no sign-in needed, one tap to confirm."""
    if request.method == "POST":
        done = api.unsubscribe(token)
        return render(
            request,
            "learning/unsubscribe.html",
            {"done": done, "invalid": not done},
            status=200 if done else 400,
        )
    return render(request, "learning/unsubscribe.html", {})
