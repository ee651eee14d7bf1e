"""A lesson's H5P block is a graded activity of the course rule; its result posted
by the player completes the course (with the H5P work's block)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from courses import api as courses_api
from courses.models import LessonPage
from h5p import api as h5p_api
from lms.learning import api
from lms.learning.models import CourseCompletion
from tenants import api as tenants_api

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "h5p" / "valid"


@pytest.fixture
def h5p_course(town_a, settings, tmp_path):
    package = FIXTURES / "H5P.TrueFalse.h5p"
    if not package.exists():
        pytest.skip(f"Falta {package}: las pruebas H5P usan ../shared/fixtures.")
    settings.MEDIA_ROOT = tmp_path
    with tenants_api.in_locality(town_a):
        content = h5p_api.upload_package(
            package.read_bytes(), name=package.name, may_add_libraries=True, key="vf"
        )
        courses_api.create_course("Fondos", key="fondos", completion_min_score=60)
        courses_api.add_module("fondos", "Módulo", key="fm")
        courses_api.add_lesson(
            "fm",
            "Verdadero o falso",
            key="fvf",
            body=[("h5p", h5p_api.content_id("vf"))],
        )
        url = LessonPage.objects.get(key="fvf").url
    return content, url


def test_the_h5p_result_from_the_player_completes_the_course(
    h5p_course, town_a, client_a, make_person
):
    content, url = h5p_course
    with tenants_api.in_locality(town_a):
        from lms.learning.models import CourseRule

        rule = CourseRule.objects.get(course_key="fondos")
        assert rule.graded_activity_keys == [f"h5p:{content.key}"]
    learner = make_person()
    with tenants_api.in_locality(town_a):  # sessions are kept per locality
        client_a.force_login(learner)
    assert client_a.get(url).status_code == 200  # viewed + auto-enrolled
    with tenants_api.in_locality(town_a):
        assert not api.evaluate_completion(learner.pk, "fondos").met
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://kennedy.test/h5p/vf/"},
        "result": {
            "score": {"raw": 1, "max": 1, "scaled": 1.0},
            "success": True,
            "completion": True,
        },
    }
    for _ in range(2):  # a retried post is a duplicate, not a second completion
        response = client_a.post(
            f"/h5p/{content.key}/xapi/", [statement], content_type="application/json"
        )
        assert response.status_code == 200
    with tenants_api.in_locality(town_a):
        [done] = CourseCompletion.objects.filter(user_id=learner.pk)
        assert done.rule["score_percent"] == 100.0
