"""A Kennedy manager can neither see nor act on Bosa's applicants: not by the
site's pages, not in the admin, not through the API, with Bosa's ids typed into
Kennedy's addresses or on Bosa's own site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courses import api as courses_api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from participation import api
from tenants import api as tenants_api

from .conftest import apply

BOSA = "test_bosa"


def _client(user, host: str, schema: str) -> Client:
    client = Client(HTTP_HOST=host)
    with tenants_api.in_locality(schema):
        client.force_login(user)
    return client


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location == "/admin/" or "ingresar" in location or "login" in location
    )


@pytest.fixture
def bosa_applicant(template, open_cycle, person, town_b):
    """A role Bosa opened from the campus template, and a Bosa resident selected
    (certified in Kennedy, where ``open_cycle`` publishes the course)."""
    today = timezone.localdate()
    with tenants_api.in_locality(BOSA):
        courses_api.create_course("Presupuestos participativos", key="pp")
        cycle = api.create_cycle(
            "Presupuestos participativos 2027",
            applications_open=today - timedelta(days=1),
            applications_close=today + timedelta(days=10),
            service_starts=today + timedelta(days=30),
            service_ends=today + timedelta(days=400),
        )
        role = api.open_role(cycle.cycle_id, template, seats=1)
    user = person(residence=BOSA)
    with tenants_api.in_locality(BOSA):
        application = api.apply(
            user.pk,
            role.role_id,
            motivation="Motivación privada de Bosa.",
            declares_no_impediment=True,
        )
    assert application.status == api.ApplicationStatus.SELECTED
    return role, user, application


def test_a_kennedy_manager_cannot_see_or_act_on_bosa_applicants(
    bosa_applicant, make_role, person, make_person
):
    bosa_role, bosa_person, bosa_application = bosa_applicant
    kennedy_role = make_role()
    apply(person(), kennedy_role)  # Kennedy's own roster is not empty
    manager = make_person(first_name="Gestora", last_name="Kennedy")
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
    at_kennedy = _client(manager, "kennedy.test", "test_kennedy")
    at_bosa = _client(manager, "bosa.test", BOSA)
    secret = bosa_person.last_name  # Bosa's applicant, by name

    def never_shows_bosa(response) -> None:
        assert secret not in response.content.decode("utf-8", "replace")
        assert "Motivación privada de Bosa" not in response.content.decode(
            "utf-8", "replace"
        )

    roster = f"/admin/participacion/roles/{bosa_role.role_id}/"
    api_roster = f"/api/participacion/roles/{bosa_role.role_id}/postulaciones"
    # Kennedy's rights are real there (a positive control).
    assert at_kennedy.get("/admin/participacion/").status_code == 200
    own = f"/api/participacion/roles/{kennedy_role.role_id}/postulaciones"
    assert at_kennedy.get(own).status_code == 200
    never_shows_bosa(at_kennedy.get(own))

    # On Bosa's site: every staff screen, export and the API refuse.
    for path in (
        "/admin/participacion/",
        roster,
        f"{roster}lista.csv",
        f"{roster}lista.xlsx",
        api_roster,
    ):
        response = at_bosa.get(path)
        assert _refused(response), (path, response.status_code)
        never_shows_bosa(response)
    # Acting there: a rejection and a draw are refused and change nothing.
    for data in (
        {
            "decision": "reject",
            "application": bosa_application.application_id,
            "reason": "Sin cupo",
        },
        {"seed": "semilla"},
    ):
        assert _refused(at_bosa.post(roster, data))
    # The public role page there shows no roster to her either.
    never_shows_bosa(at_bosa.get(f"/participacion/roles/{bosa_role.role_id}/"))

    # Bosa's ids typed into Kennedy's addresses reach Kennedy's data only.
    for path in (roster, f"{roster}lista.csv", api_roster, "/admin/participacion/"):
        never_shows_bosa(at_kennedy.get(path))
    at_kennedy.post(
        roster,
        {
            "decision": "reject",
            "application": bosa_application.application_id,
            "reason": "Sin cupo",
        },
    )
    with tenants_api.in_locality(BOSA):
        [still] = api.list_applications(bosa_role.role_id)
    assert still.status == api.ApplicationStatus.SELECTED and still.reason == ""
