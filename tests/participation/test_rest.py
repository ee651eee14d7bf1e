"""The REST API of civic roles: roles and one's standing for anyone signed in,
rosters for the locality's selectors only."""

from __future__ import annotations

from django.test import Client

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

from .conftest import apply


def _client(user, host="kennedy.test", schema="test_kennedy") -> Client:
    client = Client(HTTP_HOST=host)
    with tenants_api.in_locality(schema):
        client.force_login(user)
    return client


def test_a_person_reads_the_roles_and_their_standing(make_role, person):
    role = make_role()
    client = _client(person(certified=False))
    [listed] = client.get("/api/participacion/roles").json()
    assert listed["role_id"] == role.role_id and listed["required_courses"] == ["pp"]
    standing = client.get(
        f"/api/participacion/roles/{role.role_id}/habilitacion"
    ).json()
    assert standing["verdict"] == "faltan_requisitos"
    assert any(not rule["is_met"] for rule in standing["rules"])
    schema = client.get("/api/participacion/openapi.json").json()
    assert "/api/participacion/roles/{role_id}/postulaciones" in schema["paths"]


def test_rosters_are_for_the_locality_selectors(make_role, person, make_person):
    role = make_role()
    applicant = person()
    apply(applicant, role)
    learner = _client(applicant)
    url = f"/api/participacion/roles/{role.role_id}/postulaciones"
    assert learner.get(url).status_code == 403
    manager = make_person()
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
    [row] = _client(manager).get(url).json()
    assert row["user_id"] == applicant.pk and row["document"].startswith("CC ••••")
    # A Bosa manager reaches no Kennedy roster, even with the role there.
    with tenants_api.in_locality("test_bosa"):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
    assert _client(manager, "bosa.test", "test_bosa").get(url).status_code == 404
    assert Client(HTTP_HOST="kennedy.test").get(url).status_code == 401
