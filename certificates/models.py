"""Certificates of one locality (tenant app: each locality's schema holds its own).

A certificate is issued once per person and course version (a partial unique
constraint; the issuing task is idempotent). It keeps a snapshot of everything it
shows, so it stays verifiable after the course changes or the person is anonymized.
Revocation never deletes: the row stays, with the reason and date, and its bit in the
locality's status list is set. A revoked certificate may be replaced by a new one
(``replaces``); the old code then still answers "revoked".
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.api import private_storage

from .data import ReissueStatus


class Certificate(models.Model):
    """One person's certificate for one course version in this locality.

    Holds personal data: the holder's full name and the type and last digits of
    their identity document (a snapshot; the person itself lives in
    ``lms.accounts`` in the public schema, referenced by ``user_id`` because
    foreign keys do not cross schemas).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("código"), max_length=80, unique=True, editable=False)
    user_id = models.BigIntegerField(_("persona (id)"), db_index=True)
    course_key = models.CharField(_("clave del curso"), max_length=120)
    course_version = models.PositiveIntegerField(_("versión del curso"))
    completed_at = models.DateTimeField(_("finalizó el"))
    issued_at = models.DateTimeField(_("emitido el"))
    # --- snapshot: exactly what the PDF, the credential and the page show ---
    holder_name = models.CharField(_("nombre"), max_length=300)
    document_type = models.CharField(_("tipo de documento"), max_length=20, blank=True)
    document_last_digits = models.CharField(
        _("últimos dígitos"), max_length=4, blank=True
    )
    course_title = models.CharField(_("curso"), max_length=300)
    hours = models.DecimalField(_("horas"), max_digits=6, decimal_places=1)
    locality_name = models.CharField(_("localidad"), max_length=120)
    # --- artefacts ---
    # Bit of the locality's status list: random and unused (``status.py``).
    status_index = models.PositiveIntegerField(null=True, editable=False)
    credential = models.JSONField(_("credencial firmada"), null=True, editable=False)
    # Outside the public media folder: only views that check the person serve it.
    pdf = models.FileField(
        upload_to="certificados/",
        storage=private_storage,
        blank=True,
        editable=False,
    )
    reissued_at = models.DateTimeField(_("reemitido el"), null=True, blank=True)
    # --- revocation ---
    revoked_at = models.DateTimeField(_("revocado el"), null=True, blank=True)
    revocation_reason = models.CharField(_("motivo"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("reemplaza a"),
    )

    class Meta:
        verbose_name = _("certificado")
        verbose_name_plural = _("certificados")
        ordering = ["-issued_at"]
        permissions = [
            ("revoke_certificate", _("Puede revocar y reemitir certificados")),
        ]
        constraints = [
            # The completion path issues at most one per person and course version,
            # even when the task runs twice (redelivery after a worker died).
            models.UniqueConstraint(
                fields=["user_id", "course_key", "course_version"],
                condition=Q(replaces__isnull=True),
                name="one_certificate_per_person_course_version",
            ),
            # Replacements after revocation: never two valid at once.
            models.UniqueConstraint(
                fields=["user_id", "course_key", "course_version"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_person_course_version",
            ),
            # One status list per locality (schema): two certificates never
            # share its bit, or revoking one would revoke the other.
            models.UniqueConstraint(
                fields=["status_index"], name="one_status_index_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name} · {self.course_title}"


class StatusList(models.Model):
    """The locality's Bitstring Status List (revocation), signed and ready to serve.

    One row per schema. Bit ``status_index`` of a certificate is 1 when revoked. The
    signed credential is rebuilt in the transaction that revokes, so the published
    list and the certificates never disagree.
    """

    revoked_indexes = models.JSONField(default=list)
    credential = models.JSONField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lista de estado")

    def __str__(self) -> str:
        return f"Lista de estado ({len(self.revoked_indexes)} revocados)"


class ReissueJob(models.Model):
    """A background bulk re-issue (e.g. after a template fix), with its progress."""

    class Status(models.TextChoices):
        PENDING = ReissueStatus.PENDING.value, _("En cola")
        RUNNING = ReissueStatus.RUNNING.value, _("En curso")
        DONE = ReissueStatus.DONE.value, _("Terminado")
        FAILED = ReissueStatus.FAILED.value, _("Con errores")

    reason = models.CharField(_("motivo"), max_length=500)
    course_key = models.CharField(_("solo el curso"), max_length=120, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    last_certificate_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reemisión masiva")
        verbose_name_plural = _("reemisiones masivas")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Reemisión {self.pk}: {self.done}/{self.total}"


class RoleCredential(models.Model):
    """A civic role a person was selected for, as an Open Badges 3.0 credential.

    Holds personal data (who holds the role). Issued by this locality with the same
    key and status list as its certificates (the index is unique across both,
    ``status.py``); valid until the role's service ends. ``role_ref`` names the
    role in the app that selected the person (``participation``), by its id there.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user_id = models.BigIntegerField(_("persona (id)"), db_index=True)
    role_ref = models.CharField(_("rol (referencia)"), max_length=80)
    role_title = models.CharField(_("rol"), max_length=300)
    role_detail = models.CharField(_("detalle"), max_length=300, blank=True)
    holder_name = models.CharField(_("nombre"), max_length=300)
    locality_name = models.CharField(_("localidad"), max_length=120)
    valid_from = models.DateTimeField(_("válida desde"))
    valid_until = models.DateTimeField(_("válida hasta"))
    issued_at = models.DateTimeField(_("emitida el"))
    status_index = models.PositiveIntegerField(null=True, editable=False)
    credential = models.JSONField(_("credencial firmada"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("revocada el"), null=True, blank=True)
    revocation_reason = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("credencial de rol")
        verbose_name_plural = _("credenciales de rol")
        constraints = [
            models.UniqueConstraint(
                fields=["status_index"], name="one_role_status_index_per_list"
            ),
            # A person holds a role once at a time.
            models.UniqueConstraint(
                fields=["user_id", "role_ref"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_role_credential_per_person_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_title} · {self.holder_name}"
