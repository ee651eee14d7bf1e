"""The registry through its public API: fields checked against the locality."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitoring import api

from .conftest import kennedy_project


def test_a_project_is_registered_with_its_places_and_official_figure(in_town_a):
    project = kennedy_project(progress="35,5", progress_as_of="15/03/2025")

    assert project.code == "KEN-2025-001"
    assert project.line is api.InvestmentLine.INFRASTRUCTURE
    assert project.budget == Decimal("450000000.00")
    assert (project.upz_code, project.upz_name) == ("UPZ82", "Patio Bonito")
    assert (project.barrio_code, project.barrio_name) == ("004607", "Ciudad de Cali")
    assert project.status is api.ProjectStatus.IN_PROGRESS
    assert project.progress == Decimal("35.50")
    assert project.progress_source is api.FigureSource.LOCAL_OFFICE
    assert str(project.progress_as_of) == "2025-03-15"
    assert api.get_project("KEN-2025-001") == project


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("line", "deportes", "Línea de inversión desconocida: «deportes»"),
        ("upz_code", "UPZ85", "La UPZ UPZ85 es de Bosa, no de Kennedy"),
        ("upz_code", "UPZ999", "UPZ desconocida"),
        ("barrio_code", "004642", "El barrio 004642 es de Bosa, no de Kennedy"),
        ("barrio_code", "004512", "está en la UPZ45, no en la UPZ82"),
        ("barrio_code", "Ciudad de Cali", "Use el código de sector catastral"),
        ("progress", "120", "entre 0 y 100"),
        ("progress", "-1", "entre 0 y 100"),
        ("budget", "1,234,567.50", "no se entiende"),
        ("budget", "-5", "no se entiende"),
        ("status", "a medias", "Estado desconocido"),
        ("starts_on", "31/02/2025", "no se entiende"),
    ],
)
def test_bad_fields_are_refused_with_a_spanish_message(
    in_town_a, field, value, message
):
    with pytest.raises(api.ProjectError) as caught:
        kennedy_project(**{field: value})
    assert message in caught.value.errors[field]
    assert api.list_projects().total == 0


def test_colombian_money_is_read_as_colombians_write_it(in_town_a):
    for code, written, expected in [
        ("A", "$ 1.234.567,50", "1234567.50"),
        ("B", "1.234.567", "1234567.00"),
        ("C", "1234567", "1234567.00"),
        ("D", "COP 2.000.000,5", "2000000.50"),
        ("E", 3_500_000, "3500000.00"),
    ]:
        assert kennedy_project(code, budget=written).budget == Decimal(expected)


def test_a_code_is_unique_in_its_locality(in_town_a):
    kennedy_project("KEN-1")
    with pytest.raises(api.ProjectError) as caught:
        kennedy_project("KEN-1")
    assert "Ya hay un proyecto con el código KEN-1" in caught.value.errors["code"]


def test_the_campus_has_no_projects(in_campus):
    assert api.serves_projects() is False
    with pytest.raises(api.ProjectError, match="no en el campus"):
        kennedy_project()


def test_the_list_filters_by_line_and_status(in_town_a):
    kennedy_project("K-1", line="infraestructura", status="en_ejecucion")
    kennedy_project("K-2", line="ambiental", status="en_ejecucion")
    kennedy_project("K-3", line="ambiental", status="terminado")

    assert [p.code for p in api.list_projects(line="ambiental").projects] == [
        "K-2",
        "K-3",
    ]
    both = api.list_projects(line="ambiental", status="terminado")
    assert [p.code for p in both.projects] == ["K-3"]
    # A stale or made-up filter shows everything instead of failing.
    assert api.list_projects(line="no-existe").total == 3
