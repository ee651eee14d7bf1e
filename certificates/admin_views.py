"""Admin views: find a certificate, revoke or re-issue it with a reason, bulk re-issue.

Thin: they parse the form, call ``certificates.api`` and render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.auth import permission_denied

from . import api

VIEW_PERMISSION = "certificates.view_certificate"
REVOKE_PERMISSION = "certificates.revoke_certificate"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motivo"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Escriba el motivo: queda en el registro.")
        },
    )


class BulkReissueForm(ReasonForm):
    course_key = forms.CharField(
        label=gettext_lazy("Solo el curso (clave, opcional)"),
        max_length=120,
        required=False,
    )


def certificate_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        return permission_denied(request)
    query = request.GET.get("q", "")
    return render(
        request,
        "certificates/admin/list.html",
        {"certificates": api.search_certificates(query), "q": query},
    )


def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        return permission_denied(request)
    certificate = api.get_certificate(code)
    if certificate is None:
        raise Http404(_("No existe un certificado con ese código."))
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReasonForm(request.POST if action else None)
    if action and not request.user.has_perm(REVOKE_PERMISSION):
        return permission_denied(request)
    if action and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if action == "revoke":
                api.revoke_certificate(code, reason=reason)
                messages.success(request, _("Certificado revocado."))
                return redirect("certificates_admin_detail", code=code)
            result = api.reissue_certificate(code, reason=reason)
        except api.CertificateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Certificado reemitido: %(code)s.") % {"code": result.code}
            )
            return redirect("certificates_admin_detail", code=result.code)
    return render(
        request,
        "certificates/admin/detail.html",
        {"certificate": certificate, "form": form},
    )


def bulk_reissue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(REVOKE_PERMISSION):
        return permission_denied(request)
    form = BulkReissueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            job = api.start_bulk_reissue(
                reason=form.cleaned_data["reason"],
                course_key=form.cleaned_data["course_key"].strip(),
            )
        except api.CertificateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Reemisión en cola: %(count)s certificado. Esta página muestra "
                    "el avance.",
                    "Reemisión en cola: %(count)s certificados. Esta página muestra "
                    "el avance.",
                    job.total,
                )
                % {"count": job.total},
            )
            return redirect("certificates_admin_job", job_id=job.job_id)
    return render(
        request,
        "certificates/admin/bulk.html",
        {"form": form, "jobs": api.list_reissue_jobs()},
    )


def bulk_reissue_status(request: HttpRequest, job_id: int) -> HttpResponse:
    if not request.user.has_perm(REVOKE_PERMISSION):
        return permission_denied(request)
    return render(
        request, "certificates/admin/job.html", {"job": api.get_reissue_job(job_id)}
    )
