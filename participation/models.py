"""Civic roles of one locality: cycles, roles with their rules, applications.

Tenant app: every locality (and the campus) has its own tables, so a Kennedy
manager never sees Bosa's applicants. Role templates are written at the campus
and copied into a locality when it opens the role (``catalog.open_role``), so each
locality's rules stay readable in its own schema. ``user_id`` points at the
city-wide account (public schema) by id, as the learning records do.
"""

from django.db import models
from django.db.models import Q

from .data import (
    INVESTMENT_LINE_LABELS,
    OPEN_STATUSES,
    ROLE_KIND_LABELS,
    SELECTION_MODE_LABELS,
    ApplicationStatus,
    SelectionMode,
)

_KIND_CHOICES = list(ROLE_KIND_LABELS.items())
_MODE_CHOICES = list(SELECTION_MODE_LABELS.items())


class RoleTemplate(models.Model):
    """A city-wide role as IDPAC writes it at the campus: what it asks of people."""

    key = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=_KIND_CHOICES)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    min_age = models.PositiveSmallIntegerField(default=18)
    # People from this age (e.g. 14) up to min_age may apply with a guardian's consent.
    minors_from = models.PositiveSmallIntegerField(null=True, blank=True)
    required_courses = models.JSONField(default=list, blank=True)
    min_sessions_attended = models.PositiveSmallIntegerField(default=0)
    requires_residence = models.BooleanField(default=True)
    selection_mode = models.CharField(
        max_length=20, choices=_MODE_CHOICES, default=SelectionMode.COMMITTEE
    )

    def __str__(self) -> str:
        return self.title


class Cycle(models.Model):
    """A participation cycle of the locality, e.g. «Presupuestos participativos 2027»."""

    name = models.CharField(max_length=200)
    applications_open = models.DateField()
    applications_close = models.DateField()
    service_starts = models.DateField()
    service_ends = models.DateField()

    def __str__(self) -> str:
        return self.name


class CivicRole(models.Model):
    """A role opened in a cycle, with its seats and the rules copied from a template."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="roles")
    template_key = models.SlugField(max_length=80)
    kind = models.CharField(max_length=32, choices=_KIND_CHOICES)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    investment_line = models.CharField(
        max_length=32, choices=list(INVESTMENT_LINE_LABELS.items()), blank=True
    )
    seats = models.PositiveIntegerField()
    selection_mode = models.CharField(max_length=20, choices=_MODE_CHOICES)
    min_age = models.PositiveSmallIntegerField()
    minors_from = models.PositiveSmallIntegerField(null=True, blank=True)
    required_courses = models.JSONField(default=list, blank=True)
    min_sessions_attended = models.PositiveSmallIntegerField(default=0)
    requires_residence = models.BooleanField(default=True)
    # {"genero": {"mujer": 2}, "grupo_edad": {"14-28": 1}}: minimum seats per group.
    lottery_quotas = models.JSONField(default=dict, blank=True)
    lottery_seed = models.CharField(max_length=128, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    # What the draw saw and decided, published as is: application numbers and
    # their quota groups (never names), the selected and the waiting list.
    lottery_record = models.JSONField(default=dict, blank=True)

    class Meta:
        permissions = [
            ("select_applicants", "Seleccionar personas para un rol (comité o sorteo)")
        ]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    """A person applies for a role. Holds personal data (who applied, motivation,
    guardian's name for 14-17-year-olds, the signed declaration)."""

    role = models.ForeignKey(
        CivicRole, on_delete=models.PROTECT, related_name="applications"
    )
    user_id = models.BigIntegerField("persona (id)")
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in ApplicationStatus],
        default=ApplicationStatus.PENDING,
    )
    motivation = models.TextField(blank=True)
    # Ley 850 art. 19: the person declares no impediment; the text shown is kept.
    declaration_text = models.TextField()
    declared_at = models.DateTimeField()
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_consent_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    waiting_position = models.PositiveIntegerField(null=True, blank=True)
    # A selected person who no longer meets a requirement (a certificate revoked,
    # a move): the managers are told and decide; nothing is removed by itself.
    requirements_lost_at = models.DateTimeField(null=True, blank=True)
    requirements_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role", "user_id"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_application_per_role",
            )
        ]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.role_id}"


class WebhookDelivery(models.Model):
    """An event for the outside platform (GAB, Decidim), kept until it is delivered.

    Written in the same transaction as the change it announces (an outbox), so no
    event is lost if the broker or the receiver is down; ``event_id`` lets the
    receiver drop a repeated delivery.
    """

    event_id = models.UUIDField(unique=True)
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "created_at"])]
        permissions = [
            (
                "retry_webhookdelivery",
                "Ver y reintentar los eventos no entregados a la plataforma externa",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class EligibilityRecord(models.Model):
    """A person's last computed standing for a role of this locality.

    Kept so a person is told once when they become eligible, and so the funnel can
    count eligible people without recomputing everyone. Holds personal data (who
    may apply for what).
    """

    user_id = models.BigIntegerField("persona (id)")
    role = models.ForeignKey(CivicRole, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=32)
    computed_at = models.DateTimeField()
    eligible_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "role"], name="one_eligibility_per_person_role"
            )
        ]
        indexes = [models.Index(fields=["role", "verdict"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.role_id}: {self.verdict}"
