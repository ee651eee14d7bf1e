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
