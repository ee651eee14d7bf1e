"""Review and publication of citizen reports, and what the public page compares.

Reached only through ``monitoring.api``. A second person (a locality role with
``monitoring.review_citizenreport`` in ``ROLE_POLICY``; never the author)
checks privacy: no minors' faces, no personal data. They publish the report,
with the observations redacted if needed, or return it with a reason. The
author is told either way («Mi aprendizaje» and email, after commit).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.learning import api as learning_api

from .answers import request_answer
from .data import ProgressComparison, ReportData, ReportStatus
from .models import CitizenReport, InvestmentProject
from .reports import ReportError, report_data

REVIEW_PERMISSION = "monitoring.review_citizenreport"
# Percentage points between official and observed progress above which the
# public page flags a gap (override with the MONITORING_GAP_MARGIN setting).
DEFAULT_GAP_MARGIN = Decimal(15)


def _reviewable(report_uuid: str, reviewer_id: int) -> CitizenReport:
    row = (
        CitizenReport.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(uuid=report_uuid)
        .first()
    )
    if row is None:
        raise ReportError({"__all__": _("Ese reporte no existe en esta localidad.")})
    if row.author_id == reviewer_id:
        raise ReportError(
            {"__all__": _("Otra persona debe revisar este reporte: usted lo escribió.")}
        )
    if row.status != ReportStatus.SUBMITTED:
        raise ReportError({"__all__": _("Este reporte ya fue revisado.")})
    return row


@transaction.atomic
def publish_report(
    report_uuid: str, *, reviewer_id: int, public_observations: str | None = None
) -> ReportData:
    """Publish a report; ``public_observations`` is the reviewed (redacted) text,
    the author's own when None. Refused for the author or a reviewed report."""
    row = _reviewable(report_uuid, reviewer_id)
    text = row.observations if public_observations is None else public_observations
    row.public_observations = text.strip()
    row.status = ReportStatus.PUBLISHED.value
    row.reviewer_id = reviewer_id
    row.reviewed_at = timezone.now()
    row.save(
        update_fields=["public_observations", "status", "reviewer_id", "reviewed_at"]
    )
    request_answer(row)
    learning_api.notify(
        row.author_id,
        "report_published",
        str(row.uuid),
        title=_("Su reporte sobre %(project)s fue publicado")
        % {"project": row.project.name},
        body=_("Ya se ve en la página pública del proyecto, junto al avance oficial."),
        link=reverse("monitoring:project", args=[row.project.code]),
    )
    return report_data(row)


@transaction.atomic
def return_report(report_uuid: str, *, reviewer_id: int, reason: str) -> ReportData:
    """Return a report to its author with a reason (required); it stays private."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ReportError(
            {"reason": _("Diga por qué devuelve el reporte: la persona lo leerá.")}
        )
    row = _reviewable(report_uuid, reviewer_id)
    row.status = ReportStatus.RETURNED.value
    row.return_reason = reason
    row.reviewer_id = reviewer_id
    row.reviewed_at = timezone.now()
    row.save(update_fields=["status", "return_reason", "reviewer_id", "reviewed_at"])
    learning_api.notify(
        row.author_id,
        "report_returned",
        str(row.uuid),
        title=_("Su reporte sobre %(project)s fue devuelto")
        % {"project": row.project.name},
        body=_("Motivo: %(reason)s. Puede corregirlo y enviarlo de nuevo.")
        % {"reason": reason},
        link=reverse("monitoring:report_correct", args=[row.uuid]),
    )
    return report_data(row)


def gap_margin() -> Decimal:
    return Decimal(str(getattr(settings, "MONITORING_GAP_MARGIN", DEFAULT_GAP_MARGIN)))


def compare_progress(code: str) -> ProgressComparison | None:
    """Official progress beside the latest published observation, or None when
    the locality has no such project."""
    project = InvestmentProject.objects.filter(code=code).first()
    if project is None:
        return None
    latest = (
        CitizenReport.objects.filter(project=project, status=ReportStatus.PUBLISHED)
        .order_by("-submitted_at")
        .values_list("observed_progress", "submitted_at")
        .first()
    )
    observed, observed_on = latest if latest else (None, None)
    return comparison(project.progress, observed, observed_on)


def comparison(official, observed, observed_on) -> ProgressComparison:
    margin = gap_margin()
    difference = None
    if official is not None and observed is not None:
        difference = Decimal(observed) - Decimal(official)
    return ProgressComparison(
        official=official,
        observed=observed,
        observed_on=observed_on,
        margin=margin,
        difference=difference,
        is_gap=difference is not None and abs(difference) > margin,
    )
