"""What the city reporting reads about civic roles (its nightly recount)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants import api as tenants_api

from .data import ApplicationStatus, FunnelCounts, FunnelEntry, Verdict
from .models import Application as _Application
from .models import CivicRole as _CivicRole
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


def funnel_entries_here() -> list[FunnelEntry]:
    """Each person's stages per role of the active locality (three queries),
    for breakdowns by role and line; the same facts as ``funnel_counts_here``."""
    today = timezone.localdate()
    roles = {
        role.pk: role
        for role in _CivicRole.objects.select_related("cycle").only(
            "title", "investment_line", "cycle__service_starts", "cycle__service_ends"
        )
    }
    stages: dict[tuple[int, int], list[bool]] = {}
    for user_id, role_id in _EligibilityRecord.objects.filter(
        verdict__in=[Verdict.ELIGIBLE, Verdict.APPLIED]
    ).values_list("user_id", "role_id"):
        stages.setdefault((user_id, role_id), [False] * 4)[0] = True
    for user_id, role_id, status in _Application.objects.values_list(
        "user_id", "role_id", "status"
    ):
        flags = stages.setdefault((user_id, role_id), [False] * 4)
        flags[1] = True
        if status == ApplicationStatus.SELECTED:
            cycle = roles[role_id].cycle
            flags[2] = True
            flags[3] = flags[3] or cycle.service_starts <= today <= cycle.service_ends
    return [
        FunnelEntry(
            user_id, roles[role_id].title, roles[role_id].investment_line, *flags
        )
        for (user_id, role_id), flags in sorted(stages.items())
    ]


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
