"""The OCDS 1.1 release package of a locality (or of one project).

Reached only through ``monitoring.api``. One release per investment project,
tagged ``implementation``: the budget (planning), the SECOP II contract when
known (an award and a contract, as OCDS asks for a contract's ``awardID``),
and in ``contracts[].implementation`` what this platform adds:

- ``milestones``: the official timeline (Decidim's entries), the official
  progress with its source and date, and each *published* citizen report as an
  assessment whose ``status`` is the report's verdict (``met``,
  ``partiallyMet``, ``notMet``: already OCDS ``milestoneStatus`` codes);
- ``documents``: each published report as a ``physicalProgressReport`` linking
  to its public page.

Only what the public page shows goes out: no authors, no unpublished report,
the reviewer's redacted text. There are no payment data in the registry, so no
``transactions``. A project without an ``ocid`` (no SECOP II process yet) gets
one under ``MONITORING_OCID_PREFIX`` and the locality's slug; the prefix must
be registered with the Open Contracting Partnership before publishing widely.
Two queries, whatever the number of projects and reports.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tenants import api as tenants_api

from .data import FIGURE_SOURCE_LABELS, FigureSource, ProjectStatus, ReportStatus
from .models import CitizenReport, InvestmentProject

OCDS_VERSION = "1.1"
DEFAULT_OCID_PREFIX = "ocds-bogfdl"
LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"

# Our status → OCDS contractStatus (closed codelist).
CONTRACT_STATUS = {
    ProjectStatus.PLANNED: "pending",
    ProjectStatus.IN_PROGRESS: "active",
    ProjectStatus.SUSPENDED: "active",
    ProjectStatus.FINISHED: "terminated",
    ProjectStatus.CANCELLED: "cancelled",
}


def release_package(
    *, site_url: str, package_path: str, report_path: str, project_code: str = ""
) -> dict[str, Any] | None:
    """The release package of this locality's projects (of one when
    ``project_code`` is given; None when there is no such project).

    ``site_url`` is this site's address (no trailing slash); ``package_path`` the
    package's own path; ``report_path`` a report page's path with ``{uuid}``.
    Always in Spanish (the releases say ``"language": "es"``).
    """
    _translated.cache_clear()  # catalogs as they are now
    with translation.override(settings.LANGUAGE_CODE):
        return _package(site_url, package_path, report_path, project_code)


@functools.lru_cache(maxsize=64)
def _translated(message: str, language: str) -> str:
    return _(message)


def _t(message: str) -> str:
    """A message (marked with ``gettext_noop``) translated once per package and
    language: a package of 500 projects asks the same few messages thousands
    of times, and each gettext walks a chain of catalogs."""
    return _translated(message, translation.get_language())


def _package(
    site_url: str, package_path: str, report_path: str, project_code: str
) -> dict[str, Any] | None:
    projects = InvestmentProject.objects.order_by("code")
    if project_code:
        projects = projects.filter(code=project_code)
    projects = list(projects)
    if project_code and not projects:
        return None
    reports = CitizenReport.objects.filter(status=ReportStatus.PUBLISHED).order_by(
        "project_id", "submitted_at", "pk"
    )
    if project_code:
        reports = reports.filter(project__code=project_code)
    by_project: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in reports.values(
        "project_id",
        "uuid",
        "observed_progress",
        "verdict",
        "public_observations",
        "submitted_at",
        "reviewed_at",
    ):
        by_project[row["project_id"]].append(row)
    locality = tenants_api.get_locality(tenants_api.current_schema())
    buyer = {
        "id": f"fdl-{locality.slug}",
        "name": _("Fondo de Desarrollo Local de %(locality)s")
        % {"locality": locality.name},
    }
    releases = [
        _release(
            p, by_project.get(p.pk, []), locality.slug, buyer, site_url, report_path
        )
        for p in projects
    ]
    return {
        "uri": f"{site_url}{package_path}",
        "version": OCDS_VERSION,
        "publishedDate": _datetime(timezone.now()),
        "publisher": {
            "name": _("Alcaldía Local de %(locality)s · Escuela de Participación")
            % {"locality": locality.name}
        },
        "license": LICENSE_URL,
        "publicationPolicy": f"{site_url}/seguimiento/",
        "releases": releases,
    }


def ocid_for(project: InvestmentProject, locality_slug: str) -> str:
    if project.ocid:
        return project.ocid
    prefix = getattr(settings, "MONITORING_OCID_PREFIX", DEFAULT_OCID_PREFIX)
    return f"{prefix}-{locality_slug}-{project.code}"


def _release(
    project: InvestmentProject,
    reports: list[dict[str, Any]],
    locality_slug: str,
    buyer: dict[str, str],
    site_url: str,
    report_path: str,
) -> dict[str, Any]:
    ocid = ocid_for(project, locality_slug)
    changed = max(
        [project.updated_at, *(r["reviewed_at"] or r["submitted_at"] for r in reports)]
    )
    contract_id = project.secop_contract_id or f"{project.code}-contrato"
    award_id = f"{contract_id}-adjudicacion"
    contract_value = (
        project.contract_value if project.contract_value is not None else project.budget
    )
    contract: dict[str, Any] = {
        "id": contract_id,
        "awardID": award_id,
        "title": project.name,
        "status": CONTRACT_STATUS[ProjectStatus(project.status)],
        "value": _money(contract_value),
        "implementation": {
            "milestones": [
                *_official_milestones(project),
                *(_report_milestone(r, site_url, report_path) for r in reports),
            ],
            "documents": [_report_document(r, site_url, report_path) for r in reports],
        },
    }
    period = _period(project)
    if period:
        contract["period"] = period
    if project.secop_url:
        contract["documents"] = [
            {
                "id": f"{contract_id}-secop",
                "documentType": "contractSigned",
                "title": _t(gettext_noop("Proceso en SECOP II")),
                "url": project.secop_url,
                "language": "es",
            }
        ]
    return {
        "ocid": ocid,
        "id": f"{ocid}-seguimiento-{changed:%Y%m%dT%H%M%S}",
        "date": _datetime(changed),
        "tag": ["implementation"],
        "initiationType": "tender",
        "language": "es",
        "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}],
        "buyer": buyer,
        "planning": {
            "budget": {
                "id": project.code,
                "description": project.spending_concept,
                "amount": _money(project.budget),
                "project": project.name,
                "projectID": project.code,
            }
        },
        "awards": [
            {
                "id": award_id,
                "title": project.name,
                "status": "active",
                "value": _money(contract_value),
            }
        ],
        "contracts": [contract],
    }


def _official_milestones(project: InvestmentProject) -> list[dict[str, Any]]:
    milestones = []
    for n, entry in enumerate(project.official_timeline or [], start=1):
        milestone: dict[str, Any] = {
            "id": f"{project.code}-hito-{n}",
            "title": entry.get("title") or _t(gettext_noop("Hito oficial")),
            "type": "delivery",
            "status": "met",
        }
        if entry.get("description"):
            milestone["description"] = entry["description"]
        if entry.get("date"):
            milestone["dateMet"] = _date(dt.date.fromisoformat(entry["date"]))
        milestones.append(milestone)
    if project.progress is not None:
        source = _t(FIGURE_SOURCE_LABELS[FigureSource(project.progress_source)])
        milestone = {
            "id": f"{project.code}-avance-oficial",
            "title": _t(gettext_noop("Avance oficial: %(progress)s %%"))
            % {"progress": _number(project.progress)},
            "type": "reporting",
            "description": _t(gettext_noop("Fuente: %(source)s.")) % {"source": source},
            "status": "met",
        }
        if project.progress_as_of:
            milestone["dateMet"] = _date(project.progress_as_of)
        milestones.append(milestone)
    return milestones


def _report_milestone(
    report: dict[str, Any], site_url: str, report_path: str
) -> dict[str, Any]:
    milestone = {
        "id": f"reporte-{report['uuid']}",
        "title": _t(gettext_noop("Reporte ciudadano: avance observado %(progress)s %%"))
        % {"progress": _number(report["observed_progress"])},
        "type": "assessment",
        "status": report["verdict"],
        "dateModified": _datetime(report["reviewed_at"] or report["submitted_at"]),
    }
    if report["public_observations"]:
        milestone["description"] = report["public_observations"]
    return milestone


def _report_document(
    report: dict[str, Any], site_url: str, report_path: str
) -> dict[str, Any]:
    return {
        "id": f"reporte-{report['uuid']}",
        "documentType": "physicalProgressReport",
        "title": _t(gettext_noop("Reporte ciudadano de visita")),
        "url": f"{site_url}{report_path.replace('{uuid}', str(report['uuid']))}",
        "datePublished": _datetime(report["reviewed_at"] or report["submitted_at"]),
        "format": "text/html",
        "language": "es",
    }


def _period(project: InvestmentProject) -> dict[str, str]:
    period = {}
    if project.starts_on:
        period["startDate"] = _date(project.starts_on)
    if project.ends_on:
        period["endDate"] = _date(project.ends_on)
    return period


def _money(amount: Decimal) -> dict[str, Any]:
    return {"amount": _number(amount), "currency": "COP"}


def _number(value: Decimal) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _datetime(moment: dt.datetime) -> str:
    """A moment in Bogotá's time (the site's zone; read once, not per value)."""
    zone = timezone.get_default_timezone()
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _date(day: dt.date) -> str:
    """A day as an OCDS date-time: midnight in Bogotá."""
    moment = dt.datetime.combine(day, dt.time(0, 0), timezone.get_default_timezone())
    return moment.isoformat(timespec="seconds")
