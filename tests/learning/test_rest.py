"""REST API (django-ninja): authenticated, own records only, cohorts by role."""

from __future__ import annotations

from datetime import date

from lms.learning import api
from tenants import api as tenants_api


def test_rest_api_needs_a_session_and_serves_openapi(course, client_a):
    assert client_a.get("/api/aprendizaje/mis-cursos").status_code == 401
    schema = client_a.get("/api/aprendizaje/openapi.json")
    assert schema.status_code == 200
    assert "/api/aprendizaje/cursos/{course_key}/inscripcion" in schema.json()["paths"]


def test_learner_enrolls_reads_progress_and_withdraws(
    course, town_a, client_a, make_person
):
    learner = make_person()
    client_a.force_login(learner)
    made = client_a.post(
        "/api/aprendizaje/cursos/control/inscripcion",
        data={},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["status"] == "active"
    twice = client_a.post(
        "/api/aprendizaje/cursos/control/inscripcion",
        data={},
        content_type="application/json",
    )
    assert twice.status_code == 400
    assert "no hace falta inscribirse" in twice.json()["detail"]
    [mine] = client_a.get("/api/aprendizaje/mis-cursos").json()
    assert (mine["course_key"], mine["percent"], mine["lessons_total"]) == (
        "control",
        0,
        3,
    )
    gone = client_a.get("/api/aprendizaje/cursos/nada/avance")
    assert gone.status_code == 404
    assert client_a.delete("/api/aprendizaje/cursos/control/inscripcion").json()[
        "status"
    ] == ("withdrawn")


def test_cohort_progress_is_for_its_facilitator_only(
    course, town_a, client_a, make_person
):
    facilitator, learner = make_person(), make_person()
    with tenants_api.in_locality(town_a):
        cohort = api.create_cohort(
            course,
            "Grupo",
            facilitator_id=facilitator.pk,
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 31),
            capacity=5,
        )
        api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
    url = f"/api/aprendizaje/grupos/{cohort.cohort_id}/avance"
    client_a.force_login(learner)
    assert client_a.get(url).status_code == 403
    client_a.force_login(facilitator)
    assert client_a.get(url).json() == [
        {"user_id": learner.pk, "status": "active", "percent": 0, "completed_at": None}
    ]
