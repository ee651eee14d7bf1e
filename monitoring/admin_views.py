"""Admin views: import projects from a file, see and refresh the official sources.

Thin: they check the permission, call ``monitoring.api`` and render. The upload
is kept only between the preview and the import, in the locality's own folder
of the data directory, under a random name remembered by the session.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.auth import permission_denied

from tenants import api as tenants_api

from . import api
from .forms import DecidimForm, ImportForm

IMPORT_PERMISSION = "monitoring.import_projects"


def import_projects(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(IMPORT_PERMISSION):
        return permission_denied(request)
    context: dict = {"form": ImportForm(), "serves_projects": api.serves_projects()}
    if request.method == "POST" and request.POST.get("action") == "import":
        token, filename, content = _stored_upload(request)
        result = api.import_projects(content, filename=filename)
        # Kept as the import saw it: re-reading the file now would call every
        # imported row a duplicate.
        tenants_api.hold_file(
            "monitoring-import", f"{token}.rejected.csv", result.rejected_csv
        )
        context["result"] = result
        context["token"] = token
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            token = secrets.token_urlsafe(16)
            # Held in the locality's private storage: any web node reads it back.
            tenants_api.hold_file("monitoring-import", f"{token}.bin", content)
            request.session[f"monitoring-import-{token}"] = upload.name
            context["preview"] = api.preview_projects(content, filename=upload.name)
            context["token"] = token
    return render(request, "monitoring/admin/import.html", context)


def rejected_rows(request: HttpRequest, token: str) -> HttpResponse:
    if not request.user.has_perm(IMPORT_PERMISSION):
        return permission_denied(request)
    token, filename, content = _stored_upload(request, token)
    after_import = tenants_api.held_file("monitoring-import", f"{token}.rejected.csv")
    response = HttpResponse(
        after_import
        if after_import is not None
        else api.rejected_rows_csv(content, filename=filename),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="proyectos-rechazados.csv"'
    return response


def sources(request: HttpRequest) -> HttpResponse:
    """Each outside service's last read and error; set Decidim, refresh now."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        return permission_denied(request)
    form = DecidimForm(request.POST if request.POST.get("action") == "save" else None)
    if request.method == "POST" and request.POST.get("action") == "refresh":
        for outcome in api.refresh_official_figures():
            if outcome.error:
                messages.error(request, outcome.error)
            elif not outcome.skipped:
                messages.success(
                    request,
                    ngettext(
                        "%(service)s: %(count)d proyecto actualizado.",
                        "%(service)s: %(count)d proyectos actualizados.",
                        outcome.updated,
                    )
                    % {
                        "service": outcome.service.name.title(),
                        "count": outcome.updated,
                    },
                )
        return redirect("monitoring_admin_sources")
    if form.is_bound and form.is_valid():
        try:
            api.configure_decidim(
                form.cleaned_data["endpoint"], form.cleaned_data["component_id"]
            )
        except api.SourceConfigError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Fuente de Decidim guardada."))
            return redirect("monitoring_admin_sources")
    statuses = api.list_sync_statuses()
    if not form.is_bound:
        decidim = next(s for s in statuses if s.service is api.OutsideService.DECIDIM)
        form = DecidimForm(
            initial={"endpoint": decidim.endpoint, "component_id": decidim.component_id}
        )
    return render(
        request,
        "monitoring/admin/sources.html",
        {"statuses": statuses, "form": form},
    )


def _stored_upload(
    request: HttpRequest, token: str | None = None
) -> tuple[str, str, bytes]:
    token = token or request.POST.get("token", "")
    filename = request.session.get(f"monitoring-import-{token}")
    safe = token.replace("-", "").replace("_", "").isalnum()
    content = (
        tenants_api.held_file("monitoring-import", f"{token}.bin") if safe else None
    )
    if not filename or content is None:
        raise Http404(_("Ese archivo ya no está disponible. Súbalo de nuevo."))
    return token, filename, content
