"""`make run` loads the Registraduría file at the campus, once, wide then long."""

from __future__ import annotations

from lms.portal import demo_datasets
from open_data_labs import api
from tenants import api as tenants_api

from .conftest import registraduria_bytes


def test_demo_dataset_is_loaded_once(campus, client_campus):
    registraduria_bytes()  # skips with a message when ../shared is absent
    first = demo_datasets.load_demo_datasets()
    again = demo_datasets.load_demo_datasets()
    assert len(first) == 2 and again == []
    with tenants_api.in_locality(campus):
        versions = api.list_snapshots(demo_datasets.DEMO_DATASET_KEY)
        assert [(s.version, s.row_count) for s in versions] == [(2, 132), (1, 6)]
    page = client_campus.get(f"/datos/{demo_datasets.DEMO_DATASET_KEY}/v2/")
    assert "CORFERIAS" in page.text and "Ciudad Bolívar" in page.text
