"""Open data out: projects and published reports as CSV, JSON and a read-only REST
API, public on each locality's host; only published reports, the redacted text,
no personal data, and nothing of one locality on another's host."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from monitoring import api
from tenants import api as tenants_api

from .conftest import file_report, jpeg_with_gps, kennedy_project


@pytest.fixture
def published(town_a, town_b, make_veedor, make_person):
    """In Kennedy: one published report with a photo, one waiting, one returned.
    In Bosa: a project of its own with the same code."""
    veedora = make_veedor(
        town_a, first_name="Marcela", last_name="Quintero", email="mq@example.org"
    )
    reviewer = make_person(first_name="Revisora")
    with tenants_api.in_locality(town_a):
        project = kennedy_project("PP-001", name="Parque Kennedy Patio Bonito")
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        file_report(project, veedora, observations="TEXTO-EN-REVISION")
        returned = file_report(project, veedora, observations="TEXTO-DEVUELTO")
        api.return_report(returned.report_uuid, reviewer_id=reviewer.pk, reason="Cara")
        shown = file_report(
            project,
            veedora,
            progress="10",
            observations="Marcela Quintero vio que no hay obra.",
            photos=[("obra.jpg", jpeg_with_gps())],
        )
        api.publish_report(
            shown.report_uuid,
            reviewer_id=reviewer.pk,
            public_observations="Una vecina vio que no hay obra.",
        )
        shown = api.get_report(shown.report_uuid)
    with tenants_api.in_locality(town_b):
        api.create_project(
            "PP-001",
            "Huerta comunitaria Bosa Islandia",
            line="ambiental",
            spending_concept="Agricultura urbana",
            budget=120_000_000,
            upz_code="UPZ85",
            barrio_code="004642",
        )
    connection.set_schema_to_public()
    return shown, veedora


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


PERSONAL = ("Marcela", "Quintero", "mq@example.org", "Revisora", "TEXTO-")


def test_project_downloads_have_the_documented_columns_and_the_gap(published, client_a):
    response = client_a.get("/seguimiento/datos/proyectos.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert next(csv.reader(io.StringIO(response.content.decode()))) == (
        list(api.PROJECT_COLUMNS)
    )
    [row] = _csv(response)
    assert row["codigo"] == "PP-001"
    assert row["nombre"] == "Parque Kennedy Patio Bonito"
    assert row["avance_oficial"] == "35.00"
    assert row["avance_observado"] == "10.00"
    assert row["diferencia"] == "-25.00"
    assert row["brecha"] == "true"

    [item] = client_a.get("/seguimiento/datos/proyectos.json").json()["proyectos"]
    assert tuple(item) == api.PROJECT_COLUMNS
    assert item["brecha"] is True
    assert item["presupuesto"] == "450000000.00"


def test_report_downloads_hold_only_published_redacted_reports(published, client_a):
    shown, _veedora = published
    response = client_a.get("/seguimiento/datos/reportes.csv")
    assert response.status_code == 200
    text = response.content.decode()
    for personal in PERSONAL:
        assert personal not in text
    [row] = _csv(response)
    assert tuple(row) == api.REPORT_COLUMNS
    assert row["reporte"] == shown.report_uuid
    assert row["observaciones"] == "Una vecina vio que no hay obra."
    assert row["veredicto"] == "partiallyMet"

    body = client_a.get("/seguimiento/datos/reportes.json")
    for personal in PERSONAL:
        assert personal not in body.content.decode()
    [item] = body.json()["reportes"]
    assert tuple(item) == api.REPORT_COLUMNS
    photo = f"http://kennedy.test/seguimiento/fotos/{shown.photos[0].photo_uuid}.jpg"
    assert item["fotos"] == [photo]
    assert client_a.get(photo)["Content-Type"] == "image/jpeg"


def test_the_rest_api_pages_the_same_rows(published, client_a):
    shown, _veedora = published
    projects = client_a.get("/api/seguimiento/proyectos").json()
    assert projects["count"] == 1
    assert (
        projects["items"]
        == client_a.get("/seguimiento/datos/proyectos.json").json()["proyectos"]
    )
    one = client_a.get("/api/seguimiento/proyectos/PP-001").json()
    assert one["codigo"] == "PP-001" and one["brecha"] is True
    missing = client_a.get("/api/seguimiento/proyectos/NO-EXISTE")
    assert missing.status_code == 404
    assert "código" in missing.json()["detail"]

    reports = client_a.get("/api/seguimiento/reportes?limit=1&offset=0").json()
    assert reports["count"] == 1
    assert [r["reporte"] for r in reports["items"]] == [shown.report_uuid]
    assert client_a.get("/api/seguimiento/reportes?offset=1").json()["items"] == []
    assert client_a.get("/api/seguimiento/reportes?proyecto=OTRO").json()["count"] == 0
    refused = client_a.get("/api/seguimiento/reportes?limit=5000")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "«limit» es un número entero de 1 a 500 y «offset» un número "
        "entero desde 0."
    }
    assert client_a.get("/api/seguimiento/proyectos?offset=x").status_code == 400


def test_one_locality_never_shows_on_another_host(published, client_b, client_campus):
    shown, _veedora = published
    bosa = [
        client_b.get("/seguimiento/datos/proyectos.csv").content.decode(),
        client_b.get("/seguimiento/datos/proyectos.json").content.decode(),
        client_b.get("/api/seguimiento/proyectos").content.decode(),
    ]
    for text in bosa:
        assert "Huerta comunitaria Bosa Islandia" in text
        assert "Patio Bonito" not in text
    for url in (
        "/seguimiento/datos/reportes.csv",
        "/seguimiento/datos/reportes.json",
        "/api/seguimiento/reportes",
    ):
        text = client_b.get(url).content.decode()
        assert shown.report_uuid not in text and "vecina" not in text
    assert client_b.get("/api/seguimiento/reportes").json()["count"] == 0
    for url in (
        "/seguimiento/datos/proyectos.csv",
        "/seguimiento/datos/reportes.json",
        "/api/seguimiento/proyectos",
        "/api/seguimiento/reportes",
    ):
        assert client_campus.get(url).status_code == 404


def test_the_public_page_links_the_downloads(published, client_a):
    html = client_a.get("/seguimiento/").text
    for url in (
        "/seguimiento/datos/proyectos.csv",
        "/seguimiento/datos/proyectos.json",
        "/seguimiento/datos/reportes.csv",
        "/seguimiento/datos/reportes.json",
        "/api/seguimiento/docs",
    ):
        assert f'href="{url}"' in html
    assert client_a.get("/api/seguimiento/docs").status_code == 200
