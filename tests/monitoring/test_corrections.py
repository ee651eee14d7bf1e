"""A returned report corrected by its author and sent again, with its history;
and open-data lab results attached as evidence (read through open_data_labs.api)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from monitoring import api
from monitoring.models import CitizenReport, ReportRevision
from open_data_labs import api as labs_api
from tenants import api as tenants_api

from .conftest import answers_for, file_report, jpeg_with_gps, kennedy_project


@pytest.fixture(autouse=True)
def lab_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPEN_DATA_CACHE_DIR = tmp_path / "cache"


@pytest.fixture
def site(town_a, make_veedor, make_person, client_a):
    veedora = make_veedor(town_a)
    reviewer = make_person(first_name="Revisora")
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        client_a.force_login(veedora)
    connection.set_schema_to_public()
    return project, veedora, reviewer


@pytest.fixture
def lab_url(town_a):
    """A shared builder address on a small Kennedy dataset: contracts by UPZ."""
    with tenants_api.in_locality(town_a):
        dataset = labs_api.create_dataset(
            "Contratos del FDL",
            description="Contratos de la Alcaldía Local.",
            licence="CC BY-SA 4.0",
            source_url="https://datosabiertos.bogota.gov.co/dataset/contratos",
            publisher="Alcaldía Local de Kennedy",
        )
        labs_api.upload_snapshot(
            dataset.key,
            b"upz,valor\nUPZ82,100\nUPZ82,250\nUPZ80,40\n",
            filename="contratos.csv",
        )
    connection.set_schema_to_public()
    return (
        f"https://kennedy.test/datos/{dataset.key}/v1/laboratorio/"
        "?g=upz&m=sumar&mc=valor&o=__medida__&od=desc"
    )


def _form(project, **changes):
    data = {
        "observed_progress": "30",
        "verdict": "partiallyMet",
        "observations": "Ya hay juegos instalados.",
        **{f"check_{k}": v for k, v in answers_for(project.line).items()},
    }
    data.update(changes)
    return data


def test_the_author_corrects_a_returned_report_and_the_history_stays(
    site, town_a, client_a
):
    project, veedora, reviewer = site
    with tenants_api.in_locality(town_a):
        report = file_report(
            project, veedora, photos=[("a.jpg", jpeg_with_gps())], progress="20"
        )
        api.return_report(
            report.report_uuid, reviewer_id=reviewer.pk, reason="Se ve una cara."
        )
    url = f"/seguimiento/reportes/{report.report_uuid}/corregir/"
    detail = client_a.get(f"/seguimiento/reportes/{report.report_uuid}/").text
    assert "Corregir y reenviar" in detail
    page = client_a.get(url)
    assert page.status_code == 200
    assert "Se ve una cara." in page.text
    assert 'value="20.00"' in page.text  # the form starts from what was sent
    assert "data-report-draft" not in page.text

    refused = client_a.post(url, _form(project, observed_progress="140"))
    assert refused.status_code == 400
    assert "debe estar entre 0 y 100" in refused.text

    sent = client_a.post(
        url,
        {**_form(project), "photos": SimpleUploadedFile("b.jpg", jpeg_with_gps())},
    )
    assert sent.status_code == 302
    # A second tap on the button does not send it twice: it is in review now.
    assert client_a.post(url, _form(project)).status_code == 302
    with tenants_api.in_locality(town_a):
        row = CitizenReport.objects.get()
        assert row.status == api.ReportStatus.SUBMITTED
        assert row.revision == 1 and row.observed_progress == 30
        assert row.return_reason == "" and row.reviewer_id is None
        assert row.photos.count() == 2  # the kept photo and the new one
        old = ReportRevision.objects.get()
        assert (old.number, old.observed_progress) == (0, 20)
        assert old.return_reason == "Se ve una cara."
        assert old.returned_by_id == reviewer.pk
        assert old.observations == "La obra avanza despacio."
        assert [r.report_uuid for r in api.reports_to_review()] == [report.report_uuid]
    shown = client_a.get(f"/seguimiento/reportes/{report.report_uuid}/").text
    assert "Versiones anteriores" in shown and "Se ve una cara." in shown


def test_only_the_author_corrects_and_only_a_returned_report(
    site, town_a, client_a, make_person, client_b
):
    project, veedora, reviewer = site
    with tenants_api.in_locality(town_a):
        report = file_report(project, veedora)
        with pytest.raises(
            api.ReportError, match="Solo se corrige un reporte devuelto"
        ):
            api.resubmit_report(
                report.report_uuid,
                author_id=veedora.pk,
                observed_progress="10",
                checklist=answers_for(project.line),
                verdict="met",
            )
        api.return_report(report.report_uuid, reviewer_id=reviewer.pk, reason="Cara")
        with pytest.raises(api.ReportError, match="no existe o no es suyo"):
            api.resubmit_report(
                report.report_uuid,
                author_id=reviewer.pk,
                observed_progress="10",
                checklist=answers_for(project.line),
                verdict="met",
            )
    other = client_a.__class__(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality(town_a):
        other.force_login(reviewer)
    url = f"/seguimiento/reportes/{report.report_uuid}/corregir/"
    assert other.get(url).status_code == 404
    with tenants_api.in_locality("test_bosa"):
        client_b.force_login(veedora)
    assert client_b.get(url).status_code == 404  # Kennedy's report, Bosa's site


def test_a_lab_result_is_attached_and_shown_on_the_public_report(
    site, town_a, client_a, lab_url
):
    project, _veedora, reviewer = site
    key = api.new_idempotency_key()
    refused = client_a.post(
        f"/seguimiento/proyectos/{project.code}/reportar/",
        {
            **_form(project),
            "idempotency_key": key,
            "evidence": "https://kennedy.test/seguimiento/",
        },
    )
    assert refused.status_code == 400
    assert "no es un resultado del laboratorio de datos abiertos" in refused.text

    sent = client_a.post(
        f"/seguimiento/proyectos/{project.code}/reportar/",
        {**_form(project), "idempotency_key": key, "evidence": lab_url},
    )
    assert sent.status_code == 302
    with tenants_api.in_locality(town_a):
        row = CitizenReport.objects.get()
        (item,) = row.evidence
        assert item["title"] == "Contratos del FDL" and item["version"] == 1
        assert item["rows"][0][0] == "UPZ82"
        api.publish_report(str(row.uuid), reviewer_id=reviewer.pk)
    anonymous = client_a.__class__(HTTP_HOST="kennedy.test")
    public = anonymous.get(f"/seguimiento/reportes/{row.uuid}/").text
    assert "Evidencia de datos abiertos" in public
    assert "Contratos del FDL, versión 1" in public
    assert f'href="{lab_url.replace("&", "&amp;")}"' in public
    assert "<td>UPZ82</td>" in public and "<td>350</td>" in public
    # Anyone can run the query again from the report: same version, same rows.
    assert item["rerun_url"] and "Volver a correr esta consulta" in public
    rerun = anonymous.get(item["rerun_url"].removeprefix("https://kennedy.test"))
    assert rerun.status_code == 200 and "UPZ82" in rerun.text


def test_an_address_of_another_locality_or_a_missing_version_is_refused(
    site, town_a, lab_url
):
    project, veedora, _ = site
    with tenants_api.in_locality(town_a):
        for url, message in (
            (lab_url.replace("/v1/", "/v9/"), "no existe en esta localidad"),
            ("https://kennedy.test/datos/otro/v1/laboratorio/", "no existe"),
            ("no es una dirección", "no es un resultado"),
        ):
            with pytest.raises(api.ReportError, match=message):
                file_report(project, veedora, evidence_urls=[url])
        assert not CitizenReport.objects.exists()
