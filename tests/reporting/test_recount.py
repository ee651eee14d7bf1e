"""The nightly recount reads the locality schemas and corrects drift.

The learners here act through the learning and certificates APIs, so the
signals that feed the reporting table are the real ones; the expected figures
are counted straight from each locality's own tables.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps

from certificates import api as certificates_api
from courses import api as courses_api
from lms.learning import api as learning_api
from reporting import api
from reporting.tasks import recount_task
from tenants import api as tenants_api

NO_DRIFT = {
    "active_days": 0,
    "certified": 0,
    "enrolled": 0,
    "completed": 0,
    "summaries": 0,
    "tallies": 0,
    "facet_tallies": 0,
    "roles": 0,
    "funnel": 0,
    "funnel_breakdown": 0,
    "barrios": 0,
    "monitoring_funnel": 0,
    "last_active": 0,
}
# ana's counts made and beto's emptied (each person adds to about ten counts
# per scope: totals, answers, birth date, weeks and course).
TALLIES_FIXED = 33
# The same under the one filter they fall in (their course: no answers given),
# and their age group rows (no date of birth) counted on the kept day.
FACET_TALLIES_FIXED = 41


def _course(schema: str) -> str:
    """A two-lesson course: viewing both completes it."""
    with tenants_api.in_locality(schema):
        courses_api.create_course("Control social", key="control")
        courses_api.add_module("control", "Primeros pasos", key="cm1")
        courses_api.add_lesson("cm1", "Qué es el control social", key="cl1")
        courses_api.add_lesson("cm1", "Veedurías ciudadanas", key="cl2")
    return "control"


def _from_schemas() -> dict[str, int]:
    """City figures counted directly from the locality schemas' own records."""
    enrollment = apps.get_model("learning", "Enrollment")
    completion = apps.get_model("learning", "CourseCompletion")
    certificate = apps.get_model("certificates", "Certificate")
    enrolled, completed, certified = set(), set(), set()
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            enrolled |= set(
                enrollment.objects.filter(status="active").values_list(
                    "user_id", flat=True
                )
            )
            done = set(completion.objects.values_list("user_id", flat=True))
            completed |= done
            enrolled |= done  # "enrolled" counts who completed too (README)
            certified |= set(
                certificate.objects.filter(revoked_at__isnull=True).values_list(
                    "user_id", flat=True
                )
            )
    return {
        "enrolled": len(enrolled),
        "completed": len(completed),
        "certified": len(certified),
    }


def _figures() -> dict[str, int]:
    f = api.build_city_dashboard().figures
    return {"enrolled": f.enrolled, "completed": f.completed, "certified": f.certified}


@pytest.fixture
def live(django_capture_on_commit_callbacks):
    """Run an action in a locality and deliver its after-commit signals there."""

    def run(schema, action, *args, **kwargs):
        with (
            tenants_api.in_locality(schema),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return action(*args, **kwargs)

    return run


def _certify(user_id: int) -> certificates_api.CertificateData:
    return certificates_api.issue_certificate(
        user_id,
        course_key="control",
        course_version=1,
        completed_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


def test_events_and_recount_agree_with_the_locality_schemas(
    live, town_a, town_b, make_person
):
    people = [make_person(first_name=f"P{i}", last_name="Prueba") for i in range(5)]
    ana, beto, caro, dani, eva = (p.pk for p in people)
    course = _course(town_a)
    _course(town_b)
    for user in (ana, beto, caro):
        live(town_a, learning_api.record_lesson_view, user, course, "cl1")
    live(town_a, learning_api.record_lesson_view, ana, course, "cl2")  # completes
    live(town_a, _certify, ana)
    live(town_a, learning_api.withdraw, beto, course)
    live(town_a, learning_api.enroll, beto, course)  # re-enrolls
    live(town_a, learning_api.withdraw, caro, course)
    live(town_b, learning_api.enroll, caro, course)  # same person, other locality
    live(town_b, learning_api.enroll, dani, course)
    for lesson in ("cl1", "cl2"):
        live(town_b, learning_api.record_lesson_view, eva, course, lesson)
    code = live(town_b, _certify, eva).code
    live(town_b, certificates_api.revoke_certificate, code, reason="Datos errados")

    expected = _from_schemas()
    assert expected == {"enrolled": 5, "completed": 2, "certified": 1}
    assert _figures() == expected
    assert api.build_city_dashboard().figures.active_30d == 4  # ana, beto, caro, eva

    assert api.recount().drift == NO_DRIFT
    assert _figures() == expected


def test_recount_corrects_missed_and_phantom_events(
    live, events, town_a, town_b, make_person
):
    ana, beto = (make_person().pk for _ in range(2))
    course = _course(town_a)
    # Recorded in Kennedy, but the signals were lost (no commit hooks ran).
    with tenants_api.in_locality(town_a):
        learning_api.record_lesson_view(ana, course, "cl1")
        learning_api.record_lesson_view(ana, course, "cl2")
    # Signals with no record behind them (Bosa never had these).
    events.enroll(town_b, beto, "otro")
    events.active(town_b, beto)
    assert _figures() == {"enrolled": 1, "completed": 0, "certified": 0}

    assert recount_task() == {
        "active_days": 2,  # ana's day added, beto's removed
        "certified": 0,
        "enrolled": 2,  # ana's row made, beto's emptied
        "completed": 1,
        "summaries": 4,  # ana's city and Kennedy rows made, beto's two emptied
        "tallies": TALLIES_FIXED,
        "facet_tallies": FACET_TALLIES_FIXED,
        "roles": 0,  # nobody holds a civic role here
        "funnel": 0,  # nor applies for one
        "funnel_breakdown": 0,
        "barrios": 0,  # no workshop anywhere
        "monitoring_funnel": 0,  # nor any citizen report
        "last_active": 4,  # ana's city and Kennedy days made, beto's two removed
    }
    assert (
        _figures() == _from_schemas() == {"enrolled": 1, "completed": 1, "certified": 0}
    )
    board = api.build_city_dashboard()
    rows = {r.key: r for r in board.localities}
    assert rows[town_a].active_30d == 1 and rows[town_b].active_30d == 0
    assert api.recount().drift == NO_DRIFT  # a second run finds nothing


def test_replacing_a_revoked_certificate_counts_again(live, town_a, make_person):
    ana = make_person(first_name="Ana", last_name="Prueba").pk
    _course(town_a)
    code = live(town_a, _certify, ana).code
    live(town_a, certificates_api.revoke_certificate, code, reason="Nombre errado")
    assert _figures()["certified"] == 0
    live(town_a, certificates_api.reissue_certificate, code, reason="Nombre corregido")
    assert _figures()["certified"] == 1
    assert api.recount().drift == NO_DRIFT
