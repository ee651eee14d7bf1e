"""The demo workshops of `make run`: Kennedy below half of its barrios, Bosa
above, each through a facilitator of that locality; loaded once."""

from __future__ import annotations

from courses import api as courses_api
from lms.portal import demo_workshops
from monitoring import api
from reporting import api as reporting_api
from tenants import api as tenants_api


def test_demo_workshops_cover_some_barrios_in_two_localities(
    town_a, town_b, monkeypatch, make_person, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        demo_workshops,
        "WORKSHOPS",
        {
            town_a: demo_workshops.WORKSHOPS["kennedy"],
            town_b: demo_workshops.WORKSHOPS["bosa"],
        },
    )
    make_person(email="facilitador@example.org")
    for schema in (town_a, town_b):
        with tenants_api.in_locality(schema):
            courses_api.create_course(
                "Presupuestos participativos",
                key=demo_workshops.COURSE,
                modality="mixta",
            )

    with django_capture_on_commit_callbacks(execute=True):
        lines = demo_workshops.load_demo_workshops()

    assert lines == [
        f"talleres en {town_a}: 2, 24 de 102 barrios (24 %)",
        f"talleres en {town_b}: 2, 40 de 74 barrios (54 %)",
    ]
    assert demo_workshops.load_demo_workshops() == []  # idempotent
    with tenants_api.in_locality(town_b):
        (latest, _older) = api.list_workshops()
        assert latest.title == "Taller: economía local y ferias"
        assert len(latest.barrio_codes) == 20
    city = reporting_api.build_monitoring_panels("")
    reached = {row.key: (row.reached, row.is_met) for row in city.coverage_localities}
    assert reached == {town_a: (24, False), town_b: (40, True)}
