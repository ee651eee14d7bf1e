"""Public pages at /datos/ on each site: list, dataset, profile, Parquet download.

Open data needs no login. The pages are server-rendered without JavaScript and
use a mobile viewport; the histogram is an inline SVG inside a data table.
"""

from __future__ import annotations

import hashlib

import pytest

from open_data_labs import api
from tenants import api as tenants_api

from .conftest import upload

CSV = "localidad;votos\nKennedy;10\nBosa;12\nCORFERIAS;8\nTOTAL;30\n"


@pytest.fixture
def published(dataset):
    upload(dataset.key, CSV)
    return dataset


def test_list_is_public(published, client_a):
    page = client_a.get("/datos/")
    assert page.status_code == 200
    assert "Presupuesto local" in page.text
    assert f"/datos/{published.key}/v1/" in page.text


def test_dataset_page_lists_versions(published, client_a):
    page = client_a.get(f"/datos/{published.key}/")
    assert page.status_code == 200
    assert "Versión 1" in page.text and "4 filas" in page.text


def test_profile_page_in_plain_spanish_without_javascript(published, client_a):
    page = client_a.get(f"/datos/{published.key}/v1/")
    assert page.status_code == 200
    text = page.text
    assert 'name="viewport" content="width=device-width' in text
    assert "<script" not in text
    assert "Número entero" in text and "Valores distintos" in text
    assert "Total mezclado con las partes" in text
    assert "Lugares que no son localidades" in text and "CORFERIAS" in text
    assert "<svg" in text and '<table class="datos-bars">' in text
    assert api.get_snapshot(published.key, 1).sha256 in text


def test_download_is_the_pinned_file(published, client_a):
    response = client_a.get(f"/datos/{published.key}/v1/datos.parquet")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert hashlib.sha256(body).hexdigest() == api.get_snapshot(published.key, 1).sha256


@pytest.mark.parametrize(
    "path",
    ["/datos/no-existe/", "/datos/no-existe/v1/", "/datos/no-existe/v1/datos.parquet"],
)
def test_unknown_dataset_is_404(path, in_town_a, client_a):
    assert client_a.get(path).status_code == 404


def test_unknown_version_is_404(published, client_a):
    assert client_a.get(f"/datos/{published.key}/v9/").status_code == 404


def test_empty_list_on_a_site_without_datasets(client_b, town_b):
    page = client_b.get("/datos/")
    assert page.status_code == 200
    assert "todavía no tiene conjuntos" in page.text


def test_profile_is_computed_again_when_its_format_changed(published, client_a):
    from open_data_labs.models import Snapshot

    Snapshot.objects.filter(dataset__key=published.key).update(profile=None)
    page = client_a.get(f"/datos/{published.key}/v1/")
    assert page.status_code == 200
    assert Snapshot.objects.get(dataset__key=published.key).profile["format"] == 1


def test_campus_has_its_own_datasets(in_campus, client_campus):
    dataset = api.create_dataset("Participación electoral")
    upload(dataset.key, CSV)
    with tenants_api.in_locality("test_kennedy"):
        assert api.list_datasets() == []
    assert "Participación electoral" in client_campus.get("/datos/").text
