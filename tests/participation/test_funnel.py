"""The civic funnel's stages after «trained», per locality, for the dashboards."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from participation import api
from tenants import api as tenants_api

from .conftest import apply

KENNEDY = "test_kennedy"


def test_each_person_counts_once_per_stage(make_role, person, template):
    today = timezone.localdate()
    upcoming = make_role(seats=5)  # its service starts in a month
    with tenants_api.in_locality(KENNEDY):
        serving = api.create_cycle(
            "Veedurías en curso",
            applications_open=today - timedelta(days=1),
            applications_close=today + timedelta(days=5),
            service_starts=today - timedelta(days=1),
            service_ends=today + timedelta(days=200),
        )
        running = api.open_role(serving.cycle_id, template, seats=5)
    person()  # eligible, never applies
    person(certified=False)  # a certificate missing: not eligible
    two_roles, withdrew = person(), person()
    apply(two_roles, upcoming)
    apply(two_roles, running)  # selected twice (first come): one person
    apply(withdrew, upcoming)
    with tenants_api.in_locality(KENNEDY):
        api.withdraw(withdrew.pk, upcoming.role_id)
        api.recompute_roles()
        here = api.funnel_counts_here()
    # Stored standings: eligible now, or applied (withdrew is eligible again).
    assert here == api.FunnelCounts(eligible=3, applied=2, selected=1, in_role=1)

    city = api.funnel_counts()
    assert city[KENNEDY] == here
    assert city["test_bosa"] == api.FunnelCounts(0, 0, 0, 0)
    assert "campus" not in city
