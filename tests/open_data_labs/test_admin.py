"""Staff screens in the Wagtail admin: who may use them, and that they work.

The permission matrix (tests/access/test_matrix.py) checks the list and the
new-dataset form per role and site; here every other screen is checked for a
role without the permission, and each one is used once by a locality manager.
"""

from __future__ import annotations

import io

import pytest
import requests
import responses
from django.test import Client

from lms.locality_roles.api import Role, grant_role
from open_data_labs import api

from .conftest import upload

WIDE = ",KENNEDY,BOSA,SUBA\nNulos,1,2,3\nValidos,10,20,30\n"


@pytest.fixture
def manager(in_town_a, make_person):
    person = make_person(first_name="Gestora")
    grant_role(person.pk, Role.LOCALITY_MANAGER)
    client = Client(HTTP_HOST="kennedy.test")
    client.force_login(person)
    return client


@pytest.fixture
def facilitator(in_town_a, make_person):
    person = make_person(first_name="Facilitador")
    grant_role(person.pk, Role.FACILITATOR)
    client = Client(HTTP_HOST="kennedy.test")
    client.force_login(person)
    return client


@pytest.fixture
def wide(dataset):
    upload(dataset.key, WIDE)
    return dataset.key


SCREENS = [
    "/admin/datos/",
    "/admin/datos/nuevo/",
    "/admin/datos/{key}/",
    "/admin/datos/{key}/subir/",
    "/admin/datos/{key}/importar/",
    "/admin/datos/{key}/v1/voltear/",
    "/admin/datos/{key}/v1/tipo/",
]


@pytest.mark.parametrize("screen", SCREENS)
def test_a_facilitator_cannot_use_any_screen(screen, facilitator, wide):
    response = facilitator.get(screen.format(key=wide))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("screen", SCREENS)
def test_an_anonymous_visitor_is_sent_to_sign_in(screen, wide, client_a):
    response = client_a.get(screen.format(key=wide))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("screen", SCREENS)
def test_a_locality_manager_opens_every_screen(screen, manager, wide):
    response = manager.get(screen.format(key=wide))
    assert response.status_code == 200
    # One h1 per screen (axe's page-has-heading-one): Wagtail's header prints
    # bare text instead of its h1 when the template's title is named «heading».
    assert response.text.count("<h1") == 1


def test_create_dataset_with_its_first_file(manager):
    first = io.BytesIO(b"lugar;votos\nKennedy;10\n")
    first.name = "votos.csv"
    response = manager.post(
        "/admin/datos/nuevo/",
        {"title": "Votos por localidad", "licence": "CC BY-SA 4.0", "file": first},
    )
    assert response.status_code == 302
    assert api.get_snapshot("votos-por-localidad", 1).row_count == 1


def test_a_refused_first_file_creates_no_dataset(manager):
    upload_file = io.BytesIO(b"a;b\n1;2;3\n")
    upload_file.name = "malo.csv"
    response = manager.post(
        "/admin/datos/nuevo/", {"title": "Malo", "file": upload_file}
    )
    assert response.status_code == 200
    assert "más valores que columnas" in response.text
    assert api.list_datasets() == []


def test_oversized_upload_is_refused_before_reading(manager, dataset, settings):
    settings.OPEN_DATA_MAX_UPLOAD_BYTES = 100
    big = io.BytesIO(b"a;b\n" + b"1;2\n" * 100)
    big.name = "grande.csv"
    response = manager.post(f"/admin/datos/{dataset.key}/subir/", {"file": big})
    assert response.status_code == 200
    assert "el máximo es" in response.text
    assert api.list_snapshots(dataset.key) == []


def test_upload_a_new_version(manager, wide):
    new = io.BytesIO(b"lugar;votos\nKennedy;10\n")
    new.name = "nueva.csv"
    response = manager.post(f"/admin/datos/{wide}/subir/", {"file": new})
    assert response.status_code == 302
    assert response["Location"] == f"/datos/{wide}/v2/"


def test_turn_the_table_preview_then_confirm(manager, wide):
    page = manager.get(f"/admin/datos/{wide}/v1/voltear/")
    assert "tabla ancha" in page.text
    form = {
        "id_columns": ["columna_1"],
        "value_columns": ["KENNEDY", "BOSA", "SUBA"],
        "names_to": "lugar",
        "values_to": "votos",
    }
    preview = manager.post(f"/admin/datos/{wide}/v1/voltear/", form)
    assert "Así quedaría (6 filas" in preview.text
    assert len(api.list_snapshots(wide)) == 1
    saved = manager.post(f"/admin/datos/{wide}/v1/voltear/", {**form, "confirm": "1"})
    assert saved.status_code == 302
    assert api.get_snapshot(wide, 2).row_count == 6


def test_correct_a_type(manager, wide):
    response = manager.post(
        f"/admin/datos/{wide}/v1/tipo/", {"column": "KENNEDY", "new_type": "texto"}
    )
    assert response.status_code == 302
    assert api.get_snapshot(wide, 2).columns[1].type.value == "texto"


def test_import_from_a_portal_that_is_down(manager, wide):
    with responses.RequestsMock() as portal:
        portal.get(
            "https://www.datos.gov.co/api/views/abcd-1234.json",
            body=requests.ConnectionError("caído"),
        )
        response = manager.post(
            f"/admin/datos/{wide}/importar/",
            {"portal": "socrata", "identifier": "abcd-1234"},
        )
    assert response.status_code == 200
    assert "No se pudo conectar" in response.text
    assert len(api.list_snapshots(wide)) == 1
