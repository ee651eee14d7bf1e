"""«Agregar personas»: a facilitator adds people to one of their groups.

The facilitator finds people by name or document number with the people
screens' own search (``search.find_people``) among the people this site's staff
may see (``scope.people_visible_to``): documents are masked, a full number is an
exact match and is logged, and nobody outside that scope is ever listed or added.
Adding enrolls the person in the group's course with the group
(``learning.api.add_to_cohort``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from lms.accounts import api as accounts_api
from lms.learning import api as learning_api

from . import scope, search

URL_NAME = "cohort_people"
_MAX_RESULTS = 20


def group_people(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The group's people and a search to add more (POST ``person`` adds one)."""
    cohort = learning_api.get_cohort(cohort_id)
    if cohort is None:
        raise Http404
    if not (request.user.is_superuser or cohort.facilitator_id == request.user.pk):
        raise PermissionDenied  # only the group's facilitator fills it
    visible = scope.people_visible_to(request.user)
    if request.method == "POST":
        _add(request, cohort, visible)
        query = {"q": request.POST.get("q", "")}
        here = reverse(URL_NAME, args=[cohort_id])
        return redirect(f"{here}?{urlencode(query)}" if query["q"] else here)
    text = request.GET.get("q", "").strip()[:100]
    members = dict(learning_api.list_cohort_roster(cohort_id))
    found = list(search.find_people(request, visible, text)[:_MAX_RESULTS])
    return TemplateResponse(
        request,
        "people_admin/group_people.html",
        {
            "cohort": cohort,
            "query": text,
            "results": [_row(person, members) for person in found],
            "members": _members(members),
            "max_results": _MAX_RESULTS,
        },
    )


def _add(request: HttpRequest, cohort: Any, visible: Any) -> None:
    raw = request.POST.get("person", "")
    person = visible.filter(pk=int(raw)).first() if raw.isdigit() else None
    if person is None:
        messages.error(
            request,
            _(
                "No encontramos a esa persona entre las de este sitio; búsquela de nuevo."
            ),
        )
        return
    try:
        placed = learning_api.add_to_cohort(person.pk, cohort.cohort_id)
    except learning_api.LearningError as refused:
        messages.error(request, str(refused))
        return
    name = _name(person)
    if placed.status == "waiting":
        messages.warning(
            request,
            _("El grupo está completo: %(name)s quedó en la lista de espera.")
            % {"name": name},
        )
    else:
        messages.success(
            request,
            _("%(name)s quedó en el grupo «%(group)s».")
            % {"name": name, "group": cohort.name},
        )


def _row(person: Any, members: dict[int, str]) -> dict[str, Any]:
    return {
        "user_id": person.pk,
        "name": _name(person),
        "document": scope.masked_document(person),
        "status": members.get(person.pk),
    }


def _members(members: dict[int, str]) -> list[dict[str, Any]]:
    people = {p.user_id: p for p in accounts_api.list_people(list(members))}
    rows = [
        {
            "name": _name(people[uid]) if uid in people else _("Cuenta eliminada"),
            "document": accounts_api.mask_document(
                people[uid].document_type, people[uid].document_number
            )
            if uid in people
            else "",
            "status": status,
        }
        for uid, status in members.items()
    ]
    return sorted(rows, key=lambda row: (row["status"], row["name"].casefold()))


def _name(person: Any) -> str:
    full = f"{person.first_name} {person.last_name}".strip()
    return full or _("Persona sin nombre registrado")
