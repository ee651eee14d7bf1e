"""Staff screens: the locality's roles, each role's roster, decisions and the draw.

Thin: ``api`` decides. Everything needs ``participation.select_applicants`` in this
locality (the roles table gives it to locality managers and administrators).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import api, roster

SELECT_PERMISSION = "participation.select_applicants"
WEBHOOK_PERMISSION = "participation.retry_webhookdelivery"
_DECISIONS = {
    "select": api.ApplicationStatus.SELECTED,
    "wait": api.ApplicationStatus.WAITING,
    "reject": api.ApplicationStatus.REJECTED,
}


def _require(request: HttpRequest, permission: str = SELECT_PERMISSION) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def roles(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(
        request, "participation/admin/roles.html", {"roles": api.list_roles()}
    )


def role_roster(request: HttpRequest, role_id: int) -> HttpResponse:
    _require(request)
    try:
        role, rows = roster.roster(role_id)
    except api.ParticipationError as exc:
        raise Http404(str(exc)) from exc
    if request.method == "POST":
        try:
            _act(request, role_id)
        except api.ParticipationError as exc:
            messages.error(request, str(exc))
        return redirect("participation_roster", role_id=role_id)
    return render(
        request,
        "participation/admin/roster.html",
        {
            "role": role,
            "rows": rows,
            "lottery": api.lottery_record(role_id)
            if role.selection_mode == api.SelectionMode.LOTTERY
            else None,
        },
    )


def _act(request: HttpRequest, role_id: int) -> None:
    if "seed" in request.POST:
        result = api.run_lottery(
            role_id, seed=request.POST["seed"], by_user_id=request.user.pk
        )
        messages.success(
            request,
            ngettext(
                "Sorteo hecho: %(n)d persona seleccionada.",
                "Sorteo hecho: %(n)d personas seleccionadas.",
                len(result.selected),
            )
            % {"n": len(result.selected)},
        )
        for unmet in result.unmet_quotas:
            messages.warning(request, unmet)
        return
    decision = _DECISIONS.get(request.POST.get("decision", ""))
    if decision is None:
        raise api.ParticipationError(
            _("Elija seleccionar, poner en espera o rechazar.")
        )
    application_id = int(request.POST.get("application", "0") or 0)
    if application_id not in {a.application_id for a in api.list_applications(role_id)}:
        raise api.ParticipationError(_("Esa postulación no es de este rol."))
    api.decide(
        application_id,
        decision=decision,
        reason=request.POST.get("reason", ""),
        by_user_id=request.user.pk,
    )
    messages.success(request, _("Decisión guardada."))


def roster_export(request: HttpRequest, role_id: int, fmt: str) -> HttpResponse:
    _require(request)
    try:
        api.get_role(role_id)
    except api.ParticipationError as exc:
        raise Http404(str(exc)) from exc
    if fmt == "csv":
        response = HttpResponse(roster.roster_csv(role_id), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            roster.roster_xlsx(role_id),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
    else:
        raise Http404(_("Formato desconocido: use csv o xlsx."))
    response["Content-Disposition"] = f'attachment; filename="rol-{role_id}.{fmt}"'
    return response


def undelivered_events(request: HttpRequest) -> HttpResponse:
    """Events the outside platform has not accepted: state, tries, last error."""
    _require(request, WEBHOOK_PERMISSION)
    return render(
        request,
        "participation/admin/webhooks.html",
        {"events": api.list_undelivered()},
    )


@require_POST
def retry_event(request: HttpRequest, delivery_id: int) -> HttpResponse:
    _require(request, WEBHOOK_PERMISSION)
    try:
        event = api.retry_now(delivery_id)
    except api.WebhookEventNotFound as exc:
        raise Http404(str(exc)) from exc
    except api.ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Evento %(event)s enviado de nuevo; la lista se actualiza al responder.")
            % {"event": event.event},
        )
    return redirect("participation_webhooks")
