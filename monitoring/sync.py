"""Refresh a locality's official figures from the outside services.

Each service is read, checked and applied on its own: Decidim failing does not
stop SECOP. A failure leaves the projects untouched (the last good figures
stay) and is recorded on the service's ``SourceSync`` row, which staff see in
the admin; the next good read clears it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .data import OutsideService, SyncOutcome, SyncStatus
from .imports import decidim, secop
from .imports.http import ServiceError
from .models import SourceSync


class SourceConfigError(ValueError):
    """The Decidim address or component given by staff cannot be used."""


def refresh_official_figures(
    services: tuple[OutsideService, ...] = tuple(OutsideService),
) -> list[SyncOutcome]:
    """Read every outside service for the active locality; never raises for a
    service that is down, slow or malformed (see ``list_sync_statuses``)."""
    return [_refresh(service) for service in services]


def _refresh(service: OutsideService) -> SyncOutcome:
    sync, _created = SourceSync.objects.get_or_create(service=service.value)
    try:
        if service is OutsideService.DECIDIM:
            if not (sync.endpoint and sync.component_id):
                return SyncOutcome(service, 0, skipped=True)
            results = decidim.fetch_results(sync.endpoint, sync.component_id)
            apply = lambda: decidim.apply_results(results)  # noqa: E731
        else:
            ids = secop.linked_contract_ids()
            if not ids:
                return SyncOutcome(service, 0, skipped=True)
            rows = secop.fetch_contracts(ids)
            apply = lambda: secop.apply_contracts(rows)  # noqa: E731
        updated = apply()
    except ServiceError as exc:
        _record(sync, error=str(exc))
        return SyncOutcome(service, 0, error=str(exc))
    _record(sync, updated=updated)
    return SyncOutcome(service, updated)


def _record(sync: SourceSync, *, error: str = "", updated: int = 0) -> None:
    now = timezone.now()
    sync.last_attempt_at = now
    sync.last_error = error
    fields = ["last_attempt_at", "last_error"]
    if not error:
        sync.last_success_at = now
        sync.last_updated = updated
        fields += ["last_success_at", "last_updated"]
    sync.save(update_fields=fields)


@transaction.atomic
def configure_decidim(endpoint: str, component_id: str) -> SyncStatus:
    """Set the locality's Decidim API address and accountability component."""
    endpoint, component_id = endpoint.strip(), component_id.strip()
    if endpoint:
        try:
            URLValidator(schemes=["https"])(endpoint)
        except ValidationError as exc:
            raise SourceConfigError(
                _(
                    "La dirección del API de Decidim debe ser https://…/api (por "
                    "ejemplo https://decidim.example.org/api)."
                )
            ) from exc
    if endpoint and not component_id.isdigit():
        raise SourceConfigError(
            _(
                "El componente de Decidim es un número (aparece en la dirección "
                "del componente: …/f/<número>/)."
            )
        )
    sync, _created = SourceSync.objects.get_or_create(
        service=OutsideService.DECIDIM.value
    )
    sync.endpoint, sync.component_id = endpoint, component_id
    sync.save(update_fields=["endpoint", "component_id"])
    return _to_status(sync)


def list_sync_statuses() -> list[SyncStatus]:
    """One line per outside service for the active locality (never read before
    included), for the staff screen."""
    known = {s.service: s for s in SourceSync.objects.all()}
    return [
        _to_status(known.get(service.value) or SourceSync(service=service.value))
        for service in OutsideService
    ]


def _to_status(sync: SourceSync) -> SyncStatus:
    service = OutsideService(sync.service)
    endpoint = sync.endpoint
    if service is OutsideService.SECOP:
        endpoint = settings.MONITORING_SECOP_CONTRACTS_URL
    return SyncStatus(
        service=service,
        endpoint=endpoint,
        component_id=sync.component_id,
        last_attempt_at=sync.last_attempt_at,
        last_success_at=sync.last_success_at,
        last_error=sync.last_error,
        last_updated=sync.last_updated,
    )
