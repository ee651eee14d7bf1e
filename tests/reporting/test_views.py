"""Dashboard pages and downloads: access per locality, suppression in exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from lms.locality_roles.api import Role, grant_role
from reporting import api
from tenants import api as tenants_api


def _with_role(make_person, schema, role):
    person = make_person()
    with tenants_api.in_locality(schema):
        # The role's dashboard permission comes from the one role table
        # (lms.locality_roles.data.ROLE_PERMISSIONS), applied on provisioning.
        grant_role(person.pk, role)
    return person


@pytest.fixture
def manager_a(make_person, town_a):
    return _with_role(make_person, town_a, Role.LOCALITY_MANAGER)


@pytest.fixture
def program_manager(make_person, campus):
    return _with_role(make_person, campus, Role.PROGRAM_MANAGER)


def _login(client, person, schema):
    """Sessions are per locality: sign in inside the host's schema."""
    with tenants_api.in_locality(schema):
        client.force_login(person)


def _seed(events, town_a, town_b):
    genders = ["Mujer"] * 8 + ["Hombre"] * 6 + ["Otro"] * 2
    for user, gender in enumerate(genders, start=500):
        api.record_person_profile(user, gender=gender)
        events.enroll(town_a, user, "datos-abiertos")
    events.enroll(town_b, 999, "solo-bosa")


def test_locality_manager_sees_only_their_locality(
    events, client_a, client_b, manager_a, town_a, town_b
):
    _seed(events, town_a, town_b)
    _login(client_a, manager_a, town_a)
    page = client_a.get("/tablero/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "datos-abiertos" in html and "solo-bosa" not in html
    assert "<svg" in html and "Ver el embudo como tabla" in html
    # The same person has no role in Bosa: nothing of Bosa is shown.
    _login(client_b, manager_a, town_b)
    denied = client_b.get("/tablero/")
    assert denied.status_code == 403
    assert "no tiene permiso" in denied.content.decode()
    assert client_b.get("/tablero/exportar.csv").status_code == 403
    # Nor the city dashboard, nor another locality through a path.
    assert client_a.get(f"/tablero/localidad/{town_b}/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client_a, db):
    response = client_a.get("/tablero/")
    assert response.status_code == 302 and "/cuenta/ingresar/" in response["Location"]


def test_city_dashboard_for_program_managers_only(
    events, client_campus, program_manager, manager_a, town_a, town_b
):
    _seed(events, town_a, town_b)
    _login(client_campus, manager_a, "campus")  # a locality role grants nothing here
    assert client_campus.get("/tablero/").status_code == 403
    _login(client_campus, program_manager, "campus")
    html = client_campus.get("/tablero/").content.decode()
    assert "Tablero · Bogotá" in html
    assert "Kennedy" in html and "Bosa" in html
    # The test localities have no official code, so no tile has a place: the
    # map is left out rather than drawn as an empty box.
    assert "Mapa de mosaicos" not in html
    assert client_campus.get(f"/tablero/localidad/{town_b}/").status_code == 200


def test_exports_suppress_small_cells(
    events, client_campus, program_manager, town_a, town_b
):
    _seed(events, town_a, town_b)
    _login(client_campus, program_manager, "campus")
    body = client_campus.get("/tablero/exportar.csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    gender = {r[1]: r[2] for r in rows if r and r[0] == "Género"}
    # 8 women, 6 men, 2 others, 1 without an answer (Bosa): 2 and 1 are hidden
    # (two hidden cells: neither can be recovered from the total).
    assert gender["Mujer"] == "8" and gender["Hombre"] == "6"
    assert gender["Otro"] == "<5" and gender["Sin dato"] == "<5"
    book = load_workbook(
        io.BytesIO(client_campus.get("/tablero/exportar.xlsx").content)
    )
    sheet = book["Enfoque diferencial"]
    values = {r[1]: r[2] for r in sheet.iter_rows(values_only=True) if r[0] == "Género"}
    assert values == {"Mujer": 8, "Hombre": 6, "Otro": "<5", "Sin dato": "<5"}
    page = client_campus.get("/tablero/").content.decode()
    assert "&lt;5" in page


def test_bad_target_shows_a_spanish_message(client_campus, program_manager):
    _login(client_campus, program_manager, "campus")
    response = client_campus.post(
        "/tablero/metas/", {"personas": "0", "localidad": ""}, follow=True
    )
    assert "mayor que cero" in response.content.decode()
    response = client_campus.post(
        "/tablero/metas/", {"personas": "40000", "fecha": "2001-01-01"}, follow=True
    )
    assert "ya pasó" in response.content.decode()
    assert api.get_target().is_default
