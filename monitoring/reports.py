"""Citizen reports: filed from a phone, stored once, read by who may read them.

Reached only through ``monitoring.api``. Only a person assigned to the project
(personally or through their veeduría) may file a report. Each form carries an
idempotency key: a phone that sends the same submission twice (a retry, a
draft sent again when the connection returns) gets the report already stored.
Photos are cleaned (``photos.py``) before anything is written, and stored
through Django's storage API in the locality's private storage.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import validation
from .checklists import questions_for
from .data import Answer, AnswerData, PhotoData, ReportData, ReportStatus, Verdict
from .evidence import EvidenceError, read_evidence
from .models import AnswerRequest, CitizenReport, InvestmentProject, ReportPhoto
from .photos import MAX_PHOTOS, PhotoError, clean_photo
from .veedurias import reporting_assignment

MAX_OBSERVATIONS = 4000


class ReportError(ValueError):
    """A report refused; ``errors`` maps field → Spanish message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def new_idempotency_key() -> str:
    """A fresh key for one report form (one submission, however often it is sent)."""
    return str(uuid.uuid4())


def submit_report(
    code: str,
    *,
    author_id: int,
    idempotency_key: str,
    observed_progress: Any,
    checklist: dict[str, str],
    verdict: Verdict | str,
    observations: str = "",
    photos: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    keep_place: bool = False,
    evidence_urls: list[str] = (),  # type: ignore[assignment]
) -> tuple[ReportData, bool]:
    """File a report on a project of this locality; returns (report, created).

    The same idempotency key from the same author returns the stored report
    with ``created`` False and writes nothing. Raises ``ReportError`` for a
    project not assigned to the author, progress outside 0-100, a question left
    unanswered, an unknown verdict, a photo refused (``photos.py``) or an
    address that is not a shared open-data result (``evidence.py``).
    """
    key = _parse_key(idempotency_key)
    stored = _stored(key, author_id, code)
    if stored is not None:
        return stored, False
    assignment = reporting_assignment(author_id, code)
    if assignment is None:
        raise ReportError(
            {
                "__all__": _(
                    "No tiene asignado el proyecto %(code)s en esta localidad: solo "
                    "quien lo vigila puede reportar sobre él."
                )
                % {"code": code}
            }
        )
    project = InvestmentProject.objects.get(code=code)
    fields = clean_fields(project, observed_progress, checklist, verdict, observations)
    fields["evidence"] = clean_evidence(evidence_urls)
    cleaned = clean_photos(photos, keep_place=keep_place)
    try:
        with transaction.atomic():
            report = CitizenReport.objects.create(
                project=project,
                author_id=author_id,
                veeduria_id=assignment.veeduria_id,
                idempotency_key=key,
                **fields,
            )
            save_photos(report, cleaned)
    except IntegrityError:
        # The same submission arrived twice at once: the other one stored it.
        stored = _stored(key, author_id, code)
        if stored is None:
            raise
        return stored, False
    return report_data(report), True


def save_photos(report: CitizenReport, cleaned: list, *, first: int = 0) -> None:
    """Store cleaned photos of a report (private storage), numbered from ``first``."""
    for position, photo in enumerate(cleaned, start=first):
        row = ReportPhoto(
            report=report,
            width=photo.width,
            height=photo.height,
            latitude=photo.latitude,
            longitude=photo.longitude,
            position=position,
        )
        row.image.save(f"{row.uuid}.jpg", ContentFile(photo.content), save=False)
        row.save()


def clean_evidence(urls: list[str]) -> list[dict[str, Any]]:
    try:
        return read_evidence(list(urls))
    except EvidenceError as exc:
        raise ReportError({"evidence": str(exc)}) from exc


def _parse_key(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError as exc:
        raise ReportError(
            {"__all__": _("El formulario está incompleto: ábralo de nuevo y reenvíe.")}
        ) from exc


def _stored(key: uuid.UUID, author_id: int, code: str) -> ReportData | None:
    report = CitizenReport.objects.select_related("project", "answer_request").filter(
        idempotency_key=key
    )
    row = report.first()
    if row is None:
        return None
    if row.author_id != author_id or row.project.code != code:
        raise ReportError(
            {
                "__all__": _(
                    "Ese formulario ya se usó: ábralo de nuevo para otro reporte."
                )
            }
        )
    return report_data(row)


def clean_fields(
    project: InvestmentProject,
    observed_progress: Any,
    checklist: dict[str, str],
    verdict: Verdict | str,
    observations: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        fields["observed_progress"] = validation.parse_percent(
            observed_progress, what=_("El avance observado")
        )
    except ValidationError as exc:
        errors["observed_progress"] = exc.messages[0]
    answers: dict[str, str] = {}
    for key, question in questions_for(project.line):
        try:
            answers[key] = Answer(checklist.get(key, "")).value
        except ValueError:
            errors[f"check_{key}"] = _("Responda: %(question)s") % {
                "question": question
            }
    fields["checklist"] = answers
    try:
        fields["verdict"] = Verdict(verdict).value
    except ValueError:
        errors["verdict"] = _(
            "Elija un dictamen: cumplido, parcialmente cumplido o no cumplido."
        )
    text = str(observations or "").strip()
    if len(text) > MAX_OBSERVATIONS:
        errors["observations"] = _(
            "Las observaciones son muy largas: máximo %(size)d caracteres."
        ) % {"size": MAX_OBSERVATIONS}
    fields["observations"] = text
    fields["public_observations"] = ""
    if errors:
        raise ReportError(errors)
    return fields


def clean_photos(
    photos: list[tuple[str, bytes]], *, keep_place: bool, already: int = 0
) -> list:
    if len(photos) + already > MAX_PHOTOS:
        raise ReportError(
            {"photos": _("Envíe como máximo %(n)d fotos.") % {"n": MAX_PHOTOS}}
        )
    try:
        return [
            clean_photo(content, filename=name, keep_place=keep_place)
            for name, content in photos
        ]
    except PhotoError as exc:
        raise ReportError({"photos": str(exc)}) from exc


def get_report(report_uuid: str) -> ReportData | None:
    """One report of this locality by its uuid (any status), or None."""
    try:
        key = uuid.UUID(str(report_uuid))
    except ValueError:
        return None
    row = (
        CitizenReport.objects.select_related("project", "answer_request")
        .prefetch_related("photos")
        .filter(uuid=key)
        .first()
    )
    return report_data(row) if row else None


def reports_of(author_id: int) -> list[ReportData]:
    """A person's own reports in this locality, newest first (any status)."""
    rows = (
        CitizenReport.objects.select_related("project", "answer_request")
        .prefetch_related("photos")
        .filter(author_id=author_id)
        .order_by("-submitted_at")
    )
    return [report_data(row) for row in rows]


def reports_to_review() -> list[ReportData]:
    """Reports waiting for review in this locality, oldest first."""
    rows = (
        CitizenReport.objects.select_related("project", "answer_request")
        .prefetch_related("photos")
        .filter(status=ReportStatus.SUBMITTED)
        .order_by("submitted_at")
    )
    return [report_data(row) for row in rows]


def published_reports(code: str, *, limit: int = 5) -> list[ReportData]:
    """The project's latest published reports (never drafts or returned ones)."""
    rows = (
        CitizenReport.objects.select_related("project", "answer_request")
        .prefetch_related("photos")
        .filter(project__code=code, status=ReportStatus.PUBLISHED)
        .order_by("-submitted_at")
    )
    return [report_data(row) for row in rows[:limit]]


def photo_file(photo_uuid: str) -> tuple[Any, ReportData] | None:
    """The stored file of a photo and its report, or None (the caller decides
    who may see it: ``access.may_see_report``)."""
    try:
        key = uuid.UUID(str(photo_uuid))
    except ValueError:
        return None
    row = ReportPhoto.objects.select_related("report__project").filter(uuid=key).first()
    if row is None:
        return None
    return row.image, report_data(row.report)


def answer_data(row: AnswerRequest) -> AnswerData:
    return AnswerData(
        requested_on=row.requested_on,
        due_on=row.due_on,
        answer=row.answer,
        answered_at=row.answered_at,
        escalated_at=row.escalated_at,
        escalated_to=row.escalated_to,
        is_overdue=row.answered_at is None and row.due_on < timezone.localdate(),
    )


def report_data(row: CitizenReport) -> ReportData:
    photos = row.photos.all() if row.pk else []
    try:
        answer = answer_data(row.answer_request)
    except AnswerRequest.DoesNotExist:
        answer = None
    return ReportData(
        report_uuid=str(row.uuid),
        project_code=row.project.code,
        project_name=row.project.name,
        author_id=row.author_id,
        veeduria_id=row.veeduria_id,
        observed_progress=Decimal(row.observed_progress),
        checklist=dict(row.checklist),
        observations=row.observations,
        public_observations=row.public_observations,
        verdict=Verdict(row.verdict),
        status=ReportStatus(row.status),
        submitted_at=row.submitted_at,
        reviewer_id=row.reviewer_id,
        reviewed_at=row.reviewed_at,
        return_reason=row.return_reason,
        photos=tuple(
            PhotoData(
                photo_uuid=str(p.uuid),
                width=p.width,
                height=p.height,
                latitude=p.latitude,
                longitude=p.longitude,
            )
            for p in photos
        ),
        answer=answer,
        evidence=tuple(row.evidence or ()),
        revision=row.revision,
    )
