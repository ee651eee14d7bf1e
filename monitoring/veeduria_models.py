"""Who watches a project: registered veedurías, their members, and the
assignments of projects to a veedor or a veeduría (imported by ``models.py``,
so Django registers the models with the app). Personal data: account ids of
members and veedores; names and documents stay in the city-wide accounts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.api import private_storage

from .checklists import REGISTRATION_BODY_LABELS


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
        "monitoring.InvestmentProject",
        on_delete=models.CASCADE,
        related_name="assignments",
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
