"""Query budget of the xAPI endpoint: one statement per POST, signed in.

The player posts one statement per answer, so this is the request a campaign
peak multiplies. See ``tests/learning/test_query_budgets.py`` for why budgets
are tests.
"""

from __future__ import annotations

from courses import api as courses_api
from courses.models import LessonPage
from h5p import api
from h5p.models import H5PContent

from .conftest import needs_fixtures
from .test_views import answered, truefalse  # noqa: F401  (fixture)

pytestmark = needs_fixtures

# Issue target 8; the activity's existence is remembered between posts (7); a
# routine result (no course can change, the day already counted) is stored and
# folded by one SQL statement outside a transaction (4: the schema, the
# session, the user and that statement; ADR 0044); the signed-in account row
# comes from the cache (ADR 0043), so 3: the schema, the session (from Redis
# in production) and that statement (ADR 0051).
XAPI_SINGLE_STATEMENT = 3


def test_single_statement_post_budget(
    truefalse,  # noqa: F811
    client_a,
    make_person,
    django_assert_max_num_queries,
):
    # The activity is graded by a course the learner is enrolled in (opened its
    # lesson), so every result is evaluated against the course's rule.
    courses_api.create_course("Fondos", key="fondos", completion_min_score=60)
    courses_api.add_module("fondos", "Módulo", key="fm")
    courses_api.add_lesson(
        "fm",
        "Verdadero o falso",
        key="fvf",
        body=[("h5p", api.content_id(truefalse.key))],
    )
    client_a.force_login(make_person())
    assert client_a.get(LessonPage.objects.get(key="fvf").url).status_code == 200
    url = f"/h5p/{truefalse.key}/xapi/"
    # The learner's first statement for the activity makes its state row; the
    # budget is for the statements after it, the common case.
    first = client_a.post(url, answered(0), content_type="application/json")
    assert first.status_code == 200
    # Another result that does not complete the course: the common case (the
    # one post that completes it also writes the completion and its notice).
    with django_assert_max_num_queries(XAPI_SINGLE_STATEMENT):
        response = client_a.post(url, answered(0), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["stored"] == 1


def test_a_deleted_activity_is_refused_at_once(
    truefalse,  # noqa: F811
    client_a,
    make_person,
):
    """The endpoint remembers that a key exists (no query per post); deleting the
    content forgets it, so the next post is refused, not stored."""
    client_a.force_login(make_person())
    url = f"/h5p/{truefalse.key}/xapi/"
    assert (
        client_a.post(url, answered(0), content_type="application/json").status_code
        == 200
    )
    H5PContent.objects.filter(key=truefalse.key).delete()
    refused = client_a.post(url, answered(0), content_type="application/json")
    assert refused.status_code == 404
