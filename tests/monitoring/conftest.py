"""Monitoring fixtures: projects created through the public API, per locality."""

from __future__ import annotations

import pytest

from monitoring import api
from tenants import api as tenants_api


def kennedy_project(code: str = "KEN-2025-001", **fields) -> api.ProjectData:
    """A Kennedy project (the caller is inside Kennedy's schema)."""
    values = {
        "line": api.InvestmentLine.INFRASTRUCTURE,
        "spending_concept": "Parques vecinales",
        "budget": "$ 450.000.000",
        "upz_code": "UPZ82",
        "barrio_code": "004607",
        "status": "en_ejecucion",
        "progress": "35",
    }
    name = fields.pop("name", "Parque Ciudad de Cali")
    values.update(fields)
    return api.create_project(code, name, **values)


@pytest.fixture
def kennedy_park(in_town_a):
    return kennedy_project()


@pytest.fixture
def two_localities(town_a, town_b):
    """One project in each locality, with the same code on purpose."""
    with tenants_api.in_locality(town_a):
        kennedy = kennedy_project("PP-001", name="Parque Kennedy Patio Bonito")
    with tenants_api.in_locality(town_b):
        bosa = api.create_project(
            "PP-001",
            "Huerta comunitaria Bosa Islandia",
            line="ambiental",
            spending_concept="Agricultura urbana",
            budget=120_000_000,
            upz_code="UPZ85",
            barrio_code="004642",
        )
    return kennedy, bosa
