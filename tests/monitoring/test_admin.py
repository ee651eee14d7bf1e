"""Staff screens: the projects viewset, the import and the official sources.

Who may do what comes from ROLE_POLICY (the access matrix in tests/access/
checks every role and site); these tests check what the screens do.
"""

from __future__ import annotations

import responses
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.locality_roles.data import Role
from monitoring import api
from tenants import api as tenants_api
from tests.assertions import assert_refused_by_admin

from .conftest import kennedy_project

HOST = {"test_kennedy": "kennedy.test", "test_bosa": "bosa.test"}
FORM = {
    "code": "KEN-ADM-1",
    "name": "Salón comunal Timiza",
    "line": "infraestructura",
    "spending_concept": "Dotación de salones comunales",
    "budget": "95000000",
    "upz_code": "UPZ48",
    "barrio_code": "",
    "status": "por_iniciar",
    "status_label": "",
    "progress": "",
    "progress_source": "alcaldia_local",
    "progress_as_of": "",
    "secop_contract_id": "",
    "secop_url": "",
    "ocid": "",
    "gab_proposal": "",
    "decidim_result_id": "",
}


def test_a_manager_creates_a_project_checked_against_the_locality(staff, town_a):
    client = staff(Role.LOCALITY_MANAGER)

    wrong = client.post(
        "/admin/seguimiento/proyectos/new/", {**FORM, "upz_code": "UPZ85"}
    )
    assert wrong.status_code == 200
    assert "La UPZ UPZ85 es de Bosa, no de Kennedy" in wrong.text

    bad_barrio = {**FORM, "barrio_code": "004607"}  # Patio Bonito's, not Timiza's
    assert (
        "está en la UPZ82, no en la UPZ48"
        in client.post("/admin/seguimiento/proyectos/new/", bad_barrio).text
    )

    done = client.post("/admin/seguimiento/proyectos/new/", FORM)
    assert done.status_code == 302
    with tenants_api.in_locality(town_a):
        assert api.get_project("KEN-ADM-1").upz_name == "Timiza"
    with tenants_api.in_locality("test_bosa"):
        assert api.get_project("KEN-ADM-1") is None


def test_the_admin_list_shows_only_the_locality_projects(staff, two_localities):
    kennedy_list = staff(Role.LOCALITY_MANAGER).get("/admin/seguimiento/proyectos/")
    assert "Parque Kennedy Patio Bonito" in kennedy_list.text
    assert "Bosa Islandia" not in kennedy_list.text
    bosa_list = staff(Role.LOCALITY_MANAGER, "test_bosa").get(
        "/admin/seguimiento/proyectos/"
    )
    assert "Bosa Islandia" in bosa_list.text
    assert "Patio Bonito" not in bosa_list.text


def test_a_facilitator_sees_projects_but_cannot_add_or_import(staff, in_town_a):
    kennedy_project()
    client = staff(Role.FACILITATOR)
    assert "Parque Ciudad de Cali" in client.get("/admin/seguimiento/proyectos/").text
    assert_refused_by_admin(client.get("/admin/seguimiento/proyectos/new/"))
    assert_refused_by_admin(client.get("/admin/seguimiento/importar/"))


def test_an_import_through_the_admin_with_its_rejected_rows(staff, town_a):
    client = staff(Role.ADMINISTRATOR)
    content = (
        "codigo;nombre;linea;concepto_gasto;presupuesto;upz\n"
        "K-1;Feria Timiza;3;Ferias;$ 12.500.000,00;UPZ48\n"
        "K-2;Vía rural;5;Malla vial;1.000;UPZ85\n"
    ).encode()
    preview = client.post(
        "/admin/seguimiento/importar/",
        {"action": "preview", "file": SimpleUploadedFile("p.csv", content)},
    )
    assert "Filas listas para importar: 1" in preview.text
    assert "La UPZ UPZ85 es de Bosa" in preview.text
    token = preview.context["token"]

    done = client.post(
        "/admin/seguimiento/importar/", {"action": "import", "token": token}
    )
    assert "Proyectos nuevos: 1. Filas rechazadas: 1." in done.text
    rejected = client.get(f"/admin/seguimiento/importar/{token}/rechazadas.csv")
    text = rejected.content.decode("utf-8-sig")
    assert "K-2" in text and "K-1" not in text  # only the refused row, after import
    with tenants_api.in_locality(town_a):
        assert api.get_project("K-1").name == "Feria Timiza"
    # Another locality's session cannot fetch Kennedy's upload by its token.
    bosa = staff(Role.ADMINISTRATOR, "test_bosa")
    assert (
        bosa.get(f"/admin/seguimiento/importar/{token}/rechazadas.csv").status_code
        == 404
    )


def test_staff_see_a_failing_source_and_its_error(staff, in_town_a):
    kennedy_project()
    api.configure_decidim("https://decidim.example.org/api", "14")
    client = staff(Role.LOCALITY_MANAGER)
    with responses.RequestsMock() as http:
        http.add(responses.POST, "https://decidim.example.org/api", body="<html>")
        refreshed = client.post(
            "/admin/seguimiento/fuentes/", {"action": "refresh"}, follow=True
        )
    assert "no es JSON válido" in refreshed.text
    page = client.get("/admin/seguimiento/fuentes/").text
    assert "no es JSON válido" in page and "nunca" in page

    saved = client.post(
        "/admin/seguimiento/fuentes/",
        {
            "action": "save",
            "endpoint": "https://otro.example.org/api",
            "component_id": "x",
        },
    )
    assert "es un número" in saved.text
