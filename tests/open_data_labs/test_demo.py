"""`make run` loads the Registraduría file at the campus, once, wide then long."""

from __future__ import annotations

from courses import api as courses_api
from lms.learning.models import CourseRule
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


def test_the_demo_lab_is_computed_on_the_real_file_and_released(
    campus, town_a, make_person, django_capture_on_commit_callbacks
):
    registraduria_bytes()
    with tenants_api.in_locality(campus):
        # The demo's open-data course, as load_demo_courses writes it.
        courses_api.create_course(
            "Datos abiertos para la participación", key=demo_datasets.DEMO_COURSE_KEY
        )
        courses_api.add_module(
            demo_datasets.DEMO_COURSE_KEY, "Qué son", key=demo_datasets.DEMO_MODULE_KEY
        )
    with django_capture_on_commit_callbacks(execute=False):
        done = demo_datasets.load_demo_datasets()
        again = demo_datasets.load_demo_datasets()
    assert len(done) == 3 and "laboratorio de datos" in done[2]
    assert again == []

    with tenants_api.in_locality(town_a):
        [key] = [
            k
            for k in CourseRule.objects.get(
                course_key=demo_datasets.DEMO_COURSE_KEY
            ).graded_activity_keys
            if k.startswith("lab:")
        ]
        lab = api.get_lab(key.removeprefix("lab:"))
        assert [q["expected"] for q in lab["questions"]] == [
            {"value": 22087.0},
            {"value": "ANTONIO_NARINO"},
            {"values": ["SUBA", "KENNEDY", "ENGATIVA"]},
            {},
        ]
        assert [w["answer"] for q in lab["questions"] for w in q["wrong"]] == [
            "144.900",
            "CORFERIAS",
            "Total Bogota\nSUBA\nKENNEDY",
        ]
        learner = make_person()
        right = api.submit_lab(
            learner.pk,
            lab["key"],
            [
                "22.087",
                "Antonio Nariño",
                "Suba, Kennedy, Engativá",
                "SELECT * FROM datos WHERE lugar NOT IN "
                "('CARCELES', 'CORFERIAS', 'Total Bogota')",
            ],
        )
        assert right.right == 4, [q.message for q in right.questions]
        wrong = api.submit_lab(
            learner.pk, lab["key"], ["144900", "Corferias", "x", "SELECT * FROM datos"]
        )
        assert wrong.questions[0].message.startswith("Ese es el total de Bogotá")
        assert wrong.questions[1].message.startswith("CORFERIAS es un puesto")
