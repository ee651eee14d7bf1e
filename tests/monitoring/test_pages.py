"""Public pages: no sign-in, no JavaScript, one locality's projects only."""

from __future__ import annotations

from django.db import connection

from monitoring import api
from tenants import api as tenants_api

from .conftest import kennedy_project


def test_the_list_shows_official_progress_with_source_and_date(client_a, in_town_a):
    kennedy_project(progress="35,5", progress_as_of="2025-03-15")
    kennedy_project(
        "KEN-2025-002", name="Huerta El Tintal", line="ambiental", progress=""
    )
    connection.set_schema_to_public()

    page = client_a.get("/seguimiento/")

    assert page.status_code == 200
    html = page.text
    assert "Parque Ciudad de Cali" in html and "Huerta El Tintal" in html
    # Official and observed progress side by side; nobody has reported yet.
    assert '<p class="figure">35,5 %</p>' in html
    assert "Avance observado (veeduría)" in html
    assert "Aún sin reportes ciudadanos publicados." in html
    assert "Fuente: Alcaldía Local, 15 de marzo de 2025." in html
    assert "Aún sin avance oficial publicado." in html
    assert "$ 450.000.000" in html
    assert "UPZ Patio Bonito" in html
    assert "<script" not in html  # readable without JavaScript
    assert 'name="viewport"' in html  # the site's phone-first base template


def test_filters_by_line_and_status_with_a_plain_form(client_a, in_town_a):
    kennedy_project("K-1", name="Parque uno", line="infraestructura")
    kennedy_project("K-2", name="Huerta dos", line="ambiental", status="terminado")
    connection.set_schema_to_public()

    html = client_a.get("/seguimiento/?linea=ambiental&estado=terminado").text

    assert "Huerta dos" in html and "Parque uno" not in html
    assert '<option value="ambiental" selected>' in html
    assert '<form method="get"' in html
    assert (
        "No hay proyectos con esos filtros."
        in client_a.get("/seguimiento/?linea=ruralidad").text
    )


def test_the_detail_page_shows_the_project_and_its_links(client_a, in_town_a):
    kennedy_project(
        secop_contract_id="CO1.PCCNTR.5123456",
        secop_url="https://community.secop.gov.co/Public/Tendering/x",
        ocid="ocds-k4l4d1-CO1.BDOS.4987654",
        gab_proposal="GAB-2025-KEN-0042",
    )
    connection.set_schema_to_public()

    html = client_a.get("/seguimiento/proyectos/KEN-2025-001/").text

    assert "Parque Ciudad de Cali" in html
    assert "CO1.PCCNTR.5123456" in html and "ocds-k4l4d1-CO1.BDOS.4987654" in html
    assert "GAB-2025-KEN-0042" in html
    assert "Ciudad de Cali (004607)" in html
    assert client_a.get("/seguimiento/proyectos/NO-EXISTE/").status_code == 404


def test_a_kennedy_project_never_shows_on_bosa_pages(
    two_localities, client_a, client_b
):
    kennedy_page = client_a.get("/seguimiento/").text
    bosa_page = client_b.get("/seguimiento/").text
    assert "Parque Kennedy Patio Bonito" in kennedy_page
    assert "Parque Kennedy Patio Bonito" not in bosa_page
    assert "Huerta comunitaria Bosa Islandia" in bosa_page
    assert "Huerta comunitaria Bosa Islandia" not in kennedy_page
    # The same code names each locality's own project.
    assert "Bosa Islandia" in client_b.get("/seguimiento/proyectos/PP-001/").text
    assert "Patio Bonito" in client_a.get("/seguimiento/proyectos/PP-001/").text


def test_the_campus_has_no_monitoring_page(client_campus, campus):
    assert client_campus.get("/seguimiento/").status_code == 404


def test_the_list_page_costs_a_bounded_number_of_queries(
    client_a, town_a, django_assert_max_num_queries
):
    with tenants_api.in_locality(town_a):
        for n in range(30):
            kennedy_project(f"K-{n:02d}", line=list(api.InvestmentLine)[n % 5])
    client_a.get("/seguimiento/")  # warm the locality lookups
    with django_assert_max_num_queries(4):
        page = client_a.get("/seguimiento/")
    assert page.text.count('class="card"') == 30
