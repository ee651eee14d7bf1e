"""«En rol de participación» on the dashboards: kept by the role events, corrected
by the nightly recount."""

from __future__ import annotations

import pytest

from participation import api
from reporting import api as reporting_api
from reporting.models import PersonProfile
from tenants import api as tenants_api

from .conftest import apply


@pytest.fixture(autouse=True)
def no_background_tasks(monkeypatch):
    """The role events also queue credential and webhook tasks: not the point here."""
    # They go through the task outbox: kept there (and rolled back with the
    # test), never published to a broker that no worker reads here.
    monkeypatch.setattr("tenants.outbox._send_one", lambda row_id: False)


def _in_role(user) -> bool:
    with tenants_api.in_public_schema():
        return PersonProfile.objects.get(user_id=user.pk).has_participation_role


def test_selected_people_count_as_in_a_role_until_they_leave(
    make_role, person, django_capture_on_commit_callbacks
):
    role = make_role(seats=1)
    holder = person()
    with tenants_api.in_locality("test_kennedy"):
        with django_capture_on_commit_callbacks(execute=True):
            apply(holder, role)
    assert _in_role(holder)
    city = reporting_api.build_city_dashboard()
    assert city.figures.in_role >= 1

    with tenants_api.in_locality("test_kennedy"):
        with django_capture_on_commit_callbacks(execute=True):
            api.withdraw(holder.pk, role.role_id)
    assert not _in_role(holder)


def test_the_recount_corrects_a_missed_role_event(make_role, person):
    role = make_role(seats=1)
    holder = person()
    apply(holder, role)  # its after-commit events never ran (rolled back test)
    with tenants_api.in_public_schema():
        assert not PersonProfile.objects.filter(
            user_id=holder.pk, has_participation_role=True
        ).exists()
    result = reporting_api.recount()
    assert result.drift["roles"] >= 1
    assert _in_role(holder)
    assert reporting_api.recount().drift["roles"] == 0
