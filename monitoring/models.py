"""Citizen monitoring: the registry of local investment projects (tenant app).

Each locality's schema holds its own projects, so a Kennedy project cannot be
read from Bosa's site; the code is unique inside a locality, not across the city.
Official figures (status and progress) always say where they came from and as of
when. Outside services are read into ``SourceSync`` rows that keep the last
attempt, the last success and the last error, so a failing service never
erases the last good figures and staff see what went wrong.

Projects are public facts about public spending. Veedurías, assignments and
citizen reports hold personal data: who watches, who wrote a report and what
they saw (photos may show people); only a reviewed, published report is public.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.api import private_storage

from .checklists import REGISTRATION_BODY_LABELS, REPORT_STATUS_LABELS, VERDICT_LABELS
from .data import (
    FIGURE_SOURCE_LABELS,
    INVESTMENT_LINE_LABELS,
    PROJECT_STATUS_LABELS,
    FigureSource,
    OutsideService,
    ProjectStatus,
    ReportStatus,
)


class InvestmentProject(models.Model):
    """A project financed by the locality's development fund (FDL).

    Linked, by identifiers only, to its SECOP II contract, its OCDS ``ocid``, the
    GAB proposal that the vote chose and the Decidim accountability result that
    publishes its progress. UPZ and barrio are codes of the official reference
    lists (``monitoring/data/``) for this locality.
    """

    code = models.CharField(_("código"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=255)
    line = models.CharField(
        _("línea de inversión"),
        max_length=20,
        choices=[(k.value, v) for k, v in INVESTMENT_LINE_LABELS.items()],
    )
    spending_concept = models.CharField(_("concepto de gasto"), max_length=255)
    budget = models.DecimalField(
        _("presupuesto (COP)"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    upz_code = models.CharField(_("UPZ/UPR (código)"), max_length=8)
    barrio_code = models.CharField(
        _("barrio (código de sector catastral)"), max_length=6, blank=True
    )
    starts_on = models.DateField(_("fecha de inicio"), null=True, blank=True)
    ends_on = models.DateField(_("fecha de terminación"), null=True, blank=True)
    status = models.CharField(
        _("estado oficial"),
        max_length=20,
        choices=[(k.value, _(v)) for k, v in PROJECT_STATUS_LABELS.items()],
        default=ProjectStatus.PLANNED.value,
    )
    # The source's own wording ("En ejecución", "Modificado", ...), shown beside ours.
    status_label = models.CharField(
        _("estado según la fuente"), max_length=120, blank=True
    )
    progress = models.DecimalField(
        _("avance oficial (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    progress_source = models.CharField(
        _("fuente del avance"),
        max_length=20,
        choices=[(k.value, _(v)) for k, v in FIGURE_SOURCE_LABELS.items()],
        default=FigureSource.LOCAL_OFFICE.value,
    )
    progress_as_of = models.DateField(_("fecha del avance"), null=True, blank=True)
    secop_contract_id = models.CharField(
        _("contrato SECOP II (id_contrato)"), max_length=40, blank=True
    )
    secop_url = models.URLField(_("enlace al proceso en SECOP II"), blank=True)
    contract_value = models.DecimalField(
        _("valor del contrato (COP)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
    )
    contract_status = models.CharField(
        _("estado del contrato en SECOP II"), max_length=60, blank=True
    )
    ocid = models.CharField(_("OCDS ocid"), max_length=80, blank=True)
    gab_proposal = models.CharField(
        _("propuesta en Gobierno Abierto Bogotá"), max_length=60, blank=True
    )
    decidim_result_id = models.CharField(
        _("resultado en Decidim"), max_length=40, blank=True
    )
    # Milestones as the official source published them: [{date, title, description}].
    official_timeline = models.JSONField(_("hitos oficiales"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proyecto de inversión")
        verbose_name_plural = _("proyectos de inversión")
        ordering = ["code"]
        permissions = [
            (
                "import_projects",
                _("Importar proyectos y actualizar cifras oficiales"),
            )
        ]
        indexes = [
            models.Index(fields=["line", "status"], name="monitoring_line_status")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class SourceSync(models.Model):
    """How the last reads of one outside service went, in this locality.

    The Decidim endpoint and component are per locality (each alcaldía may run
    its own space); SECOP II's address is the same for everyone (settings).
    """

    service = models.CharField(
        _("servicio"),
        max_length=20,
        unique=True,
        choices=[(s.value, s.name.title()) for s in OutsideService],
    )
    endpoint = models.URLField(_("dirección del API"), blank=True)
    component_id = models.CharField(
        _("componente (Decidim)"), max_length=20, blank=True
    )
    last_attempt_at = models.DateTimeField(_("último intento"), null=True, blank=True)
    last_success_at = models.DateTimeField(
        _("última lectura buena"), null=True, blank=True
    )
    last_error = models.TextField(_("último error"), blank=True)
    last_updated = models.PositiveIntegerField(_("proyectos actualizados"), default=0)

    class Meta:
        verbose_name = _("fuente oficial")
        verbose_name_plural = _("fuentes oficiales")

    def __str__(self) -> str:
        return self.service


class Veeduria(models.Model):
    """A veeduría ciudadana registered in this locality (Ley 850 de 2003, art. 3).

    Keeps the founding record's facts (object watched, territorial level,
    duration, residence, date) and the registration at the Personería or the
    Cámara de Comercio. Personal data: its members (``VeeduriaMember``, account
    ids; names and documents stay in the city-wide accounts).
    """

    name = models.CharField(_("nombre"), max_length=200, unique=True)
    purpose = models.TextField(_("objeto de la vigilancia"))
    territorial_level = models.CharField(_("nivel territorial"), max_length=80)
    duration = models.CharField(_("duración"), max_length=80)
    residence = models.CharField(_("lugar de residencia"), max_length=200)
    founded_on = models.DateField(_("fecha del acta de constitución"))
    registered_with = models.CharField(
        _("inscrita en"),
        max_length=20,
        choices=[(b.value, label) for b, label in REGISTRATION_BODY_LABELS.items()],
    )
    registration_number = models.CharField(_("número de inscripción"), max_length=60)
    registered_on = models.DateField(_("fecha de inscripción"))
    created_at = models.DateTimeField(auto_now_add=True)
    # The drafted founding record (PDF) for filing; it names the members and
    # their documents, so it lives in private storage and is served by a view
    # that checks who asks. Redrawn when it is older than the veeduría's facts.
    founding_record = models.FileField(
        storage=private_storage, upload_to="monitoring/actas/", blank=True
    )
    founding_record_made_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("veeduría ciudadana")
        verbose_name_plural = _("veedurías ciudadanas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VeeduriaMember(models.Model):
    """A person (city-wide account id) who reports on behalf of a veeduría."""

    veeduria = models.ForeignKey(
        Veeduria, on_delete=models.CASCADE, related_name="members"
    )
    user_id = models.BigIntegerField(_("persona (id)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["veeduria", "user_id"], name="one_membership_per_veeduria"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.veeduria_id}"


class Assignment(models.Model):
    """A project watched by one selected veedor (``user_id``) or by a registered
    veeduría, never both. Ending it (``ended_at``) keeps the history."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.CASCADE, related_name="assignments"
    )
    user_id = models.BigIntegerField(_("veedor/a (id)"), null=True, blank=True)
    veeduria = models.ForeignKey(
        Veeduria,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    assigned_by_id = models.BigIntegerField(_("asignado por (id)"))
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("asignación de proyecto")
        verbose_name_plural = _("asignaciones de proyectos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user_id__isnull=False, veeduria__isnull=True)
                | models.Q(user_id__isnull=True, veeduria__isnull=False),
                name="assigned_to_a_person_or_a_veeduria",
            ),
            models.UniqueConstraint(
                fields=["project", "user_id"],
                condition=models.Q(ended_at__isnull=True, user_id__isnull=False),
                name="one_open_assignment_per_person",
            ),
            models.UniqueConstraint(
                fields=["project", "veeduria"],
                condition=models.Q(ended_at__isnull=True, veeduria__isnull=False),
                name="one_open_assignment_per_veeduria",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.user_id or self.veeduria_id}"


class CitizenReport(models.Model):
    """What a veedor saw on a visit to a project.

    Personal data: the author's id and what they wrote. ``idempotency_key`` comes
    from the form the author opened: a retried submission (a phone that resent
    it) finds the stored report instead of making another. Only a published
    report is public, and then with the reviewer's ``public_observations``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="reports"
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


# A report's earlier versions (returned, then corrected) and the workshops with
# the barrios they reached live in their own modules.
from .revision_models import ReportRevision  # noqa: E402, F401
from .workshop_models import Workshop, WorkshopBarrio  # noqa: E402, F401
