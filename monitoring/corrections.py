"""A returned report corrected by its author and sent again, history kept.

Reached only through ``monitoring.api``. The reviewer's return says what to
fix; the author edits the same report (it keeps its address, photos and
idempotency key) and sends it back to review. What the reviewer saw, and why
it came back, stays in a ``ReportRevision`` row, so the record of what was
said and when is never lost.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .data import ReportData, ReportStatus, Verdict
from .models import CitizenReport, ReportRevision
from .reports import (
    ReportError,
    clean_evidence,
    clean_fields,
    clean_photos,
    report_data,
    save_photos,
)
from .veedurias import reporting_assignment


@transaction.atomic
def resubmit_report(
    report_uuid: str,
    *,
    author_id: int,
    observed_progress: Any,
    checklist: dict[str, str],
    verdict: Verdict | str,
    observations: str = "",
    evidence_urls: list[str] = (),  # type: ignore[assignment]
    photos: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    keep_place: bool = False,
) -> ReportData:
    """Correct a returned report and send it to review again.

    Refused (``ReportError``): a report of someone else or not returned (sent
    or published ones are not edited), an author no longer assigned to the
    project, and the same field errors as a new report. New photos are added
    to the ones kept, up to the maximum.
    """
    row = (
        CitizenReport.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(uuid=report_uuid, author_id=author_id)
        .first()
    )
    if row is None:
        raise ReportError({"__all__": _("Ese reporte no existe o no es suyo.")})
    if row.status != ReportStatus.RETURNED:
        raise ReportError(
            {
                "__all__": _(
                    "Solo se corrige un reporte devuelto; este ya está en revisión "
                    "o publicado."
                )
            }
        )
    if reporting_assignment(author_id, row.project.code) is None:
        raise ReportError(
            {
                "__all__": _(
                    "Ya no tiene asignado el proyecto %(code)s: no puede reenviar "
                    "el reporte."
                )
                % {"code": row.project.code}
            }
        )
    fields = clean_fields(
        row.project, observed_progress, checklist, verdict, observations
    )
    fields["evidence"] = clean_evidence(evidence_urls)
    cleaned = clean_photos(photos, keep_place=keep_place, already=row.photos.count())
    ReportRevision.objects.create(
        report=row,
        number=row.revision,
        observed_progress=row.observed_progress,
        checklist=row.checklist,
        observations=row.observations,
        verdict=row.verdict,
        evidence=row.evidence,
        submitted_at=row.submitted_at,
        return_reason=row.return_reason,
        returned_by_id=row.reviewer_id,
        returned_at=row.reviewed_at,
    )
    for name, value in fields.items():
        setattr(row, name, value)
    row.status = ReportStatus.SUBMITTED.value
    row.return_reason = ""
    row.reviewer_id = None
    row.reviewed_at = None
    row.revision += 1
    row.submitted_at = timezone.now()
    row.save()
    save_photos(row, cleaned, first=row.photos.count())
    return report_data(row)


def revisions_of(report_uuid: str) -> list[dict[str, Any]]:
    """Earlier versions of a report, oldest first: for its author and reviewers."""
    return list(
        ReportRevision.objects.filter(report__uuid=report_uuid)
        .order_by("number")
        .values(
            "number",
            "observed_progress",
            "verdict",
            "observations",
            "submitted_at",
            "return_reason",
            "returned_at",
        )
    )
