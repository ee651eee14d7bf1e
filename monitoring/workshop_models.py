"""Collective-intelligence workshops: in-person sessions marked as such, with the
barrios where their participants live (imported by ``models``).

A workshop is one of the learning core's in-person sessions (``session_id``,
an id in the same locality schema, read through ``lms.learning.api``; no
foreign key into another app's tables). Its barrios are cadastral sectors of
this locality (``barrio_code``, the cadastre's code, as projects use it). No
person is named: a barrio is recorded for the group, never for a participant.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Workshop(models.Model):
    """An in-person session run as a collective-intelligence workshop.

    ``recorded_by_id`` is the staff member (facilitator or manager) who marked
    it; ``participants`` is an optional head count, no list of people.
    """

    session_id = models.BigIntegerField(_("sesión presencial (id)"), unique=True)
    recorded_by_id = models.BigIntegerField(_("registrado por (id)"))
    participants = models.PositiveIntegerField(
        _("personas participantes"), null=True, blank=True
    )
    notes = models.TextField(_("notas"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("taller de inteligencia colectiva")
        verbose_name_plural = _("talleres de inteligencia colectiva")
        permissions = [
            (
                "record_workshop",
                _("Registrar talleres de inteligencia colectiva en sus sesiones"),
            ),
            (
                "record_any_workshop",
                _("Registrar talleres en cualquier sesión de la localidad"),
            ),
        ]

    def __str__(self) -> str:
        return f"Taller · sesión {self.session_id}"


class WorkshopBarrio(models.Model):
    """A barrio (cadastral sector of this locality) where participants of the
    workshop live: one row per workshop and barrio."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="barrios"
    )
    barrio_code = models.CharField(
        _("barrio (código de sector catastral)"), max_length=6, db_index=True
    )

    class Meta:
        verbose_name = _("barrio de un taller")
        verbose_name_plural = _("barrios de los talleres")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "barrio_code"], name="one_row_per_workshop_barrio"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} · {self.barrio_code}"
