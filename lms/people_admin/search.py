"""Finding people by name or document number, within what a person may see.

The one search of the people screens: Wagtail's «Usuarios» list and a group's
«Agregar personas» both use it, so both follow the same rules:
- names match word by word, each word in the first or last name, without regard
  to case or accents («jose perez» finds «José Pérez»);
- a document number (five digits or more) is an exact match only, for roles
  that register people in person (``FIND_BY_DOCUMENT``), and is logged masked;
  a partial number must never list many people;
- emails only for the platform administrator.
The caller passes the people it may see (``scope.people_visible_to``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.accounts import api as accounts_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api

DOCUMENT_SEARCH_ACTION = "people.document_search"
# Fewer digits than this reads as part of a name or a typo, never a document.
_DOCUMENT_MIN_DIGITS = 5


def find_people(request: Any, people: QuerySet, text: str) -> QuerySet:
    """The people among ``people`` that ``text`` names (see the module rules)."""
    text = " ".join(text.split())[:100]
    if not text:
        return people.none()
    document = accounts_api.normalize_document_login(text)
    if document is not None and sum(ch.isdigit() for ch in document[1]) >= (
        _DOCUMENT_MIN_DIGITS
    ):
        return _by_document(request, people, *document)
    match = Q()
    for word in text.split():
        match &= Q(first_name__unaccent__icontains=word) | Q(
            last_name__unaccent__icontains=word
        )
    if request.user.is_superuser:
        match |= Q(email__icontains=text)
    return people.filter(match)


def _by_document(
    request: Any, people: QuerySet, doc_type: str | None, number: str
) -> QuerySet:
    actor = request.user
    if not (actor.is_superuser or actor.has_perm(roles_api.FIND_BY_DOCUMENT)):
        messages.warning(
            request,
            _(
                "Buscar por número de documento está reservado a quien registra "
                "personas en persona. Busque por nombre."
            ),
        )
        return people.none()
    found = people.filter(document_number=number)
    if doc_type:
        found = found.filter(document_type=doc_type)
    log(
        instance=actor,
        action=DOCUMENT_SEARCH_ACTION,
        user=actor,
        data={
            "document": accounts_api.mask_document(doc_type or "", number),
            "found": list(found.values_list("pk", flat=True)[:20]),
            "site": tenants_api.current_schema(),
        },
    )
    return found
