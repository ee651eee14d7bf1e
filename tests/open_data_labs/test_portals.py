"""Imports from Bogotá's CKAN and from datos.gov.co (Socrata).

Only the HTTP boundary is mocked (``responses``), with answers shaped like the
portals' real ones: CKAN's ``{"help", "success", "result"}`` envelope with
``package_show`` and paged ``datastore_search`` (``fields``, ``records``,
``total``, ``_links``), and Socrata's ``/api/views/<id>.json`` metadata plus
``/resource/<id>.json`` lists of string values paged by ``$limit``/``$offset``.
"""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers

from open_data_labs import api
from open_data_labs.data import ColumnType, Origin

CKAN = "https://datosabiertos.bogota.gov.co/api/3/action"
SODA = "https://www.datos.gov.co"
RESOURCE = "7a1c3f2e-0d4b-4e8a-9c55-1b2d3e4f5a6b"
PACKAGE = {
    "help": f"{CKAN}/help_show?name=package_show",
    "success": True,
    "result": {
        "id": "b3b5c8a0-2f5e-4d43-9a41-0c8e3c5d7e11",
        "name": "presupuestos-participativos",
        "title": "Presupuestos participativos",
        "license_id": "cc-by-sa",
        "license_title": "Creative Commons Attribution Share-Alike",
        "organization": {"name": "idpac", "title": "IDPAC"},
        "resources": [
            {"id": "otro", "name": "PDF", "format": "PDF", "datastore_active": False},
            {
                "id": RESOURCE,
                "name": "Propuestas 2024",
                "format": "CSV",
                "datastore_active": True,
            },
        ],
    },
}
FIELDS = [
    {"id": "_id", "type": "int"},
    {"id": "localidad", "type": "text"},
    {"id": "cod_localidad", "type": "text"},
    {"id": "votos", "type": "numeric"},
]
RECORDS = [
    {"_id": 1, "localidad": "Kennedy", "cod_localidad": "08", "votos": 1234},
    {"_id": 2, "localidad": "Bosa", "cod_localidad": "07", "votos": 987.5},
    {"_id": 3, "localidad": "Usme", "cod_localidad": "05", "votos": None},
]


def _search_page(offset: int, records: list[dict]) -> dict:
    return {
        "help": f"{CKAN}/help_show?name=datastore_search",
        "success": True,
        "result": {
            "include_total": True,
            "resource_id": RESOURCE,
            "fields": FIELDS,
            "records_format": "objects",
            "records": records,
            "limit": 2,
            "offset": offset,
            "_links": {
                "start": f"/api/3/action/datastore_search?resource_id={RESOURCE}",
                "next": f"/api/3/action/datastore_search?offset={offset + 2}"
                f"&resource_id={RESOURCE}",
            },
            "total": len(RECORDS),
            "total_was_estimated": False,
        },
    }


@pytest.fixture
def small_pages(settings):
    settings.OPEN_DATA_PORTAL_PAGE_SIZE = 2


def _page_matcher(offset: int):
    return matchers.query_param_matcher(
        {"resource_id": RESOURCE, "limit": "2", "offset": str(offset)}
    )


def test_ckan_import_pages_through_the_datastore(dataset, small_pages):
    with responses.RequestsMock() as portal:
        portal.get(f"{CKAN}/package_show", json=PACKAGE)
        portal.get(
            f"{CKAN}/datastore_search",
            json=_search_page(0, RECORDS[:2]),
            match=[_page_matcher(0)],
        )
        portal.get(
            f"{CKAN}/datastore_search",
            json=_search_page(2, RECORDS[2:]),
            match=[_page_matcher(2)],
        )
        snapshot = api.import_ckan(dataset.key, "presupuestos-participativos")
    assert snapshot.origin is Origin.CKAN
    assert snapshot.row_count == 3
    assert [(c.name, c.type) for c in snapshot.columns] == [
        ("localidad", ColumnType.TEXT),
        ("cod_localidad", ColumnType.TEXT),
        ("votos", ColumnType.DECIMAL),
    ]
    assert snapshot.licence == "Creative Commons Attribution Share-Alike"
    assert snapshot.source_url.endswith("/dataset/presupuestos-participativos")
    rows = api.preview_snapshot(dataset.key, 1).rows
    assert rows == (
        ("Kennedy", "08", "1.234"),
        ("Bosa", "07", "987,5"),
        ("Usme", "05", ""),
    )


def test_socrata_import_pages_with_limit_and_offset(dataset, small_pages):
    meta = {
        "id": "abcd-1234",
        "name": "Puntos de votación",
        "attribution": "Registraduría Nacional",
        "license": {"name": "Creative Commons Attribution | Share Alike 4.0"},
        "columns": [
            {"fieldName": "municipio", "dataTypeName": "text", "position": 1},
            {"fieldName": "divipola", "dataTypeName": "text", "position": 2},
            {"fieldName": "mesas", "dataTypeName": "number", "position": 3},
            {"fieldName": ":id", "dataTypeName": "meta_data", "position": 0},
        ],
    }
    pages = [
        [
            {"municipio": "BOGOTÁ D.C.", "divipola": "11001", "mesas": "1200"},
            {"municipio": "SOACHA", "divipola": "25754", "mesas": "300"},
        ],
        [{"municipio": "CHÍA", "divipola": "25175", "mesas": "80"}],
    ]
    with responses.RequestsMock() as portal:
        portal.get(f"{SODA}/api/views/abcd-1234.json", json=meta)
        for n, page in enumerate(pages):
            portal.get(
                f"{SODA}/resource/abcd-1234.json",
                json=page,
                match=[
                    matchers.query_param_matcher(
                        {"$limit": "2", "$offset": str(2 * n), "$order": ":id"}
                    )
                ],
            )
        snapshot = api.import_socrata(dataset.key, "ABCD-1234")
    assert snapshot.origin is Origin.SOCRATA
    assert snapshot.row_count == 3
    assert {c.name: c.type for c in snapshot.columns} == {
        "municipio": ColumnType.TEXT,
        "divipola": ColumnType.TEXT,
        "mesas": ColumnType.INTEGER,
    }
    assert snapshot.licence.startswith("Creative Commons")


# --- Portals that fail: a Spanish message and nothing stored -------------------


def _fails(dataset_key: str, call) -> str:
    with pytest.raises(api.PortalError) as caught:
        call()
    assert api.list_snapshots(dataset_key) == []
    return str(caught.value)


def test_ckan_down(dataset):
    with responses.RequestsMock() as portal:
        portal.get(
            f"{CKAN}/package_show", body=requests.ConnectionError("connection refused")
        )
        message = _fails(dataset.key, lambda: api.import_ckan(dataset.key, "x"))
    assert "caído" in message


def test_ckan_slow_times_out(dataset):
    with responses.RequestsMock() as portal:
        portal.get(f"{CKAN}/package_show", json=PACKAGE)
        portal.get(f"{CKAN}/datastore_search", body=requests.ReadTimeout("lento"))
        message = _fails(dataset.key, lambda: api.import_ckan(dataset.key, "x"))
    assert "tardó más de 20 segundos" in message


def test_ckan_answers_html_instead_of_json(dataset):
    with responses.RequestsMock() as portal:
        portal.get(
            f"{CKAN}/package_show",
            body="<html>Mantenimiento</html>",
            content_type="text/html",
        )
        message = _fails(dataset.key, lambda: api.import_ckan(dataset.key, "x"))
    assert "no es JSON" in message


def test_ckan_malformed_page_in_the_middle(dataset, small_pages):
    broken = _search_page(2, RECORDS[2:])
    del broken["result"]["records"]
    with responses.RequestsMock() as portal:
        portal.get(f"{CKAN}/package_show", json=PACKAGE)
        portal.get(
            f"{CKAN}/datastore_search",
            json=_search_page(0, RECORDS[:2]),
            match=[_page_matcher(0)],
        )
        portal.get(f"{CKAN}/datastore_search", json=broken, match=[_page_matcher(2)])
        message = _fails(dataset.key, lambda: api.import_ckan(dataset.key, "x"))
    assert "no tiene la forma esperada" in message


def test_ckan_refuses_the_query(dataset):
    with responses.RequestsMock() as portal:
        portal.get(
            f"{CKAN}/package_show",
            status=404,
            json={
                "help": f"{CKAN}/help_show?name=package_show",
                "success": False,
                "error": {"message": "No encontrado", "__type": "Not Found Error"},
            },
        )
        message = _fails(dataset.key, lambda: api.import_ckan(dataset.key, "x"))
    assert "no encontró" in message


def test_ckan_package_without_datastore_resources(dataset):
    package = {**PACKAGE, "result": {**PACKAGE["result"], "resources": []}}
    with responses.RequestsMock() as portal:
        portal.get(f"{CKAN}/package_show", json=package)
        message = _fails(dataset.key, lambda: api.import_ckan(dataset.key, "x"))
    assert "súbalo como archivo" in message


def test_socrata_bad_identifier_asks_nothing(dataset):
    with responses.RequestsMock():
        message = _fails(
            dataset.key, lambda: api.import_socrata(dataset.key, "../../etc")
        )
    assert "abcd-1234" in message


def test_socrata_down(dataset):
    with responses.RequestsMock() as portal:
        portal.get(
            f"{SODA}/api/views/abcd-1234.json",
            body=requests.ConnectionError("connection refused"),
        )
        message = _fails(
            dataset.key, lambda: api.import_socrata(dataset.key, "abcd-1234")
        )
    assert "caído" in message


def test_socrata_slow(dataset):
    with responses.RequestsMock() as portal:
        portal.get(
            f"{SODA}/api/views/abcd-1234.json", body=requests.ConnectTimeout("lento")
        )
        message = _fails(
            dataset.key, lambda: api.import_socrata(dataset.key, "abcd-1234")
        )
    assert "tardó" in message


def test_socrata_rows_not_a_list(dataset):
    with responses.RequestsMock() as portal:
        portal.get(
            f"{SODA}/api/views/abcd-1234.json",
            json={"columns": [{"fieldName": "a"}]},
        )
        portal.get(
            f"{SODA}/resource/abcd-1234.json",
            json={"error": True, "message": "query timeout"},
        )
        message = _fails(
            dataset.key, lambda: api.import_socrata(dataset.key, "abcd-1234")
        )
    assert "no tiene la forma esperada" in message


def test_socrata_too_many_rows(dataset, settings, small_pages):
    settings.OPEN_DATA_PORTAL_MAX_ROWS = 3
    with responses.RequestsMock() as portal:
        portal.get(
            f"{SODA}/api/views/abcd-1234.json",
            json={"columns": [{"fieldName": "a"}]},
        )
        portal.get(f"{SODA}/resource/abcd-1234.json", json=[{"a": "1"}, {"a": "2"}])
        message = _fails(
            dataset.key, lambda: api.import_socrata(dataset.key, "abcd-1234")
        )
    assert "máximo para importar" in message
