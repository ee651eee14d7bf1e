"""A shared lab address read back as its result (for other apps' evidence).

A guided builder page or SQL editor address *is* its query (``builder_url``),
pinned to one version, so reading it again gives the same rows. Monitoring
reports attach such an address as evidence; this reads it through the same
door and sandbox as the pages.

Anyone must be able to re-run evidence from a report's public page. The builder
is public already; the SQL editor asks for an account (ADR 0024), so the
re-run address of an SQL result carries a signature (``firma``) of that exact
SQL on that version in this locality: the editor runs a signed query for a
visitor without an account, read-only, and nothing else. A signature cannot be
made from the address, so the open door is only for queries that were shared
through here, never for any SQL a visitor types.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from django.core import signing
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .builder_url import builder_from_params, builder_to_params
from .data import BuilderQuery, QueryResult
from .queries import run_query
from .snapshots import DatasetNotFound

__all__ = [
    "SIGNATURE_PARAM",
    "NotASharedResult",
    "is_signed_sql",
    "public_result_url",
    "rerun_url",
    "shared_result",
]

SIGNATURE_PARAM = "firma"
_SALT = "open_data_labs.shared_results.sql"


class NotASharedResult(ValueError):
    """The address is not a lab result of this site; the message is in Spanish."""


def _read_address(url: str) -> tuple[str, int, BuilderQuery | str]:
    """The dataset, version and query of a builder or SQL editor address here."""
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
        return key, version, sql
    return key, version, builder_from_params(params)


def shared_result(url: str, *, max_rows: int = 20) -> QueryResult:
    """Run the query of a shared lab address (builder or SQL) of this site.

    Raises ``NotASharedResult`` for an address that is not a lab page of a
    dataset version here, and ``QueryRefused`` as the pages do.
    """
    key, version, query = _read_address(url)
    try:
        return run_query(key, version, query, max_rows=max_rows)
    except DatasetNotFound as exc:
        raise NotASharedResult(
            _("Ese conjunto de datos o esa versión no existe en esta localidad.")
        ) from exc


def _signature(key: str, version: int, sql: str) -> str:
    payload = f"{tenants_api.current_schema()}\n{key}\nv{version}\n{sql}"
    return signing.Signer(salt=_SALT).signature(payload)


def is_signed_sql(key: str, version: int, sql: str, signature: str) -> bool:
    """Whether ``signature`` was made here for this SQL on this version."""
    if not signature or not sql.strip():
        return False
    return constant_time_compare(signature, _signature(key, version, sql))


def public_result_url(key: str, version: int, query: BuilderQuery | str) -> str:
    """The address (a path on this site) where anyone re-runs this query.

    A builder query goes to the builder, whose address holds its steps; SQL
    goes to the SQL editor with a signature that lets a visitor without an
    account run exactly that SQL on that version.
    """
    if isinstance(query, BuilderQuery):
        base = reverse("open_data:lab", args=[key, version])
        return f"{base}?{urlencode(builder_to_params(query))}#resultado"
    base = reverse("open_data:sql", args=[key, version])
    params = {"q": query, SIGNATURE_PARAM: _signature(key, version, query)}
    return f"{base}?{urlencode(params)}#resultado"


def rerun_url(url: str) -> str:
    """The public re-run address of a shared builder or SQL address of this site.

    For a monitoring report's evidence: the address a reader follows to run
    the same query on the same version again, signed in or not. Raises
    ``NotASharedResult`` for an address that is not a lab result here.
    """
    key, version, query = _read_address(url)
    return public_result_url(key, version, query)
