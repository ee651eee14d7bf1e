"""A participatory-budgeting role in Kennedy, opened from a campus template."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from certificates import api as certificates_api
from courses import api as courses_api
from participation import api, handlers
from tenants import api as tenants_api

_numbers = itertools.count(63_000_001)


@pytest.fixture(autouse=True)
def recompute_not_queued(request, monkeypatch):
    """Certificates issued by the fixtures run their after-commit receivers (the
    city-wide index of certificates is kept by them), but the recompute they
    queue is not sent to the broker; tests that need it run it in process.
    Tests with a real worker or a browser (markers ``worker``, ``browser``: a
    site whose events run as in production) keep the real outbox."""
    queued = []
    if any(request.node.get_closest_marker(m) for m in ("worker", "browser")):
        return queued
    monkeypatch.setattr(
        handlers, "queue_recompute", lambda *args, **kwargs: queued.append(args)
    )
    return queued


@pytest.fixture
def template(campus):
    with tenants_api.in_locality(campus):
        courses_api.create_course("Presupuestos participativos", key="pp")
        api.save_role_template(
            "delegado-pp",
            kind=api.RoleKind.BUDGET_DELEGATE,
            title="Delegado/a de presupuestos participativos",
            min_age=18,
            minors_from=14,
            required_courses=["pp"],
            selection_mode=api.SelectionMode.FIRST_COME,
        )
    return "delegado-pp"


@pytest.fixture
def open_cycle(town_a):
    today = timezone.localdate()
    with tenants_api.in_locality(town_a):
        courses_api.create_course("Presupuestos participativos", key="pp")
        return api.create_cycle(
            "Presupuestos participativos 2027",
            applications_open=today - timedelta(days=1),
            applications_close=today + timedelta(days=10),
            service_starts=today + timedelta(days=30),
            service_ends=today + timedelta(days=400),
        )


@pytest.fixture
def make_role(template, open_cycle, town_a):
    def make(**options):
        options.setdefault("seats", 2)
        with tenants_api.in_locality(town_a):
            return api.open_role(open_cycle.cycle_id, template, **options)

    return make


@pytest.fixture
def person(make_person, django_capture_on_commit_callbacks):
    """A Kennedy resident aged 30; ``certified`` gives the pp certificate (and its
    row in the city-wide index, as the after-commit receivers keep it)."""

    def make(*, certified=True, residence="test_kennedy", born=date(1996, 3, 1)):
        n = next(_numbers)
        user = make_person(
            first_name="Persona",
            last_name=f"N{n}",
            document_type="CC",
            document_number=str(n),
            birth_date=born,
            residence_locality_id=residence,
        )
        if certified:
            with (
                tenants_api.in_locality("test_kennedy"),
                django_capture_on_commit_callbacks(execute=True),
            ):
                certificates_api.issue_certificate(
                    user.pk,
                    course_key="pp",
                    course_version=1,
                    completed_at=datetime(2026, 11, 1, tzinfo=UTC),
                )
        return user

    return make


def apply(user, role, **kwargs):
    kwargs.setdefault("motivation", "Quiero aportar a mi barrio.")
    kwargs.setdefault("declares_no_impediment", True)
    with tenants_api.in_locality("test_kennedy"):
        return api.apply(user.pk, role.role_id, **kwargs)
