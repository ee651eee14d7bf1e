"""What the city reporting reads about civic roles (its nightly recount)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants import api as tenants_api

from .data import ApplicationStatus, FunnelCounts, Verdict
from .models import Application as _Application
from .models import EligibilityRecord as _EligibilityRecord
from .signals import funnel_changed


def role_holder_ids() -> set[int]:
    """People holding a role (selected) in the active locality."""
    return set(
        _Application.objects.filter(status=ApplicationStatus.SELECTED).values_list(
            "user_id", flat=True
        )
    )


def funnel_counts_here() -> FunnelCounts:
    """The funnel's stages after «trained» in the active locality (four queries).

    «Eligible» reads the stored standings, which the events and the nightly
    set-based recount keep; a person counts once per stage whatever the roles.
    """
    today = timezone.localdate()
    selected = _Application.objects.filter(status=ApplicationStatus.SELECTED)
    return FunnelCounts(
        eligible=_EligibilityRecord.objects.filter(
            verdict__in=[Verdict.ELIGIBLE, Verdict.APPLIED]
        )
        .values("user_id")
        .distinct()
        .count(),
        applied=_Application.objects.values("user_id").distinct().count(),
        selected=selected.values("user_id").distinct().count(),
        in_role=selected.filter(
            role__cycle__service_starts__lte=today,
            role__cycle__service_ends__gte=today,
        )
        .values("user_id")
        .distinct()
        .count(),
    )


def funnel_counts() -> dict[str, FunnelCounts]:
    """The same for every locality (an explicit loop, for a nightly job; never
    for a page), by schema name. Start it from the public schema."""
    counts = {}
    for schema in tenants_api.locality_schemas(include_campus=False):
        with tenants_api.in_locality(schema):
            counts[schema] = funnel_counts_here()
    return counts


def announce_funnel_change() -> None:
    """Send ``funnel_changed`` once the transaction commits (never for a
    rollback). Callers send it once per operation, not once per person."""
    transaction.on_commit(lambda: funnel_changed.send(sender=None))
