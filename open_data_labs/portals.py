"""Imports from open-data portals: Bogotá's CKAN and datos.gov.co (Socrata SODA).

CKAN (datosabiertos.bogota.gov.co): ``package_show`` gives the dataset's title,
licence, publisher and resources; ``datastore_search`` pages through a resource's
records (``limit``/``offset``, ``total`` in the answer). Every answer is wrapped
as ``{"success": true, "result": {...}}`` or ``{"success": false, "error": {...}}``.

Socrata (www.datos.gov.co): ``/api/views/<id>.json`` gives the metadata and
``/resource/<id>.json`` a JSON list of rows, paged with ``$limit``/``$offset`` and
ordered by ``:id`` so pages do not overlap; values come as strings.

All pages are fetched and checked before anything is stored: a portal that is
down, slow or answers something malformed raises ``PortalError`` (Spanish) and
the locality keeps what it had.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext as _

from .data import Origin, SnapshotData
from .limits import int_limit
from .profiling import format_number
from .reading import RawTable, write_clean_csv
from .snapshots import Provenance, get_dataset, store_table
from .typed_tables import typed_from_raw

__all__ = [
    "CKAN_BOGOTA",
    "SOCRATA_COLOMBIA",
    "PortalError",
    "import_ckan",
    "import_socrata",
]

CKAN_BOGOTA = "https://datosabiertos.bogota.gov.co"
SOCRATA_COLOMBIA = "https://www.datos.gov.co"
_SOCRATA_ID = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}$")
# CKAN's internal columns, not data.
_CKAN_INTERNAL = {"_id", "_full_text", "rank"}


class PortalError(RuntimeError):
    """The portal could not give the data; nothing was stored."""


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _get_json(url: str, params: dict[str, Any], portal: str) -> Any:
    timeout = int_limit("OPEN_DATA_PORTAL_TIMEOUT")
    try:
        response = requests.get(
            url, params=params, timeout=timeout, headers={"Accept": "application/json"}
        )
    except requests.Timeout as exc:
        raise PortalError(
            _(
                "%(portal)s (%(host)s) tardó más de %(seconds)s segundos en "
                "responder. Puede estar congestionado: intente más tarde. No se "
                "guardó nada."
            )
            % {"portal": portal, "host": _host(url), "seconds": timeout}
        ) from exc
    except requests.RequestException as exc:
        raise PortalError(
            _(
                "No se pudo conectar con %(portal)s (%(host)s): puede estar caído o "
                "sin red. Intente más tarde. No se guardó nada."
            )
            % {"portal": portal, "host": _host(url)}
        ) from exc
    if response.status_code == 404:
        raise PortalError(
            _(
                "%(portal)s no encontró ese conjunto de datos. Revise el "
                "identificador (cópielo de la dirección de la página del conjunto). "
                "No se guardó nada."
            )
            % {"portal": portal}
        )
    if response.status_code >= 400 and not _is_json(response):
        raise PortalError(
            _(
                "%(portal)s respondió con un error (%(status)s). Intente más tarde. "
                "No se guardó nada."
            )
            % {"portal": portal, "status": response.status_code}
        )
    try:
        return response.json()
    except ValueError as exc:
        raise PortalError(
            _(
                "%(portal)s respondió algo que no es JSON válido (quizá una página "
                "de mantenimiento). Intente más tarde. No se guardó nada."
            )
            % {"portal": portal}
        ) from exc


def _is_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "")


def _malformed(portal: str, what: str) -> PortalError:
    return PortalError(
        _(
            "La respuesta de %(portal)s no tiene la forma esperada (%(what)s). No "
            "se guardó nada; avise al equipo técnico si se repite."
        )
        % {"portal": portal, "what": what}
    )


# --- CKAN --------------------------------------------------------------------


def _ckan(base: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    body = _get_json(
        f"{base.rstrip('/')}/api/3/action/{action}", params, _("El portal CKAN")
    )
    if not isinstance(body, dict) or "success" not in body:
        raise _malformed(_("el portal CKAN"), _("falta «success»"))
    if not body["success"]:
        error = body.get("error") or {}
        message = error.get("message") if isinstance(error, dict) else str(error)
        raise PortalError(
            _(
                "El portal CKAN rechazó la consulta: %(message)s. Revise los "
                "identificadores. No se guardó nada."
            )
            % {"message": message or _("sin detalle")}
        )
    result = body.get("result")
    if not isinstance(result, dict):
        raise _malformed(_("el portal CKAN"), _("falta «result»"))
    return result


def _ckan_resource(package: dict[str, Any], resource_id: str) -> dict[str, Any]:
    resources = package.get("resources") or []
    if not resource_id:
        active = [
            r for r in resources if isinstance(r, dict) and r.get("datastore_active")
        ]
        if not active:
            raise PortalError(
                _(
                    "Este conjunto no tiene recursos consultables en el DataStore del "
                    "portal (solo archivos). Descargue el CSV y súbalo como archivo."
                )
            )
        return active[0]
    for resource in resources:
        if isinstance(resource, dict) and resource.get("id") == resource_id:
            return resource
    raise PortalError(
        _(
            "El recurso «%(resource)s» no es de este conjunto. Copie el "
            "identificador del recurso desde la página del conjunto en el portal."
        )
        % {"resource": resource_id}
    )


def import_ckan(
    dataset_key: str,
    package_id: str,
    *,
    resource_id: str = "",
    base_url: str = CKAN_BOGOTA,
    created_by_id: int | None = None,
) -> SnapshotData:
    """Import a CKAN resource (the first DataStore one by default) as a new version."""
    get_dataset(dataset_key)
    package = _ckan(base_url, "package_show", {"id": package_id})
    resource = _ckan_resource(package, resource_id)
    page = int_limit("OPEN_DATA_PORTAL_PAGE_SIZE")
    fields: list[str] = []
    rows: list[list[str]] = []
    offset, total = 0, None
    while total is None or offset < total:
        result = _ckan(
            base_url,
            "datastore_search",
            {"resource_id": resource["id"], "limit": page, "offset": offset},
        )
        records, total = result.get("records"), result.get("total")
        if not isinstance(records, list) or not isinstance(total, int):
            raise _malformed(_("el portal CKAN"), _("faltan «records» o «total»"))
        if not fields:
            fields = [
                f["id"]
                for f in result.get("fields") or []
                if isinstance(f, dict) and f.get("id") not in _CKAN_INTERNAL
            ]
        _check_total(total, _("El portal CKAN"))
        rows += [_row(record, fields, _("el portal CKAN")) for record in records]
        if not records:
            break
        offset += len(records)
    provenance = Provenance(
        origin=Origin.CKAN,
        detail=f"{package.get('name', package_id)} / {resource.get('name') or resource['id']}"[
            :500
        ],
        source_url=f"{base_url.rstrip('/')}/dataset/{package.get('name', package_id)}",
        licence=str(package.get("license_title") or package.get("license_id") or ""),
        created_by_id=created_by_id,
    )
    return _store(dataset_key, fields, rows, provenance)


def _check_total(total: int, portal: str) -> None:
    if total > int_limit("OPEN_DATA_PORTAL_MAX_ROWS"):
        raise PortalError(
            _(
                "%(portal)s tiene %(total)s filas en ese recurso; el máximo para "
                "importar es %(max)s. Descargue un filtro y súbalo como archivo."
            )
            % {
                "portal": portal,
                "total": format_number(total),
                "max": format_number(int_limit("OPEN_DATA_PORTAL_MAX_ROWS")),
            }
        )


def _row(record: Any, fields: list[str], portal: str) -> list[str]:
    if not isinstance(record, dict):
        raise _malformed(portal, _("una fila no es un objeto"))
    return ["" if record.get(f) is None else str(record.get(f)) for f in fields]


# --- Socrata -----------------------------------------------------------------


def import_socrata(
    dataset_key: str,
    dataset_id: str,
    *,
    base_url: str = SOCRATA_COLOMBIA,
    created_by_id: int | None = None,
) -> SnapshotData:
    """Import a Socrata dataset (``abcd-1234``) from datos.gov.co as a new version."""
    get_dataset(dataset_key)
    dataset_id = dataset_id.strip().lower()
    if not _SOCRATA_ID.match(dataset_id):
        raise PortalError(
            _(
                "«%(id)s» no es un identificador de datos.gov.co: tiene la forma "
                "abcd-1234 (está en la dirección de la página del conjunto)."
            )
            % {"id": dataset_id}
        )
    base = base_url.rstrip("/")
    meta = _get_json(f"{base}/api/views/{dataset_id}.json", {}, "datos.gov.co")
    if not isinstance(meta, dict) or not isinstance(meta.get("columns"), list):
        raise _malformed("datos.gov.co", _("faltan las columnas del conjunto"))
    fields = [
        c["fieldName"]
        for c in meta["columns"]
        if isinstance(c, dict)
        and c.get("fieldName")
        and not c["fieldName"].startswith(":")
    ]
    page = int_limit("OPEN_DATA_PORTAL_PAGE_SIZE")
    rows: list[list[str]] = []
    offset = 0
    while True:
        batch = _get_json(
            f"{base}/resource/{dataset_id}.json",
            {"$limit": page, "$offset": offset, "$order": ":id"},
            "datos.gov.co",
        )
        if not isinstance(batch, list):
            raise _malformed("datos.gov.co", _("las filas no vienen en una lista"))
        rows += [_row(record, fields, "datos.gov.co") for record in batch]
        _check_total(len(rows), "datos.gov.co")
        if len(batch) < page:
            break
        offset += page
    licence = meta.get("license") if isinstance(meta.get("license"), dict) else {}
    provenance = Provenance(
        origin=Origin.SOCRATA,
        detail=f"{dataset_id} · {meta.get('name', '')}"[:500],
        source_url=f"{base}/d/{dataset_id}",
        licence=str(licence.get("name") or meta.get("licenseId") or ""),
        created_by_id=created_by_id,
    )
    return _store(dataset_key, fields, rows, provenance)


def _store(
    dataset_key: str, fields: list[str], rows: list[list[str]], provenance: Provenance
) -> SnapshotData:
    if not fields or not rows:
        raise PortalError(
            _(
                "El portal respondió sin filas de datos para ese conjunto. Revise que "
                "sea el recurso correcto. No se guardó nada."
            )
        )
    with tempfile.TemporaryDirectory(prefix="datos-") as folder:
        # JSON numbers use a decimal point: "1.234" is one point two three four.
        raw: RawTable = write_clean_csv(fields, rows, Path(folder), decimal_hint=".")
        raw.notes.insert(0, _("Importado de %(url)s.") % {"url": provenance.source_url})
        return store_table(dataset_key, typed_from_raw(raw), provenance)
