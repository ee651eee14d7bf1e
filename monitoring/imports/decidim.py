"""Official progress from a Decidim accountability component (GraphQL API).

Decidim publishes each result with ``id``, ``externalId``, ``title``,
``progress`` (0-100, a float), ``status`` (key, name, progress), ``startDate``,
``endDate`` and ``timelineEntries``; translated fields are read with
``translation(locale: "es")``. A result is matched to a project by the
Decidim id already linked, else by ``externalId`` equal to the project's code.

The whole answer is read and checked before anything is written, so a
malformed page halfway leaves every project as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..data import FigureSource
from ..models import InvestmentProject
from ..validation import status_from_source
from .http import ServiceError, post_json

SERVICE = "Decidim"
_MAX_PAGES = 40  # 2,000 results: far above a locality's projects; stops a loop

QUERY = """
query MonitoringResults($id: ID!, $after: String) {
  component(id: $id) {
    id
    __typename
    ... on Accountability {
      results(first: 50, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          externalId
          title { translation(locale: "es") }
          progress
          startDate
          endDate
          updatedAt
          status { key progress name { translation(locale: "es") } }
          timelineEntries {
            id
            entryDate
            title { translation(locale: "es") }
            description { translation(locale: "es") }
          }
        }
      }
    }
  }
}
"""


@dataclass(frozen=True)
class _Result:
    result_id: str
    external_id: str
    progress: Decimal | None
    status_key: str
    status_name: str
    starts_on: date | None
    ends_on: date | None
    updated_on: date | None
    timeline: list[dict[str, str]]


def fetch_results(endpoint: str, component_id: str) -> list[_Result]:
    """Every result of the component, checked; ``ServiceError`` otherwise."""
    results: list[_Result] = []
    after: str | None = None
    for _page in range(_MAX_PAGES):
        answer = post_json(
            endpoint,
            payload={"query": QUERY, "variables": {"id": component_id, "after": after}},
            service=SERVICE,
        )
        connection = _results_connection(answer, component_id)
        results.extend(_result(node) for node in _list(connection.get("nodes")))
        page_info = connection.get("pageInfo") or {}
        if not page_info.get("hasNextPage"):
            return results
        after = page_info.get("endCursor")
    return results


@transaction.atomic
def apply_results(results: list[_Result]) -> int:
    """Copy official figures onto the linked projects; returns how many changed."""
    projects = list(InvestmentProject.objects.select_for_update())
    by_result = {p.decidim_result_id: p for p in projects if p.decidim_result_id}
    by_code = {p.code: p for p in projects}
    today = timezone.localdate()
    updated = 0
    for result in results:
        project = by_result.get(result.result_id) or by_code.get(result.external_id)
        if project is None:
            continue
        project.decidim_result_id = result.result_id
        if result.progress is not None:
            project.progress = result.progress
            project.progress_source = FigureSource.DECIDIM.value
            project.progress_as_of = result.updated_on or today
        status = status_from_source(result.status_key) or status_from_source(
            result.status_name
        )
        if status is not None:
            project.status = status.value
        project.status_label = result.status_name[:120]
        project.starts_on = result.starts_on or project.starts_on
        project.ends_on = result.ends_on or project.ends_on
        project.official_timeline = result.timeline
        project.save()
        updated += 1
    return updated


def _results_connection(answer: Any, component_id: str) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise _malformed(_("la respuesta no es un objeto"))
    if answer.get("errors"):
        first = answer["errors"][0]
        message = first.get("message") if isinstance(first, dict) else first
        raise ServiceError(
            _(
                "Decidim rechazó la consulta: «%(message)s». Se conservan las "
                "últimas cifras; revise la dirección del API y el componente."
            )
            % {"message": str(message)[:200]}
        )
    component = (answer.get("data") or {}).get("component")
    if component is None:
        raise ServiceError(
            _(
                "Decidim no tiene un componente %(component)s publicado. Se "
                "conservan las últimas cifras; revise el número del componente."
            )
            % {"component": component_id}
        )
    if component.get("__typename") != "Accountability":
        raise ServiceError(
            _(
                "El componente %(component)s de Decidim es «%(kind)s», no de "
                "rendición de cuentas (Accountability). Se conservan las últimas "
                "cifras; revise el número del componente."
            )
            % {"component": component_id, "kind": component.get("__typename")}
        )
    connection = component.get("results")
    if not isinstance(connection, dict):
        raise _malformed(_("faltan los resultados"))
    return connection


def _result(node: Any) -> _Result:
    if not isinstance(node, dict) or not node.get("id"):
        raise _malformed(_("un resultado no tiene id"))
    status = node.get("status") or {}
    return _Result(
        result_id=str(node["id"]),
        external_id=str(node.get("externalId") or ""),
        progress=_progress(node.get("progress")),
        status_key=str(status.get("key") or ""),
        status_name=_translation(status.get("name")),
        starts_on=_date(node.get("startDate")),
        ends_on=_date(node.get("endDate")),
        updated_on=_date(node.get("updatedAt")),
        timeline=[
            _entry(e) for e in _list(node.get("timelineEntries")) if isinstance(e, dict)
        ],
    )


def _entry(entry: dict[str, Any]) -> dict[str, str]:
    entry_date = _date(entry.get("entryDate"))
    return {
        "date": entry_date.isoformat() if entry_date else "",
        "title": _translation(entry.get("title")),
        "description": _translation(entry.get("description")),
    }


def _progress(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _malformed(_("un avance no es un número (%(value)r)") % {"value": value})
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    if not Decimal(0) <= number <= Decimal(100):
        raise _malformed(
            _("un avance está fuera de 0-100 (%(value)s)") % {"value": value}
        )
    return number


def _translation(field: Any) -> str:
    if isinstance(field, dict):
        # Decidim's descriptions are rich text: keep the words, never its HTML.
        return strip_tags(str(field.get("translation") or "")).strip()
    return ""


def _date(value: Any) -> date | None:
    if not value:
        return None
    text = str(value)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError as exc:
            raise _malformed(
                _("una fecha no se entiende (%(text)s)") % {"text": text[:30]}
            ) from exc


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _malformed(_("se esperaba una lista"))
    return value


def _malformed(what: str) -> ServiceError:
    return ServiceError(
        _(
            "Decidim respondió con una forma inesperada (%(what)s). Se conservan "
            "las últimas cifras."
        )
        % {"what": what}
    )
