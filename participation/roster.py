"""Rosters of a role for its locality's staff: who applied, in which state, as
rows for the screen and for CSV/XLSX (names and masked documents only)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from lms.accounts import api as accounts_api

from .applications import list_applications
from .catalog import get_role
from .data import APPLICATION_STATUS_LABELS, ApplicationData, RoleData


@dataclass(frozen=True, slots=True)
class RosterRow:
    application: ApplicationData
    name: str
    document: str
    email: str


def roster(role_id: int) -> tuple[RoleData, list[RosterRow]]:
    """The role and its applications with each person's name (oldest first)."""
    role = get_role(role_id)
    applications = list_applications(role_id)
    people = {
        p.user_id: p
        for p in accounts_api.list_people([a.user_id for a in applications])
    }
    rows = []
    for application in applications:
        person = people.get(application.user_id)
        rows.append(
            RosterRow(
                application=application,
                name=f"{person.first_name} {person.last_name}".strip()
                if person
                else "",
                document=accounts_api.mask_document(
                    person.document_type, person.document_number
                )
                if person
                else "",
                email=(person.email or "") if person else "",
            )
        )
    return role, rows


_HEADER = [
    "postulacion",
    "nombre",
    "documento",
    "correo",
    "estado",
    "puesto_espera",
    "postulada_el",
    "motivo",
]


def _cells(row: RosterRow) -> list[str]:
    a = row.application
    return [
        str(a.application_id),
        row.name,
        row.document,
        row.email,
        APPLICATION_STATUS_LABELS[a.status],
        str(a.waiting_position or ""),
        timezone.localtime(a.applied_at).strftime("%Y-%m-%d %H:%M"),
        a.reason,
    ]


def roster_csv(role_id: int) -> bytes:
    """The roster as CSV (UTF-8 with BOM, so Excel in Spanish opens it right)."""
    _role, rows = roster(role_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_HEADER)
    for row in rows:
        writer.writerow(_cells(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def roster_xlsx(role_id: int) -> bytes:
    role, rows = roster(role_id)
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Postulaciones")
    sheet.append([f"{role.title} · {role.cycle.name}"])
    sheet.append(_HEADER)
    for row in rows:
        sheet.append(_cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
