"""The demo projects of `make run` are valid for their localities and load once."""

from __future__ import annotations

from lms.portal import demo_monitoring, demo_projects
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


def test_demo_monitoring_loads_veedurias_and_a_published_report_once(
    town_a, town_b, monkeypatch, make_person
):
    schemas = {town_a: "kennedy", town_b: "bosa"}
    monkeypatch.setattr(
        demo_projects,
        "PROJECTS",
        {schema: demo_projects.PROJECTS[slug] for schema, slug in schemas.items()},
    )
    monkeypatch.setattr(
        demo_monitoring,
        "VEEDURIAS",
        {schema: demo_monitoring.VEEDURIAS[slug] for schema, slug in schemas.items()},
    )
    monkeypatch.setattr(demo_monitoring, "_KENNEDY", town_a)
    make_person(email=demo_monitoring.REVIEWER_EMAIL)
    demo_projects.load_demo_projects()

    lines = demo_monitoring.load_demo_monitoring()

    assert len(lines) == 5 and "(publicado)" in lines[2]
    assert "(sin respuesta, escalado)" in lines[1]
    assert demo_monitoring.load_demo_monitoring() == []  # idempotent
    with tenants_api.in_locality(town_a):
        latest, overdue = api.published_reports("KEN-PP24-02")
        assert len(latest.photos) == 1
        assert api.compare_progress("KEN-PP24-02").is_gap
        assert overdue.answer.is_overdue and overdue.answer.escalated_at
        assert "Personería" in api.escalation_letter(overdue.report_uuid)
        assert len(api.reports_to_review()) == 1
    with tenants_api.in_locality(town_b):
        assert [a.project_code for a in api.open_assignments()] == ["BOS-PP24-04"]
