"""A shared lab address read back as its result (for other apps' evidence).

A guided builder page or SQL editor address *is* its query (``builder_url``),
pinned to one version, so reading it again gives the same rows. Monitoring
reports attach such an address as evidence; this reads it through the same
door and sandbox as the pages.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .builder_url import builder_from_params
from .data import QueryResult
from .queries import run_query
from .snapshots import DatasetNotFound

__all__ = ["NotASharedResult", "shared_result"]


class NotASharedResult(ValueError):
    """The address is not a lab result of this site; the message is in Spanish."""


def shared_result(url: str, *, max_rows: int = 20) -> QueryResult:
    """Run the query of a shared lab address (builder or SQL) of this site.

    Raises ``NotASharedResult`` for an address that is not a lab page of a
    dataset version here, and ``QueryRefused`` as the pages do.
    """
    parts = urlsplit(str(url or "").strip())
    refused = NotASharedResult(
        _(
            "Esa dirección no es un resultado del laboratorio de datos abiertos de "
            "esta localidad: copie la dirección de la página del laboratorio "
            "(…/datos/<conjunto>/v<versión>/laboratorio/?…)."
        )
    )
    try:
        match = resolve(parts.path or "/")
    except Resolver404 as exc:
        raise refused from exc
    if match.namespace != "open_data" or match.url_name not in ("lab", "sql"):
        raise refused
    params = parse_qs(parts.query)
    key, version = match.kwargs["key"], match.kwargs["version"]
    if match.url_name == "sql":
        sql = (params.get("q") or [""])[-1]
        if not sql.strip():
            raise refused
        query = sql
    else:
        query = builder_from_params(params)  # type: ignore[assignment]
    try:
        return run_query(key, version, query, max_rows=max_rows)
    except DatasetNotFound as exc:
        raise NotASharedResult(
            _("Ese conjunto de datos o esa versión no existe en esta localidad.")
        ) from exc
