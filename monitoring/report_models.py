"""Citizen reports, their photos and the answer each published report asks
of the alcaldía (imported by ``models.py``, so Django registers the models with
the app). Personal data until published: the author and what they wrote."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.api import private_storage

from .checklists import REPORT_STATUS_LABELS, VERDICT_LABELS
from .data import ReportStatus
from .veeduria_models import Veeduria


class CitizenReport(models.Model):
    """What a veedor saw on a visit to a project.

    Personal data: the author's id and what they wrote. ``idempotency_key`` comes
    from the form the author opened: a retried submission (a phone that resent
    it) finds the stored report instead of making another. Only a published
    report is public, and then with the reviewer's ``public_observations``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "monitoring.InvestmentProject", on_delete=models.PROTECT, related_name="reports"
    )
    author_id = models.BigIntegerField(_("autor/a (id)"))
    veeduria = models.ForeignKey(
        Veeduria, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True)
    observed_progress = models.DecimalField(
        _("avance observado (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    checklist = models.JSONField(_("lista de chequeo"), default=dict)
    observations = models.TextField(_("observaciones"), blank=True)
    public_observations = models.TextField(_("observaciones publicadas"), blank=True)
    verdict = models.CharField(
        _("dictamen"),
        max_length=20,
        choices=[(v.value, label) for v, label in VERDICT_LABELS.items()],
    )
    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=[(s.value, label) for s, label in REPORT_STATUS_LABELS.items()],
        default=ReportStatus.SUBMITTED.value,
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewer_id = models.BigIntegerField(_("revisó (id)"), null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("motivo de la devolución"), blank=True)
    # Shared open-data lab results the author attached, copied when attached
    # (address, dataset, version, columns, first rows) so the public page never
    # runs a query: [{url, dataset_key, version, title, sql, columns, rows}].
    evidence = models.JSONField(_("evidencia de datos abiertos"), default=list)
    # How many times the author corrected it after a return (0: as first sent).
    revision = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("reporte ciudadano")
        verbose_name_plural = _("reportes ciudadanos")
        permissions = [
            ("review_citizenreport", _("Revisar y publicar reportes ciudadanos"))
        ]
        indexes = [
            models.Index(
                fields=["project", "status", "-submitted_at"],
                name="monitoring_report_public",
            )
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class ReportPhoto(models.Model):
    """A photo of a report, re-encoded on the server with no metadata.

    Kept in the locality's private storage: it is served only by a view that
    checks the report is published (or the viewer wrote or reviews it). The
    place is kept as two numbers, and only when the author chose to keep it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        CitizenReport, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(storage=private_storage, upload_to="monitoring/fotos/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.uuid)


class AnswerRequest(models.Model):
    """The answer a published report asks of the alcaldía local, as a petition
    (derecho de petición): due ``due_on``, 15 Colombian business days later
    (Ley 1755 de 2015, art. 14). When it passes unanswered the request is
    escalated and ``letter`` keeps the letter as it was generated.
    """

    report = models.OneToOneField(
        CitizenReport, on_delete=models.CASCADE, related_name="answer_request"
    )
    requested_on = models.DateField(_("fecha de la solicitud"))
    due_on = models.DateField(_("vence"))
    answer = models.TextField(_("respuesta"), blank=True)
    answered_by_id = models.BigIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.CharField(max_length=30, blank=True)
    letter = models.TextField(_("carta de escalamiento"), blank=True)

    class Meta:
        verbose_name = _("solicitud de respuesta")
        verbose_name_plural = _("solicitudes de respuesta")
        permissions = [("answer_citizenreport", _("Responder reportes ciudadanos"))]
        indexes = [
            models.Index(fields=["answered_at", "due_on"], name="monitoring_answer_due")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.due_on}"
