"""Admin screens of citizen monitoring: review reports, register veedurías,
assign projects.

Thin: each checks its permission (``monitoring.api.may_*``, which read the
Django permissions ``ROLE_POLICY`` gives), calls ``monitoring.api`` and
renders. Everything acts on the locality of the site it is opened on.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from . import api
from .forms import AssignmentForm, VeeduriaForm


def review_list(request: HttpRequest) -> HttpResponse:
    if not api.may_review(request.user):
        return permission_denied(request)
    reports = api.reports_to_review()
    names = api.person_names([r.author_id for r in reports])
    return render(
        request,
        "monitoring/admin/review_list.html",
        {
            "rows": [(r, names.get(r.author_id, "")) for r in reports],
            "verdicts": api.VERDICT_LABELS,
        },
    )


def review_detail(request: HttpRequest, report_uuid: str) -> HttpResponse:
    if not api.may_review(request.user):
        return permission_denied(request)
    report = api.get_report(report_uuid)
    if report is None:
        raise Http404(_("Ese reporte no existe en esta localidad."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                api.publish_report(
                    report.report_uuid,
                    reviewer_id=request.user.pk,
                    public_observations=request.POST.get("public_observations", ""),
                )
                messages.success(request, _("Reporte publicado."))
            else:
                api.return_report(
                    report.report_uuid,
                    reviewer_id=request.user.pk,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Reporte devuelto a su autor/a."))
        except api.ReportError as exc:
            errors = exc.errors
        else:
            return redirect("monitoring_admin_reviews")
    project = api.get_project(report.project_code)
    return render(
        request,
        "monitoring/admin/review_detail.html",
        {
            "report": report,
            "project": project,
            "author": api.person_names([report.author_id]).get(report.author_id, ""),
            "checklist": [
                (question, api.ANSWER_LABELS[api.Answer(report.checklist[key])])
                for key, question in api.questions_for(project.line)
                if key in report.checklist
            ],
            "verdict": api.VERDICT_LABELS[report.verdict],
            "status": api.REPORT_STATUS_LABELS[report.status],
            "is_pending": report.status is api.ReportStatus.SUBMITTED,
            "errors": errors,
            "general_error": errors.get("__all__", ""),
            "public_text": request.POST.get("public_observations", report.observations),
        },
        status=400 if errors else 200,
    )


def assignments(request: HttpRequest) -> HttpResponse:
    if not api.may_assign(request.user):
        return permission_denied(request)
    veedores = api.selected_veedores()
    names = api.person_names(veedores)
    veedurias = api.list_veedurias()
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        projects=[
            (p.code, f"{p.code} · {p.name}") for p in api.list_projects().projects
        ],
        veedores=[(str(pk), names.get(pk, str(pk))) for pk in veedores],
        veedurias=[(str(v.veeduria_id), v.name) for v in veedurias],
    )
    if request.method == "POST" and request.POST.get("end"):
        api.end_assignment(int(request.POST["end"]))
        messages.success(request, _("Asignación terminada."))
        return redirect("monitoring_admin_assignments")
    if form.is_bound and form.is_valid():
        try:
            api.assign_project(
                form.cleaned_data["project"],
                assigned_by=request.user.pk,
                user_id=form.cleaned_data["user_id"],
                veeduria_id=form.cleaned_data["veeduria_id"],
            )
        except api.AssignmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Proyecto asignado."))
            return redirect("monitoring_admin_assignments")
    current = api.open_assignments()
    people = api.person_names([a.user_id for a in current if a.user_id])
    return render(
        request,
        "monitoring/admin/assignments.html",
        {
            "form": form,
            "rows": [(a, people.get(a.user_id, "")) for a in current],
            "has_veedores": bool(veedores or veedurias),
        },
    )


def veedurias(request: HttpRequest) -> HttpResponse:
    if not api.may_register_veedurias(request.user):
        return permission_denied(request)
    form = VeeduriaForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            api.register_veeduria(
                data["name"],
                purpose=data["purpose"],
                territorial_level=data["territorial_level"],
                duration=data["duration"],
                residence=data["residence"],
                founded_on=data["founded_on"],
                registered_with=data["registered_with"],
                registration_number=data["registration_number"],
                registered_on=data["registered_on"],
                member_ids=data["member_ids"],
            )
        except api.AssignmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Veeduría inscrita."))
            return redirect("monitoring_admin_veedurias")
    rows = api.list_veedurias()
    return render(
        request,
        "monitoring/admin/veedurias.html",
        {
            "form": form,
            "rows": rows,
            "bodies": api.REGISTRATION_BODY_LABELS,
            "names": api.person_names([m for v in rows for m in v.member_ids]),
        },
    )


def answers(request: HttpRequest) -> HttpResponse:
    """The locality's reports waiting for the alcaldía's answer, due first."""
    if not api.may_answer(request.user):
        return permission_denied(request)
    pending = api.pending_answers()
    reports = {uuid: api.get_report(uuid) for uuid, _answer in pending}
    return render(
        request,
        "monitoring/admin/answers.html",
        {"rows": [(reports[uuid], answer) for uuid, answer in pending]},
    )


def answer_detail(request: HttpRequest, report_uuid: str) -> HttpResponse:
    if not api.may_answer(request.user):
        return permission_denied(request)
    report = api.get_report(report_uuid)
    if report is None or report.answer is None:
        raise Http404(_("Ese reporte no está publicado o no pide respuesta."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            api.answer_report(
                report.report_uuid,
                answered_by=request.user.pk,
                text=request.POST.get("answer", ""),
            )
        except api.ReportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Respuesta registrada."))
            return redirect("monitoring_admin_answers")
    return render(
        request,
        "monitoring/admin/answer_detail.html",
        {
            "report": report,
            "verdict": api.VERDICT_LABELS[report.verdict],
            "errors": errors,
            "general_error": errors.get("__all__", ""),
        },
        status=400 if errors else 200,
    )
