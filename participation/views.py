"""Pages of civic roles: what each role asks, where the person stands, applying.

Thin: ``api`` decides, templates render. The requirements (as a Presentation
Exchange definition) and a lottery's inputs and result are public, so anyone can
check them; applying needs a signed-in person.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import api


def _role_or_404(role_id: int) -> api.RoleData:
    try:
        return api.get_role(role_id)
    except api.ParticipationError as exc:
        raise Http404(str(exc)) from exc


def roles(request: HttpRequest) -> HttpResponse:
    """Every role of the locality; for a signed-in person, their standing in each."""
    if request.user.is_authenticated:
        rows = api.roles_for_person(request.user.pk)
        api.store_standing(request.user.pk, rows)
    else:
        rows = [(role, None) for role in api.list_roles()]
    return render(request, "participation/roles.html", {"rows": rows})


@login_required
def role(request: HttpRequest, role_id: int) -> HttpResponse:
    """One role: the rules explained for this person, and the application form."""
    current = _role_or_404(role_id)
    if request.method == "POST":
        try:
            api.apply(
                request.user.pk,
                role_id,
                motivation=request.POST.get("motivation", ""),
                declares_no_impediment=request.POST.get("declaration") == "on",
                guardian_name=request.POST.get("guardian_name", ""),
                guardian_consents=request.POST.get("guardian_consent") == "on",
            )
        except api.ParticipationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Recibimos su postulación."))
            return redirect("participation:role", role_id=role_id)
    mine = [a for a in api.applications_of(request.user.pk) if a.role_id == role_id]
    return render(
        request,
        "participation/role.html",
        {
            "role": current,
            "standing": api.eligibility_for(request.user.pk, role_id),
            "application": mine[0] if mine else None,
            "has_credential": api.role_credential_of(request.user.pk, role_id)
            is not None,
            "declaration": api.DECLARATION_TEXT,
            "motivation": request.POST.get("motivation", ""),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, role_id: int) -> HttpResponse:
    try:
        api.withdraw(request.user.pk, role_id)
    except api.ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Retiró su postulación."))
    return redirect("participation:role", role_id=role_id)


@login_required
def credential(request: HttpRequest, role_id: int) -> JsonResponse:
    """The person's own role credential (Open Badges 3.0), to keep in a wallet."""
    _role_or_404(role_id)
    document = api.role_credential_of(request.user.pk, role_id)
    if document is None:
        raise Http404(_("Aún no tiene la credencial de este rol."))
    response = JsonResponse(
        document, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = "application/ld+json"
    response["Content-Disposition"] = 'attachment; filename="credencial-rol.json"'
    return response


def requirements(request: HttpRequest, role_id: int) -> JsonResponse:
    """The role's certificate requirements as a DIF Presentation Exchange v2
    ``presentation_definition`` (public, for wallets and other platforms)."""
    current = _role_or_404(role_id)
    definition = api.presentation_definition(
        current, site_url=request.build_absolute_uri("/").rstrip("/")
    )
    return JsonResponse(
        {"presentation_definition": definition},
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def lottery(request: HttpRequest, role_id: int) -> JsonResponse:
    """A lottery's public inputs and, once drawn, its seed and result (ids only)."""
    current = _role_or_404(role_id)
    if current.selection_mode != api.SelectionMode.LOTTERY:
        raise Http404(_("Este rol no se asigna por sorteo."))
    drawn = api.lottery_record(role_id)
    return JsonResponse(drawn, json_dumps_params={"ensure_ascii": False, "indent": 2})
