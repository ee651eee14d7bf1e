"""Open-data evidence on a citizen report: shared lab results, read through
``open_data_labs.api`` and copied onto the report when it is filed.

A shared builder or SQL address names one pinned version, so its rows never
change; keeping a copy (the first rows) lets the public report show the table
without running a query on every visit, and the address links to the lab.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from open_data_labs import api as labs_api

MAX_EVIDENCE = 3
SHOWN_ROWS = 20


class EvidenceError(ValueError):
    """An address refused as evidence; the message is in Spanish."""


def read_evidence(urls: list[str]) -> list[dict[str, Any]]:
    """The evidence entries for these addresses (blank lines ignored).

    Raises ``EvidenceError`` naming the address that is not a shared result of
    this locality's labs, or whose query is refused.
    """
    wanted = list(dict.fromkeys(u.strip() for u in urls if u and u.strip()))
    if len(wanted) > MAX_EVIDENCE:
        raise EvidenceError(
            _("Adjunte como máximo %(n)d resultados de datos abiertos.")
            % {"n": MAX_EVIDENCE}
        )
    entries = []
    for url in wanted:
        try:
            result = labs_api.shared_result(url, max_rows=SHOWN_ROWS)
            title = labs_api.get_dataset(result.dataset_key).title
        except (labs_api.NotASharedResult, labs_api.QueryRefused) as exc:
            raise EvidenceError(
                _("%(url)s: %(problem)s") % {"url": url, "problem": exc}
            ) from exc
        except labs_api.DatasetNotFound as exc:
            raise EvidenceError(
                _("%(url)s: ese conjunto de datos no existe en esta localidad.")
                % {"url": url}
            ) from exc
        entries.append(
            {
                "url": url,
                # Where anyone, signed in or not, runs the same query on the
                # same version again (a shared SQL address is signed for it).
                "rerun_url": labs_api.rerun_url(url),
                "dataset_key": result.dataset_key,
                "version": result.version,
                "title": title,
                "sql": result.sql,
                "columns": [c.name for c in result.columns],
                "rows": [[_plain(v) for v in row] for row in result.rows],
                "is_truncated": result.is_truncated,
            }
        )
    return entries


def _plain(value: Any) -> Any:
    """A JSON value for a cell (dates as ISO text, decimals as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)
