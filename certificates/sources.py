"""What a certificate snapshots from outside the app: the person and the course.

The person is read through ``lms.accounts.api`` (public schema), the course
through ``courses.api`` (the active locality), the locality through
``tenants.api``; nothing else in the app reads them for an issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from courses import api as courses_api
from lms.accounts import api as accounts_api
from tenants import api as tenants_api
from tenants.data import LocalityData

from .data import CertificateError


@dataclass(frozen=True)
class Holder:
    """The person as the certificate prints them."""

    name: str
    document_type: str
    document_last_digits: str


def read_holder(user_id: int) -> Holder:
    """Name and document tail of the person, or ``CertificateError``."""
    people = accounts_api.list_people([user_id])
    if not people:
        raise CertificateError(
            _("La persona %(user_id)s no existe; no se puede emitir su certificado.")
            % {"user_id": user_id}
        )
    person = people[0]
    number = re.sub(r"\W", "", person.document_number or "")
    name = f"{person.first_name} {person.last_name}".strip() or person.username
    return Holder(
        name=name,
        document_type=(person.document_type or "")[:20],
        document_last_digits=number[-4:],
    )


def read_course(course_key: str) -> tuple[str, Decimal]:
    """Title and hours of the course offered in the active locality (by key)."""
    facts = courses_api.get_offered_course_facts(course_key)
    if facts is not None:
        title, hours = facts
        return title, Decimal(str(hours))
    raise CertificateError(
        _(
            "El curso %(course_key)s no está publicado en esta localidad; publíquelo "
            "antes de emitir certificados."
        )
        % {"course_key": course_key}
    )


def read_locality() -> LocalityData:
    """The active locality (name, slug, host), from the process's list.

    ``tenants.api.list_localities`` keeps the list for as long as the host
    names (``TENANT_HOST_CACHE_SECONDS``) and forgets it when this process
    changes a locality: reading one row anew was two statements and two
    search-path switches per certificate. A locality missing from the list
    (created in another process moments ago) is read from the table.
    """
    schema = tenants_api.current_schema()
    for locality in tenants_api.list_localities():
        if locality.schema_name == schema:
            return locality
    return tenants_api.get_locality(schema)
