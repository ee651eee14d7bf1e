"""The OCDS 1.1 release package of a locality and of a project, validated
against the standard's release-package schema with jsonschema; only published
reports go out; one locality's projects only; a constant number of queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from monitoring import api, public_cache
from monitoring.models import InvestmentProject
from tenants import api as tenants_api

from .conftest import file_report, kennedy_project
from .ocds_schema import release_package_validator


@pytest.fixture(scope="module")
def validator():
    return release_package_validator()


def assert_valid(validator, package):
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(package)
    ]
    assert not errors, errors[:10]


@pytest.fixture
def watched(town_a, make_veedor, make_person):
    veedora = make_veedor(town_a)
    reviewer = make_person(first_name="Revisora")
    with tenants_api.in_locality(town_a):
        project = kennedy_project(
            secop_contract_id="CO1.PCCNTR.5551234",
            secop_url="https://community.secop.gov.co/Public/Tendering/x",
            ocid="ocds-k50g02-CO1.REQ.5550001",
            starts_on="2026-02-01",
            ends_on="2026-12-15",
            progress_as_of="2026-10-31",
        )
        InvestmentProject.objects.filter(code=project.code).update(
            official_timeline=[
                {"date": "2026-03-01", "title": "Acta de inicio", "description": ""},
                {"date": "2026-06-15", "title": "Cerramiento", "description": "Listo"},
            ]
        )
        kennedy_project("KEN-2025-002", name="Salón comunal Timiza")
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        published = file_report(project, veedora, progress="20", verdict="notMet")
        api.publish_report(
            published.report_uuid,
            reviewer_id=reviewer.pk,
            public_observations="Solo hay cerramiento.",
        )
        pending = file_report(project, veedora, progress="90")
    connection.set_schema_to_public()
    return project, published, pending


def test_the_locality_package_is_valid_ocds_with_milestones_and_documents(
    watched, client_a, validator
):
    _project, published, pending = watched
    response = client_a.get("/seguimiento/datos/ocds.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    assert_valid(validator, package)
    assert package["version"] == "1.1"
    assert package["uri"] == "http://kennedy.test/seguimiento/datos/ocds.json"
    assert [r["ocid"] for r in package["releases"]] == [
        "ocds-k50g02-CO1.REQ.5550001",
        "ocds-bogfdl-kennedy-KEN-2025-002",  # no SECOP process yet: our prefix
    ]
    release = package["releases"][0]
    assert release["tag"] == ["implementation"]
    assert release["buyer"]["name"] == "Fondo de Desarrollo Local de Kennedy"
    assert release["planning"]["budget"]["amount"] == {
        "amount": 450_000_000,
        "currency": "COP",
    }
    (contract,) = release["contracts"]
    assert contract["id"] == "CO1.PCCNTR.5551234"
    assert contract["awardID"] == release["awards"][0]["id"]
    assert contract["status"] == "active"
    milestones = contract["implementation"]["milestones"]
    assert [m["title"] for m in milestones] == [
        "Acta de inicio",
        "Cerramiento",
        "Avance oficial: 35 %",
        "Reporte ciudadano: avance observado 20 %",
    ]
    report = milestones[-1]
    assert report["status"] == "notMet" and report["type"] == "assessment"
    assert report["description"] == "Solo hay cerramiento."
    (document,) = contract["implementation"]["documents"]
    assert document["documentType"] == "physicalProgressReport"
    assert document["url"] == (
        f"http://kennedy.test/seguimiento/reportes/{published.report_uuid}/"
    )
    text = response.content.decode()
    assert pending.report_uuid not in text  # not reviewed: not public
    assert "La obra avanza despacio." not in text  # the author's own text


def test_a_project_package_and_an_unknown_code(watched, client_a, validator):
    project, _published, _pending = watched
    response = client_a.get(f"/seguimiento/datos/ocds/{project.code}.json")
    package = json.loads(response.content)
    assert_valid(validator, package)
    assert [r["ocid"] for r in package["releases"]] == ["ocds-k50g02-CO1.REQ.5550001"]
    assert client_a.get("/seguimiento/datos/ocds/NO-EXISTE.json").status_code == 404


def test_bad_data_would_be_caught_by_the_validator(watched, client_a, validator):
    """The check can fail: a verdict outside milestoneStatus is refused."""
    package = json.loads(client_a.get("/seguimiento/datos/ocds.json").content)
    milestone = package["releases"][0]["contracts"][0]["implementation"]["milestones"]
    milestone[-1]["status"] = "cumplido"
    assert not validator.is_valid(package)
    del package["releases"][0]["ocid"]
    assert any("ocid" in e.message for e in validator.iter_errors(package))


def test_each_locality_exports_its_own_and_the_campus_none(two_localities, client_b):
    bosa = json.loads(client_b.get("/seguimiento/datos/ocds.json").content)
    assert [r["planning"]["budget"]["project"] for r in bosa["releases"]] == [
        "Huerta comunitaria Bosa Islandia"
    ]
    from django.test import Client

    assert (
        Client(HTTP_HOST="campus.test").get("/seguimiento/datos/ocds.json").status_code
        == 404
    )


def test_the_export_takes_the_same_queries_for_2_or_30_projects(
    watched, client_a, django_assert_max_num_queries, town_a
):
    client_a.get("/seguimiento/datos/ocds.json")  # warm the site caches
    with tenants_api.in_locality(town_a):
        public_cache.bump()  # measure the export itself, not the kept copy
    with django_assert_max_num_queries(6) as few:
        client_a.get("/seguimiento/datos/ocds.json")
    with tenants_api.in_locality(town_a):
        for n in range(3, 31):
            kennedy_project(f"KEN-2025-{n:03d}", name=f"Obra {n}")
    connection.set_schema_to_public()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get("/seguimiento/datos/ocds.json")
    assert len(json.loads(response.content)["releases"]) == 30
