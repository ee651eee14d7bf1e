"""Which people a member of staff may see and manage on the active site.

The one place that answers "whom does this person see in «Usuarios»": the Wagtail
user screens, their search, bulk actions and the document view all ask here.
- The platform administrator (``is_superuser``) sees everyone, city-wide.
- A role-holder with ``accounts.view_user`` on this site sees only the people who
  study here (enrolled or attending), hold a role here, or registered on this
  site; never the city-wide list.
- Anyone else sees nobody.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api


def people_visible_to(actor: Any) -> QuerySet:
    """The accounts ``actor`` may see on the active site (anonymized ones excluded)."""
    people = get_user_model()._default_manager.filter(anonymized_at__isnull=True)
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return people.none()
    if actor.is_superuser:
        return people
    if not actor.has_perm(roles_api.SEE_PEOPLE):
        return people.none()
    here = Q(registered_in=tenants_api.current_schema())
    here |= Q(pk__in=roles_api.role_holder_ids())
    for subquery in learning_api.learner_id_subqueries():
        here |= Q(pk__in=subquery)
    # Platform accounts are never a locality's to see or manage.
    return people.filter(here).exclude(is_superuser=True)


def is_visible_to(actor: Any, person_id: int) -> bool:
    """Whether ``actor`` may see this one person on the active site."""
    return people_visible_to(actor).filter(pk=person_id).exists()


def may_change(actor: Any, person: Any) -> bool:
    """Whether ``actor`` may change this person's roles on the active site."""
    if not is_visible_to(actor, person.pk):
        return False
    if not (actor.is_superuser or actor.has_perm(roles_api.CHANGE_ROLES)):
        return False
    return roles_api.may_manage_person(
        actor, person.pk, target_is_superuser=person.is_superuser
    )


def masked_document(person: Any) -> str:
    """The person's document as staff lists show it (last four characters)."""
    return accounts_api.mask_document(person.document_type, person.document_number)
