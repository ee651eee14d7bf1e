"""A veedor's pages and the public page with reports: no JavaScript needed, only
published reports shown, nothing of one locality readable from another."""

from __future__ import annotations

import pytest
from django.db import connection

from monitoring import api
from monitoring.models import CitizenReport
from tenants import api as tenants_api

from .conftest import answers_for, file_report, jpeg_with_gps, kennedy_project


@pytest.fixture
def site(town_a, make_veedor, make_person, client_a):
    """A Kennedy project with a veedora signed in on Kennedy's site."""
    veedora = make_veedor(town_a)
    reviewer = make_person(first_name="Revisora")
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        client_a.force_login(veedora)
    connection.set_schema_to_public()
    return project, veedora, reviewer


def _form(project, key, **changes):
    data = {
        "idempotency_key": key,
        "observed_progress": "12,5",
        "verdict": "notMet",
        "observations": "Solo hay cerramiento, sin obra.",
        **{f"check_{k}": v for k, v in answers_for(project.line).items()},
    }
    data.update(changes)
    return data


def test_the_form_works_without_javascript_and_stores_a_retry_once(site, client_a):
    project, _veedora, _ = site
    page = client_a.get(f"/seguimiento/proyectos/{project.code}/reportar/")
    assert page.status_code == 200
    html = page.text
    assert 'enctype="multipart/form-data"' in html
    assert "Enfoque de género" in html and "Enfoque diferencial" in html
    assert "¿La obra está señalizada" in html  # the infrastructure line's own
    assert 'src="/static/monitoring/report-draft.js"' in html  # no inline code
    key = page.context["key"]

    photo = ("obra.jpg", jpeg_with_gps(), "image/jpeg")
    from django.core.files.uploadedfile import SimpleUploadedFile

    for _attempt in range(2):
        sent = client_a.post(
            f"/seguimiento/proyectos/{project.code}/reportar/",
            {**_form(project, key), "photos": SimpleUploadedFile(*photo)},
        )
        assert sent.status_code == 302
    with tenants_api.in_locality("test_kennedy"):
        assert CitizenReport.objects.count() == 1
        report = CitizenReport.objects.get()
        assert report.photos.count() == 1
    receipt = client_a.get(sent["Location"]).text
    assert "Enviado, en revisión" in receipt and "12,5 %" in receipt


def test_bad_input_comes_back_in_spanish_beside_each_field(site, client_a):
    project, _, _ = site
    key = api.new_idempotency_key()
    page = client_a.post(
        f"/seguimiento/proyectos/{project.code}/reportar/",
        _form(project, key, observed_progress="101", check_enfoque_genero=""),
    )
    assert page.status_code == 400
    assert "debe estar entre 0 y 100" in page.text
    assert "Responda: Enfoque de género" in page.text
    assert f'value="{key}"' in page.text  # the same submission when resent


def test_a_person_not_assigned_cannot_report(site, make_person, client_a, client_b):
    project, _, _ = site
    neighbour = make_person()
    with tenants_api.in_locality("test_kennedy"):
        client_a.force_login(neighbour)
    connection.set_schema_to_public()
    url = f"/seguimiento/proyectos/{project.code}/reportar/"
    refused = client_a.post(url, _form(project, api.new_idempotency_key()))
    assert refused.status_code == 403
    assert "no le está asignado" in refused.text
    with tenants_api.in_locality("test_kennedy"):
        assert CitizenReport.objects.count() == 0
    # Anonymous: to sign in.
    assert client_b.get(url).status_code in (302, 404)


def test_the_public_page_shows_only_published_reports(site, client_a):
    project, veedora, reviewer = site
    with tenants_api.in_locality("test_kennedy"):
        waiting = file_report(project, veedora, observations="TEXTO-EN-REVISION")
        returned = file_report(project, veedora, observations="TEXTO-DEVUELTO")
        api.return_report(returned.report_uuid, reviewer_id=reviewer.pk, reason="Cara")
        shown = file_report(
            project,
            veedora,
            progress="10",
            observations="Juan Pérez dijo que no hay obra.",
            photos=[("obra.jpg", jpeg_with_gps())],
        )
        api.publish_report(
            shown.report_uuid,
            reviewer_id=reviewer.pk,
            public_observations="Un vecino dijo que no hay obra.",
        )
        shown = api.get_report(shown.report_uuid)
    connection.set_schema_to_public()
    anonymous = type(client_a)(HTTP_HOST="kennedy.test")

    html = anonymous.get(f"/seguimiento/proyectos/{project.code}/").text

    assert "Un vecino dijo que no hay obra." in html
    assert "Juan Pérez" not in html  # the redacted original never shows
    assert "TEXTO-EN-REVISION" not in html and "TEXTO-DEVUELTO" not in html
    assert "Brecha" in html and "25 puntos menos" in html  # 35 official, 10 seen
    assert "<script" not in html
    photo_url = f"/seguimiento/fotos/{shown.photos[0].photo_uuid}.jpg"
    assert photo_url in html
    assert anonymous.get(photo_url)["Content-Type"] == "image/jpeg"
    # Unpublished reports and their pages are not public.
    assert (
        anonymous.get(f"/seguimiento/reportes/{waiting.report_uuid}/").status_code
        == 404
    )
    assert (
        anonymous.get(f"/seguimiento/reportes/{returned.report_uuid}/").status_code
        == 404
    )
    listing = anonymous.get("/seguimiento/").text
    assert "Brecha" in listing


def test_unpublished_photos_are_for_the_author_and_reviewers_only(
    site, client_a, make_person
):
    project, veedora, _ = site
    with tenants_api.in_locality("test_kennedy"):
        report = file_report(project, veedora, photos=[("obra.jpg", jpeg_with_gps())])
    connection.set_schema_to_public()
    url = f"/seguimiento/fotos/{report.photos[0].photo_uuid}.jpg"
    assert client_a.get(url).status_code == 200  # the author
    assert client_a.get(url)["Cache-Control"] == "private, no-store"
    anonymous = type(client_a)(HTTP_HOST="kennedy.test")
    assert anonymous.get(url).status_code == 404


def test_nothing_of_kennedy_is_reachable_from_bosa(site, client_b, client_a):
    project, veedora, reviewer = site
    with tenants_api.in_locality("test_kennedy"):
        report = file_report(project, veedora, photos=[("obra.jpg", jpeg_with_gps())])
        api.publish_report(report.report_uuid, reviewer_id=reviewer.pk)
    connection.set_schema_to_public()
    photo = f"/seguimiento/fotos/{report.photos[0].photo_uuid}.jpg"
    assert client_a.get(photo).status_code == 200
    assert client_b.get(photo).status_code == 404
    assert (
        client_b.get(f"/seguimiento/reportes/{report.report_uuid}/").status_code == 404
    )
    assert "avance observado" not in client_b.get("/seguimiento/").text
    with tenants_api.in_locality("test_bosa"):
        client_b.force_login(veedora)
    connection.set_schema_to_public()
    # The veedora signed in on Bosa has nothing to report there.
    assert (
        client_b.get(f"/seguimiento/proyectos/{project.code}/reportar/").status_code
        == 404
    )
    with tenants_api.in_locality("test_bosa"):
        assert api.reports_to_review() == []
        assert api.assignments_of(veedora.pk) == []


def test_my_projects_lists_the_assignments_and_own_reports(site, client_a):
    project, veedora, reviewer = site
    with tenants_api.in_locality("test_kennedy"):
        report = file_report(project, veedora)
        api.return_report(
            report.report_uuid, reviewer_id=reviewer.pk, reason="Falta una foto."
        )
    connection.set_schema_to_public()
    html = client_a.get("/seguimiento/mis-proyectos/").text
    assert "Parque Ciudad de Cali" in html
    assert f"/seguimiento/proyectos/{project.code}/reportar/" in html
    assert "Devuelto" in html and "Falta una foto." in html


def test_a_veedor_finds_their_projects_from_the_roles_page(site, client_a):
    project, _veedora, _ = site
    roles = client_a.get("/participacion/").text
    link = 'href="/seguimiento/mis-proyectos/"'
    assert link in roles and "Seguimiento ciudadano: mis proyectos" in roles
    mine = client_a.get("/seguimiento/mis-proyectos/").text
    assert project.name in mine and "Hacer un reporte de visita" in mine

    client_a.logout()
    assert link not in client_a.get("/participacion/").text  # visitors: no link
