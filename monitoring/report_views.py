"""A veedor's pages: the assigned projects, the report form, a report, its photos.

Thin: they read the form, call ``monitoring.api`` and render. The form works
with no JavaScript (a plain multipart POST); with it, ``report-draft.js``
keeps the draft on the phone and sends it when the connection returns. Each
form carries its idempotency key, so a draft sent twice is stored once.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import api
from .views import require_locality


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    require_locality()
    return render(
        request,
        "monitoring/my_projects.html",
        {
            "assignments": api.assignments_of(request.user.pk),
            "reports": api.reports_of(request.user.pk),
            "veedurias": api.veedurias_of(request.user.pk),
            "status_labels": api.REPORT_STATUS_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, code: str) -> HttpResponse:
    require_locality()
    project = api.get_project(code)
    if project is None:
        raise Http404(_("Esta localidad no tiene un proyecto con ese código."))
    if api.reporting_assignment(request.user.pk, code) is None:
        return render(
            request, "monitoring/not_assigned.html", {"project": project}, status=403
        )
    errors: dict[str, str] = {}
    values = request.POST
    if request.method == "POST":
        try:
            report, _created = api.submit_report(
                code,
                author_id=request.user.pk,
                idempotency_key=values.get("idempotency_key", ""),
                **_submitted(request, project),
            )
        except api.ReportError as exc:
            errors = exc.errors
        else:
            return redirect("monitoring:report", report_uuid=report.report_uuid)
    context = _form_context(project, values, errors)
    context["key"] = values.get("idempotency_key") or api.new_idempotency_key()
    context["draft_messages"] = _draft_messages()
    return render(
        request,
        "monitoring/report_form.html",
        context,
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_correct(request: HttpRequest, report_uuid: str) -> HttpResponse:
    """The author corrects a returned report and sends it to review again."""
    require_locality()
    report = api.get_report(report_uuid)
    if report is None or report.author_id != request.user.pk:
        raise Http404(_("Ese reporte no existe o no es suyo."))
    if not api.may_correct_report(request.user, report):
        # Already sent again (a second tap) or published: show where it stands.
        return redirect("monitoring:report", report_uuid=report.report_uuid)
    project = api.get_project(report.project_code)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = request.POST
        try:
            api.resubmit_report(
                report.report_uuid,
                author_id=request.user.pk,
                **_submitted(request, project),
            )
        except api.ReportError as exc:
            errors = exc.errors
        else:
            return redirect("monitoring:report", report_uuid=report.report_uuid)
    else:
        values = {
            "observed_progress": str(report.observed_progress),
            "verdict": report.verdict.value,
            "observations": report.observations,
            "evidence": "\n".join(e["url"] for e in report.evidence),
            **{f"check_{k}": v for k, v in report.checklist.items()},
        }
    context = _form_context(project, values, errors)
    context["report"] = report
    return render(
        request,
        "monitoring/report_form.html",
        context,
        status=400 if errors else 200,
    )


def _submitted(request: HttpRequest, project) -> dict:
    values = request.POST
    return {
        "observed_progress": values.get("observed_progress", ""),
        "checklist": {
            key: values.get(f"check_{key}", "")
            for key, _question in api.questions_for(project.line)
        },
        "verdict": values.get("verdict", ""),
        "observations": values.get("observations", ""),
        "evidence_urls": values.get("evidence", "").split(),
        "photos": [(f.name, f.read()) for f in request.FILES.getlist("photos")],
        "keep_place": values.get("keep_place") == "on",
    }


def _form_context(project, values, errors: dict[str, str]) -> dict:
    return {
        "project": project,
        "errors": errors,
        "general_error": errors.get("__all__", ""),
        "values": values,
        "questions": [
            (
                key,
                question,
                values.get(f"check_{key}", ""),
                errors.get(f"check_{key}"),
            )
            for key, question in api.questions_for(project.line)
        ],
        "answers": api.ANSWER_LABELS.items(),
        "verdicts": api.VERDICT_LABELS.items(),
        "max_photos": api.MAX_PHOTOS,
        "max_evidence": api.MAX_EVIDENCE,
    }


def _draft_messages() -> dict[str, str]:
    """What report-draft.js tells the person, translated here."""
    return {
        "offline": _(
            "Sin conexión: el reporte quedó guardado en este teléfono y se enviará "
            "solo cuando vuelva la conexión. Puede cerrar esta página."
        ),
        "sending": _("Enviando el reporte guardado…"),
        "sent": _("Reporte enviado."),
        "restored": _("Recuperamos el borrador guardado en este teléfono."),
        "refused": _(
            "No pudimos enviar el reporte. El borrador sigue guardado en este "
            "teléfono: intente de nuevo más tarde."
        ),
        "photos_not_kept": _(
            "Las fotos no caben en la memoria del navegador: guardamos el texto; "
            "elija las fotos de nuevo antes de enviar."
        ),
    }


def report_detail(request: HttpRequest, report_uuid: str) -> HttpResponse:
    require_locality()
    report = api.get_report(report_uuid)
    if report is None or not api.may_see_report(request.user, report):
        raise Http404(_("Ese reporte no existe o aún no es público."))
    is_public = report.status is api.ReportStatus.PUBLISHED
    is_author = request.user.is_authenticated and request.user.pk == report.author_id
    project = api.get_project(report.project_code)
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "project": project,
            "is_author": is_author,
            "is_public": is_public,
            "observations": report.public_observations
            if is_public
            else report.observations,
            "checklist": [
                (question, api.ANSWER_LABELS[api.Answer(report.checklist[key])])
                for key, question in api.questions_for(project.line)
                if key in report.checklist
            ],
            "verdict": api.VERDICT_LABELS[report.verdict],
            "status": api.REPORT_STATUS_LABELS[report.status],
            "may_download_letter": is_author
            or api.may_review(request.user)
            or api.may_answer(request.user),
            "may_correct": api.may_correct_report(request.user, report),
            "revisions": api.revisions_of(report.report_uuid)
            if is_author or api.may_review(request.user)
            else [],
        },
    )


def escalation_letter(request: HttpRequest, report_uuid: str) -> HttpResponse:
    """The generated escalation letter, for the author to file (and staff)."""
    require_locality()
    report = api.get_report(report_uuid)
    is_author = bool(report) and request.user.pk == report.author_id
    allowed = is_author or api.may_review(request.user) or api.may_answer(request.user)
    letter = api.escalation_letter(report_uuid) if report and allowed else ""
    if not letter:
        raise Http404(_("Este reporte no tiene carta de escalamiento."))
    response = HttpResponse(letter, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="carta-escalamiento.txt"'
    return response


def photo(request: HttpRequest, photo_uuid: str) -> HttpResponse:
    """A report's photo, from private storage, to whoever may see the report."""
    require_locality()
    found = api.photo_file(photo_uuid)
    if found is None or not api.may_see_report(request.user, found[1]):
        raise Http404(_("Esa foto no existe o aún no es pública."))
    stored, report = found
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    if report.status is api.ReportStatus.PUBLISHED:
        response["Cache-Control"] = "public, max-age=86400"
    else:
        response["Cache-Control"] = "private, no-store"
    return response
