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

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .data import (
    FIGURE_SOURCE_LABELS,
    INVESTMENT_LINE_LABELS,
    PROJECT_STATUS_LABELS,
    FigureSource,
    OutsideService,
    ProjectStatus,
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

    # The code as read from the database (``from_db``), not a column.
    code_as_loaded: str | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        project = super().from_db(db, field_names, values)
        # The code as read: a save that changes it must also drop the kept
        # page of the old address (public_cache), which now has no project.
        project.code_as_loaded = project.__dict__.get("code")
        return project


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


# Who watches (veedurías, assignments), what they report (reports, photos,
# answers), a report's earlier versions and the workshops with the barrios they
# reached live in their own modules, one topic each.
from .report_models import AnswerRequest, CitizenReport, ReportPhoto  # noqa: E402, F401
from .revision_models import ReportRevision  # noqa: E402, F401
from .veeduria_models import Assignment, Veeduria, VeeduriaMember  # noqa: E402, F401
from .workshop_models import Workshop, WorkshopBarrio  # noqa: E402, F401
