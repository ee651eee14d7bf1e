"""The veeduría's founding record (acta de constitución) drafted as a PDF.

Reached only through ``monitoring.api``. Ley 850 de 2003, art. 3: the record
names the members and their identity documents, the object watched, the
territorial level, the duration and the place of residence; the veeduría files
it at the Personería or the Cámara de Comercio. The platform drafts it from
what was registered, with the same library as the certificates (xhtml2pdf, an
HTML/CSS template), always in Spanish (a document for filing), and keeps it in
the locality's private storage through Django's storage API: it holds the
members' documents. It is drawn again when the veeduría changed after it was
drawn. Who may download it is decided in ``access.may_get_founding_record``.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from xhtml2pdf import pisa

from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from .checklists import REGISTRATION_BODY_LABELS
from .data import RegistrationBody
from .models import Veeduria


class FoundingRecordError(RuntimeError):
    """The record could not be drawn; the message is in Spanish."""


def founding_record_pdf(veeduria_id: int) -> tuple[bytes, str] | None:
    """The PDF and a file name for the veeduría's founding record, or None when
    this locality has no such veeduría. Drawn and stored when missing or older
    than the veeduría's last change."""
    with transaction.atomic():
        row = (
            Veeduria.objects.select_for_update()
            .prefetch_related("members")
            .filter(pk=veeduria_id)
            .first()
        )
        if row is None:
            return None
        stale = (
            not row.founding_record
            or row.founding_record_made_at is None
            or row.founding_record_made_at < row.updated_at
        )
        if stale:
            _draw(row)
    with row.founding_record.open("rb") as stored:
        content = stored.read()
    return content, f"acta-constitucion-veeduria-{row.pk}.pdf"


def _draw(row: Veeduria) -> None:
    old_name = row.founding_record.name
    content = render_founding_record(row)
    made_at = timezone.now()
    row.founding_record.save(
        f"veeduria-{row.pk}-{made_at:%Y%m%d%H%M%S%f}.pdf",
        ContentFile(content),
        save=False,
    )
    # update() keeps updated_at as it was: the record is now as new as the facts.
    Veeduria.objects.filter(pk=row.pk).update(
        founding_record=row.founding_record.name, founding_record_made_at=made_at
    )
    row.founding_record_made_at = made_at
    if old_name and old_name != row.founding_record.name:
        storage = row.founding_record.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def render_founding_record(row: Veeduria) -> bytes:
    """PDF bytes of the record, from the veeduría's registered facts."""
    member_ids = [m.user_id for m in row.members.all()]
    people = sorted(
        accounts_api.list_people(member_ids),
        key=lambda p: (p.last_name.lower(), p.first_name.lower()),
    )
    locality = tenants_api.get_locality(tenants_api.current_schema())
    # A document for filing: Spanish whatever language the page was read in.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "monitoring/pdf/founding_record.html",
            {
                "veeduria": row,
                "registered_with": REGISTRATION_BODY_LABELS[
                    RegistrationBody(row.registered_with)
                ],
                "members": [
                    {
                        "name": f"{p.first_name} {p.last_name}".strip() or p.username,
                        "document_type": p.document_type,
                        "document_number": p.document_number,
                    }
                    for p in people
                ],
                "locality_name": locality.name,
                "drawn_on": timezone.localdate(),
            },
        )
        out = io.BytesIO()
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
        if result.err:
            raise FoundingRecordError(
                _("No se pudo generar el acta de constitución en PDF.")
            )
    return out.getvalue()
