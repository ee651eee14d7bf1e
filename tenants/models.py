"""Tenancy: one PostgreSQL schema per locality, plus the city campus.

``Locality`` rows live in the public schema; each names the schema that holds that
locality's pages, media, search index, roles and learning records. ``Domain`` maps a
host name (``kennedy.localhost``) to its locality. The 20 localities come from the
official list (``tenants/data/bogota-localidades.csv``); the city campus is IDPAC's
central school, where courses are authored.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Locality(TenantMixin):
    """A tenant: one of Bogotá's 20 localities, or the city campus."""

    class Kind(models.TextChoices):
        LOCALITY = "locality", _("Localidad")
        CITY_CAMPUS = "campus", _("Campus de la ciudad")

    name = models.CharField(_("nombre"), max_length=100)
    kind = models.CharField(
        _("tipo"), max_length=16, choices=Kind.choices, default=Kind.LOCALITY
    )
    # Official number (1 Usaquén ... 20 Sumapaz); empty for the city campus.
    code = models.PositiveSmallIntegerField(_("código oficial"), null=True, unique=True)
    abbreviation = models.CharField(_("abreviatura"), max_length=8, blank=True)
    slug = models.SlugField(unique=True)
    is_fully_rural = models.BooleanField(_("totalmente rural"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # A tenant row is created in a transaction of its own by the provisioning API;
    # the schema is cloned from TENANT_BASE_SCHEMA on save.
    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = _("localidad")
        verbose_name_plural = _("localidades")
        ordering = ["code", "name"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name served by one locality (e.g. ``kennedy.localhost``)."""

    class Meta:
        verbose_name = _("dominio")
        verbose_name_plural = _("dominios")


class TaskOutbox(models.Model):
    """A Celery task to send, written in the transaction that calls for it.

    In the public schema, next to every locality's tables and in the same
    database transaction as the change that needs the task (a completion, a
    notice), so the two commit together or not at all. Sent right after commit;
    if the broker is down then, the row stays and the relay sends it later
    (``tenants.outbox``). Sent rows are deleted.
    """

    schema_name = models.CharField(max_length=63)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="task_outbox_created")]

    def __str__(self) -> str:
        return f"{self.task_name} en {self.schema_name}"
