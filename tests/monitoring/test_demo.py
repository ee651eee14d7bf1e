"""The demo projects of `make run` are valid for their localities and load once."""

from __future__ import annotations

from lms.portal import demo_projects
from monitoring import api
from tenants import api as tenants_api


def test_demo_projects_load_once_per_locality_one_per_line(town_a, town_b, monkeypatch):
    # The test localities stand in for Kennedy and Bosa (same slugs, same places).
    monkeypatch.setattr(
        demo_projects,
        "PROJECTS",
        {
            town_a: demo_projects.PROJECTS["kennedy"],
            town_b: demo_projects.PROJECTS["bosa"],
        },
    )
    assert len(demo_projects.load_demo_projects()) == 10
    assert demo_projects.load_demo_projects() == []  # idempotent
    for schema, prefix in ((town_a, "KEN"), (town_b, "BOS")):
        with tenants_api.in_locality(schema):
            projects = api.list_projects().projects
            assert {p.line for p in projects} == set(api.InvestmentLine)
            assert {p.code[:3] for p in projects} == {prefix}
