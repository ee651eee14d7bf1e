"""The permission matrix: every role, every surface, in Kennedy, Bosa and the campus.

``allowed.ALLOWED`` is the specification, written out by hand from the roles
table (lms/locality_roles/data.py, ADR 0014): for each role and surface
(``surfaces.SURFACES``), the sites where the role may use it. Every other cell
must be refused (a redirect to sign in, 403 or 404, never the page). Lists are
also checked by the rows they show. ``test_every_url.py`` fails when a page is
added without a row in the matrix.
"""

from __future__ import annotations

import pytest

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

from .allowed import ALLOWED, NONE
from .conftest import ROLE_HOMES, SCHEMAS, City
from .surfaces import SURFACES, Surface


def _is_allowed(response) -> bool:
    if response.status_code in (403, 404, 405):
        return False
    if response.status_code in (301, 302):
        target = response["Location"]
        return not ("/login" in target or "/ingresar" in target or target == "/admin/")
    return response.status_code == 200


def _request(city: City, role: str, surface: Surface, site: str):
    client = city.client(role, site)
    path = surface.path(city)
    if surface.method == "POST":
        return client.post(path, surface.data(city) if surface.data else {})
    return client.get(path)


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_each_role_reaches_exactly_its_cells(city, role):
    wrong = []
    for name, surface in SURFACES.items():
        allowed_sites = ALLOWED[role].get(name, NONE)
        for site in "KBC":
            response = _request(city, role, surface, site)
            if _is_allowed(response) != (site in allowed_sites):
                wrong.append(f"{name}@{site}: {response.status_code}")
    assert not wrong, f"{role}: {wrong}"


def test_the_matrix_names_every_role_of_the_table():
    held = {role for role, _home in ROLE_HOMES.values() if role is not None}
    assert held == set(Role)
    assert set(ALLOWED) == set(ROLE_HOMES)


@pytest.mark.parametrize("role", ["facilitator", "locality_manager", "locality_admin"])
def test_locality_staff_list_only_their_locality_people(city, role):
    page = city.client(role, "K").get("/admin/users/").text
    assert "Kelly" in page  # enrolled in Kennedy
    assert "Bruno" not in page  # enrolled only in Bosa
    assert "Platform Admin" not in page
    # Documents are masked in the list, never whole (nor as usernames).
    assert "1012345678" not in page and "••••5678" in page


def test_platform_admin_lists_everyone(city):
    page = city.client("platform_admin", "B").get("/admin/users/").text
    assert "Kelly" in page and "Bruno" in page


def test_granting_a_role_really_grants_it_and_only_there(city):
    city.client("locality_manager", "K").post(
        f"/admin/users/edit/{city.kennedy_learner.pk}/",
        {"roles": [Role.FACILITATOR.value]},
    )
    with tenants_api.in_locality(SCHEMAS["K"]):
        assert roles_api.roles_of(city.kennedy_learner.pk) == {Role.FACILITATOR}
    with tenants_api.in_locality(SCHEMAS["B"]):
        assert roles_api.roles_of(city.kennedy_learner.pk) == set()
