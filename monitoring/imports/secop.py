"""Contract figures from SECOP II on datos.gov.co (Socrata SODA, dataset jbjy-vk9h).

Only projects with a SECOP II contract id are asked about, in chunks, with a
SoQL ``$where id_contrato in (...)``. Socrata answers a JSON list of rows whose
values are strings (``valor_del_contrato`` "1500000000"), and URL columns such
as ``urlproceso`` as ``{"url": ...}``. SECOP has no physical progress: it sets
the contract's value, state and link, and the project's status only when no
Decidim result reports it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..data import FigureSource
from ..models import InvestmentProject
from ..validation import status_from_source
from .http import ServiceError, get_json

SERVICE = "SECOP II (datos.gov.co)"
_CHUNK = 100
# Contract ids look like CO1.PCCNTR.1234567; anything else never reaches SoQL.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
FIELDS = (
    "id_contrato",
    "proceso_de_compra",
    "nombre_entidad",
    "estado_contrato",
    "valor_del_contrato",
    "objeto_del_contrato",
    "urlproceso",
    "fecha_de_inicio_del_contrato",
    "fecha_de_fin_del_contrato",
)


def linked_contract_ids() -> list[str]:
    ids = InvestmentProject.objects.exclude(secop_contract_id="").values_list(
        "secop_contract_id", flat=True
    )
    return sorted({i for i in ids if _SAFE_ID.match(i)})


def fetch_contracts(contract_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Rows of the dataset by ``id_contrato``; ``ServiceError`` if unreadable."""
    url = settings.MONITORING_SECOP_CONTRACTS_URL
    rows: dict[str, dict[str, Any]] = {}
    for start in range(0, len(contract_ids), _CHUNK):
        chunk = contract_ids[start : start + _CHUNK]
        quoted = ",".join(f"'{i}'" for i in chunk)
        answer = get_json(
            url,
            params={
                "$select": ",".join(FIELDS),
                "$where": f"id_contrato in ({quoted})",
                "$limit": str(len(chunk) * 2),
            },
            service=SERVICE,
        )
        if not isinstance(answer, list):
            raise _malformed(_("se esperaba una lista de contratos"))
        for row in answer:
            if not isinstance(row, dict) or not row.get("id_contrato"):
                raise _malformed(_("una fila no tiene id_contrato"))
            rows[str(row["id_contrato"])] = _checked(row)
    return rows


@transaction.atomic
def apply_contracts(rows: dict[str, dict[str, Any]]) -> int:
    updated = 0
    for project in InvestmentProject.objects.select_for_update().exclude(
        secop_contract_id=""
    ):
        row = rows.get(project.secop_contract_id)
        if row is None:
            continue
        project.contract_status = row["estado"][:60]
        project.contract_value = row["valor"]
        project.secop_url = row["url"] or project.secop_url
        status = status_from_source(row["estado"])
        if status is not None and project.progress_source != FigureSource.DECIDIM:
            project.status = status.value
            project.status_label = row["estado"][:120]
        project.save()
        updated += 1
    return updated


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    raw_value = row.get("valor_del_contrato")
    try:
        value = Decimal(str(raw_value)) if raw_value not in (None, "") else None
    except InvalidOperation as exc:
        raise _malformed(
            _("valor_del_contrato no es un número (%(value)r)") % {"value": raw_value}
        ) from exc
    link = row.get("urlproceso")
    if isinstance(link, dict):
        link = link.get("url")
    link = str(link or "")
    return {
        "estado": str(row.get("estado_contrato") or ""),
        "valor": value,
        "url": link if link.startswith("https://") else "",
    }


def _malformed(what: str) -> ServiceError:
    return ServiceError(
        _(
            "SECOP II respondió con una forma inesperada (%(what)s). Se conservan "
            "las últimas cifras."
        )
        % {"what": what}
    )
