"""Python API of the tenancy layer: the only door to django-tenants.

Invariants:
- Every locality (and the city campus) is one PostgreSQL schema; domain code never
  filters by tenant, the active schema provides the isolation.
- New schemas are cloned from the migrated template schema ``TENANT_BASE_SCHEMA``;
  deploy migrates the template together with every locality (``migrate_everything``).
- Work that spans localities is an explicit loop over ``locality_schemas()``,
  started from the public schema.
"""

from __future__ import annotations

import csv
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django_tenants.utils import (
    get_public_schema_name,
    get_tenant_base_schema,
    schema_context,
    schema_exists,
    tenant_context,
)

from .cache import citywide_key as citywide_cache_key
from .data import (
    LocalityData,
    LocalityKind,
    LocalitySpec,
    ProvisionResult,
    control_characters,
)
from .held_files import held_file, hold_file
from .models import Domain as _Domain
from .models import Locality as _Locality
from .outbox import outbox_backlog, send_after_commit
from .signals import locality_provisioned
from .storage import media_key, open_media, private_storage

__all__ = [
    "LocalityNotFound",
    "citywide_cache_key",
    "control_characters",
    "current_schema",
    "ensure_template_schema",
    "forget_localities",
    "get_locality",
    "held_file",
    "hold_file",
    "in_locality",
    "in_public_schema",
    "is_public_schema",
    "list_localities",
    "locality_schemas",
    "media_key",
    "migrate_everything",
    "open_media",
    "outbox_backlog",
    "private_storage",
    "provision_locality",
    "provision_reference_localities",
    "read_reference_localities",
    "send_after_commit",
    "site_url",
    "template_pending_migrations",
]

logger = logging.getLogger(__name__)


class LocalityNotFound(LookupError):
    """No locality has that schema name."""


def site_url(domain: str) -> str:
    """The public address of the site at ``domain`` (no trailing slash), from
    ``LOCALITY_SITE_URL``: every absolute link to a locality is built here."""
    return settings.LOCALITY_SITE_URL.format(domain=domain).rstrip("/")


def current_schema() -> str:
    """Name of the schema the connection is using now."""
    # django-tenants' database wrapper adds ``schema_name``; it ships no stubs.
    return str(connection.schema_name)  # type: ignore[attr-defined]


def is_public_schema() -> bool:
    return current_schema() == get_public_schema_name()


@contextmanager
def in_locality(schema_name: str) -> Iterator[None]:
    """Run the block in one locality's schema; the previous schema is restored after."""
    try:
        locality = _Locality.objects.get(schema_name=schema_name)
    except _Locality.DoesNotExist as exc:
        raise LocalityNotFound(schema_name) from exc
    with tenant_context(locality):
        yield


@contextmanager
def in_public_schema() -> Iterator[None]:
    """Run the block in the public schema (city-wide tables)."""
    with schema_context(get_public_schema_name()):
        yield


def locality_schemas(*, include_campus: bool = True) -> list[str]:
    """Schema names of every locality (never public, never the template), in order."""
    with in_public_schema():
        qs = _Locality.objects.exclude(schema_name=get_public_schema_name())
        if not include_campus:
            qs = qs.exclude(kind=_Locality.Kind.CITY_CAMPUS)
        return list(qs.order_by("schema_name").values_list("schema_name", flat=True))


def get_locality(schema_name: str) -> LocalityData:
    """One locality by schema name, or raise ``LocalityNotFound``."""
    with in_public_schema():
        try:
            locality = _Locality.objects.prefetch_related("domains").get(
                schema_name=schema_name
            )
        except _Locality.DoesNotExist as exc:
            raise LocalityNotFound(schema_name) from exc
        return _to_data(locality)


# The 21 localities change a few times a year, yet every dashboard build and
# several forms list them (two queries and a schema switch each time): a
# process remembers the list for as long as it remembers host names
# (``TENANT_HOST_CACHE_SECONDS``), and forgets it at once when this process
# saves or deletes a locality or a domain (``forget_localities``).
_localities_lock = threading.Lock()
_localities: tuple[float, tuple[LocalityData, ...]] | None = None


def list_localities(*, include_campus: bool = True) -> list[LocalityData]:
    """All localities, campus first, then by official code."""
    global _localities
    ttl = getattr(settings, "TENANT_HOST_CACHE_SECONDS", 30)
    now = time.monotonic()
    with _localities_lock:
        remembered = _localities
    if remembered is None or now - remembered[0] >= ttl:
        with in_public_schema():
            qs = _Locality.objects.exclude(
                schema_name=get_public_schema_name()
            ).prefetch_related("domains")
            found = tuple(
                sorted(
                    (_to_data(loc) for loc in qs),
                    key=lambda d: (
                        d.kind != LocalityKind.CITY_CAMPUS,
                        d.code or 0,
                        d.name,
                    ),
                )
            )
        remembered = (now, found)
        with _localities_lock:
            _localities = remembered
    return [
        loc
        for loc in remembered[1]
        if include_campus or loc.kind != LocalityKind.CITY_CAMPUS
    ]


def forget_localities(**_signal_kwargs: object) -> None:
    """Drop the remembered list of localities (after a locality or a domain
    changes, and between tests, whose localities are rolled back)."""
    global _localities
    with _localities_lock:
        _localities = None


def provision_locality(
    spec: LocalitySpec, *, domain: str | None = None
) -> ProvisionResult:
    """Create a locality's schema by cloning the template, with its domain and site.

    Idempotent: an existing locality is left as it is (its domain is added if
    missing) and ``created`` is False. Must be called from the public schema and
    outside a transaction (schema creation cannot run inside one).
    """
    started = time.perf_counter()
    _refuse_control_characters(spec.name)
    domain = domain or f"{spec.slug}.{settings.LOCALITY_DOMAIN_SUFFIX}"
    with in_public_schema():
        locality = _Locality.objects.filter(schema_name=spec.schema_name).first()
        created = locality is None
        if locality is None:
            ensure_template_schema()
            locality = _Locality(
                schema_name=spec.schema_name,
                name=spec.name,
                kind=spec.kind.value,
                code=spec.code,
                slug=spec.slug,
                abbreviation=spec.abbreviation,
                is_fully_rural=spec.is_fully_rural,
            )
            locality.save(verbosity=0)  # clones the template schema
        _Domain.objects.get_or_create(
            domain=domain, defaults={"tenant": locality, "is_primary": True}
        )
    if created:
        with tenant_context(locality):
            locality_provisioned.send(
                sender=_Locality, schema_name=spec.schema_name, domain=domain
            )
        logger.debug("Localidad %s creada", spec.schema_name)
    return ProvisionResult(
        locality=get_locality(spec.schema_name),
        created=created,
        seconds=time.perf_counter() - started,
    )


def _refuse_control_characters(name: str) -> None:
    # The name is printed on every certificate of the locality and signed into
    # its credentials: an invisible control character has no place there.
    found = control_characters(name)
    if found:
        raise ValueError(
            _(
                "El nombre de la localidad contiene un carácter de control "
                "invisible (%(codes)s). Bórrelo y vuelva a escribir el nombre."
            )
            % {"codes": ", ".join(found)}
        )


def read_reference_localities(path: Path | None = None) -> list[LocalitySpec]:
    """The city campus and the 20 localities from the official reference list."""
    path = path or Path(settings.LOCALITIES_REFERENCE_CSV)
    specs = [
        LocalitySpec(
            schema_name=settings.CITY_CAMPUS_SCHEMA,
            name="Campus de la ciudad · IDPAC",
            slug="campus",
            kind=LocalityKind.CITY_CAMPUS,
        )
    ]
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            specs.append(
                LocalitySpec(
                    schema_name=schema_name_for(row["slug"]),
                    name=row["nombre"].strip(),
                    slug=row["slug"].strip(),
                    code=int(row["codigo"]),
                    abbreviation=row["abreviatura"].strip(),
                    is_fully_rural=row["totalmente_rural"].strip().lower() == "true",
                )
            )
    return specs


def provision_reference_localities() -> list[ProvisionResult]:
    """Provision the city campus and the 20 localities; safe to run again."""
    return [provision_locality(spec) for spec in read_reference_localities()]


def schema_name_for(slug: str) -> str:
    """A valid PostgreSQL schema name from a locality slug (``santa-fe`` → ``santa_fe``)."""
    ascii_slug = (
        unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode().lower()
    )
    return re.sub(r"[^a-z0-9]+", "_", ascii_slug).strip("_")


def ensure_template_schema(*, verbosity: int = 0) -> bool:
    """Create and migrate the template schema if it does not exist yet.

    Returns True when it had to be created.
    """
    template = get_tenant_base_schema()
    if not template or schema_exists(template):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{template}"')
    _migrate_schema(template, verbosity=verbosity)
    return True


def template_pending_migrations() -> list[str]:
    """Migrations not yet applied to the template schema (``app.name`` strings).

    New localities copy the template, so a template that is behind would hand
    out schemas that are behind too. Empty when the template is up to date.
    """
    template = get_tenant_base_schema()
    if not schema_exists(template):
        return ["(el esquema plantilla no existe)"]
    with schema_context(template):
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        # Only migrations that would change this schema (tenant apps) count.
        tenant_labels = {
            config.label
            for config in apps.get_app_configs()
            if config.name in settings.TENANT_APPS
        }
        return [
            f"{migration.app_label}.{migration.name}"
            for migration, _backwards in plan
            if migration.app_label in tenant_labels
        ]


def migrate_everything(*, verbosity: int = 1) -> None:
    """Deploy step: migrate public, the template schema and every locality."""
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    if not ensure_template_schema(verbosity=verbosity):
        _migrate_schema(get_tenant_base_schema(), verbosity=verbosity)
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)


def _migrate_schema(schema_name: str, *, verbosity: int) -> None:
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=schema_name,
        interactive=False,
        verbosity=verbosity,
    )


def _to_data(locality: _Locality) -> LocalityData:
    domains = list(locality.domains.all())
    primary = next((d.domain for d in domains if d.is_primary), None)
    return LocalityData(
        schema_name=locality.schema_name,
        name=locality.name,
        kind=LocalityKind(locality.kind),
        code=locality.code,
        slug=locality.slug,
        abbreviation=locality.abbreviation,
        is_fully_rural=locality.is_fully_rural,
        domain=primary or (domains[0].domain if domains else None),
    )
