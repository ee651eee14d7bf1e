"""A query result as a CSV file: the shared address with ``.csv``, plain or in the
format a spreadsheet set to Spanish (Colombia) opens (``;``, decimal comma)."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

from tenants import api as tenants_api

from .conftest import upload

CSV = (
    "localidad;votos;participacion\nKennedy;1.000;53,8\nBosa;1.200;46,9\n=CMD();5;1,5\n"
)
GROUPED = urlencode(
    [("g", "localidad"), ("m", "sumar"), ("mc", "participacion"), ("o", "localidad")]
)


@pytest.fixture
def published(dataset):
    upload(dataset.key, CSV)
    return dataset


def _rows(response, delimiter=","):
    text = response.content.decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_the_builder_address_with_csv_gives_the_same_rows(published, client_a):
    page = client_a.get(f"/datos/{published.key}/v1/laboratorio/?{GROUPED}")
    csv_link = f"/datos/{published.key}/v1/laboratorio.csv?{GROUPED}"
    assert csv_link.replace("&", "&amp;") in page.text

    response = client_a.get(csv_link)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="presupuesto-local-v1.csv"' in response["Content-Disposition"]
    assert _rows(response) == [
        ["localidad", "sumar_participacion"],
        ["'=CMD()", "1.5"],  # a formula is written as text, never run
        ["Bosa", "46.9"],
        ["Kennedy", "53.8"],
    ]


def test_the_colombian_format_uses_semicolons_and_decimal_commas(published, client_a):
    response = client_a.get(
        f"/datos/{published.key}/v1/laboratorio.csv?{GROUPED}&formato=co"
    )
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8
    assert _rows(response, ";")[1:] == [
        ["'=CMD()", "1,5"],
        ["Bosa", "46,9"],
        ["Kennedy", "53,8"],
    ]
    assert b"localidad;sumar_participacion\r\n" in response.content


def test_the_sql_csv_needs_an_account_and_refusals_are_spanish(
    published, town_a, client_a, make_person
):
    address = f"/datos/{published.key}/v1/sql.csv?" + urlencode(
        {"q": "SELECT localidad, votos FROM datos ORDER BY votos DESC"}
    )
    anonymous = client_a.get(address)
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]
    with tenants_api.in_locality(town_a):
        client_a.force_login(make_person())
    assert _rows(client_a.get(address)) == [
        ["localidad", "votos"],
        ["Bosa", "1200"],
        ["Kennedy", "1000"],
        ["'=CMD()", "5"],
    ]
    refused = client_a.get(
        f"/datos/{published.key}/v1/sql.csv?" + urlencode({"q": "COPY datos TO 'x'"})
    )
    assert refused.status_code == 400
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    assert "no pueden leer ni escribir archivos" in refused.content.decode()


def test_unknown_version_is_404(published, client_a):
    assert client_a.get(f"/datos/{published.key}/v9/laboratorio.csv").status_code == 404
