"""Learning records: statements are idempotent and fold into the activity state."""

from __future__ import annotations

import uuid

import pytest

from lms.learning import api
from tenants import api as tenants_api

VERBS = "http://adlnet.gov/expapi/verbs/"


def statement(
    verb: str, *, raw=None, max_=None, success=None, completion=None, sub=False
):
    result: dict = {}
    if raw is not None:
        result["score"] = {"raw": raw, "max": max_, "scaled": raw / max_}
    if success is not None:
        result["success"] = success
    if completion is not None:
        result["completion"] = completion
    obj: dict = {"id": "http://kennedy.test/h5p/abc/"}
    if sub:
        obj["definition"] = {
            "extensions": {"http://h5p.org/x-api/h5p-subContentId": "q1"}
        }
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": VERBS + verb},
        "object": obj,
        "result": result,
        "actor": {"name": "someone else", "mbox": "mailto:x@example.org"},
    }


def test_a_retry_stores_nothing_twice(in_town_a, make_person):
    learner = make_person()
    answered = statement("answered", raw=1, max_=2, success=False, completion=True)
    first = api.record_statements(learner.pk, [answered], activity_key="h5p:abc")
    again = api.record_statements(learner.pk, [answered], activity_key="h5p:abc")
    assert (first.stored, first.duplicates) == (1, 0)
    assert (again.stored, again.duplicates) == (0, 1)
    assert again.state.statements_count == 1
    # Duplicates inside one batch count once as well.
    other = statement("interacted")
    batch = api.record_statements(learner.pk, [other, other], activity_key="h5p:abc")
    assert (batch.stored, batch.duplicates) == (1, 1)


def test_state_keeps_the_best_score_and_only_improves(in_town_a, make_person):
    learner = make_person()
    key = "h5p:abc"
    api.record_statements(
        learner.pk,
        [statement("answered", raw=1, max_=4, success=False, completion=True)],
        activity_key=key,
    )
    state = api.get_activity_state(learner.pk, key)
    assert state.attempted and state.completed and state.failed
    assert not state.passed
    assert state.best_score_raw == 1 and state.best_score_max == 4
    api.record_statements(
        learner.pk,
        [statement("answered", raw=4, max_=4, success=True, completion=True)],
        activity_key=key,
    )
    api.record_statements(
        learner.pk,
        [statement("answered", raw=2, max_=4, success=False, completion=True)],
        activity_key=key,
    )
    state = api.get_activity_state(learner.pk, key)
    assert state.passed and not state.failed
    assert state.best_score_scaled == 1.0 and state.best_score_raw == 4
    assert state.statements_count == 3


def test_sub_questions_do_not_decide_the_activity(in_town_a, make_person):
    learner = make_person()
    api.record_statements(
        learner.pk,
        [statement("answered", raw=1, max_=1, success=True, sub=True)],
        activity_key="h5p:set",
    )
    state = api.get_activity_state(learner.pk, "h5p:set")
    assert state.attempted
    assert not state.passed and not state.completed and state.best_score_raw is None


def test_malformed_statements_store_nothing(in_town_a, make_person):
    learner = make_person()
    good = statement("answered")
    with pytest.raises(api.InvalidStatement, match="verbo"):
        api.record_statements(
            learner.pk, [good, {"id": str(uuid.uuid4())}], activity_key="h5p:x"
        )
    with pytest.raises(api.InvalidStatement, match="UUID"):
        api.record_statements(
            learner.pk, [{"id": "no", "verb": {"id": "v"}}], activity_key="h5p:x"
        )
    assert api.get_activity_state(learner.pk, "h5p:x") is None


def test_resume_state_is_per_learner(in_town_a, make_person):
    ana, beto = make_person(), make_person()
    api.save_resume_state(ana.pk, "h5p:abc", state='{"answers":[1]}')
    assert api.get_activity_state(ana.pk, "h5p:abc").resume_state == '{"answers":[1]}'
    assert api.get_activity_state(beto.pk, "h5p:abc") is None
    assert [s.activity_key for s in api.list_activity_states(ana.pk)] == ["h5p:abc"]


def test_records_stay_in_their_locality(town_a, town_b, make_person):
    learner = make_person()
    with tenants_api.in_locality(town_a):
        api.record_statements(
            learner.pk, [statement("completed")], activity_key="h5p:abc"
        )
    with tenants_api.in_locality(town_b):
        assert api.get_activity_state(learner.pk, "h5p:abc") is None


def test_completing_a_course_sends_course_completed_once_after_commit(
    course, make_person, received, django_capture_on_commit_callbacks
):
    learner = make_person()
    api.enroll(learner.pk, course)
    with django_capture_on_commit_callbacks() as pending:
        api.record_lesson_view(learner.pk, course, "cl1")
        api.record_lesson_view(learner.pk, course, "cl2")  # the last required one
    assert not [name for name, _kw in received if name == "course_completed"]

    for callback in pending:  # the transaction commits
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        api.record_lesson_view(learner.pk, course, "cl3")  # optional, after passing

    completed = [kw for name, kw in received if name == "course_completed"]
    assert [(kw["user_id"], kw["course_key"]) for kw in completed] == [
        (learner.pk, course)
    ]
    assert completed[0]["course_version"] == api.get_course_rule_version(course)


def test_one_id_twice_in_a_request_with_other_content_stores_nothing(
    in_town_a, make_person
):
    learner = make_person()
    first = statement("answered", raw=1, max_=2, success=False)
    changed = statement("answered", raw=2, max_=2, success=True) | {"id": first["id"]}
    with pytest.raises(api.StatementConflict) as refused:
        api.record_statements(
            learner.pk, [statement("attempted"), first, changed], activity_key="h5p:c"
        )
    assert first["id"] in str(refused.value)
    assert api.get_activity_state(learner.pk, "h5p:c") is None
    from lms.learning.models import XapiStatement

    assert not XapiStatement.objects.filter(user_id=learner.pk).exists()


def test_a_batch_folds_as_its_statements_one_by_one(in_town_a, make_person):
    """The write path folds a batch in one update; the result must be the one
    the statements give sent one per request (state only improves)."""
    results = [
        ("answered", 1, 4, False),
        ("answered", 3, 4, True),
        ("answered", 3, 4, True),
        ("answered", 2, 4, False),
    ]
    one_by_one, batched = make_person(), make_person()
    for verb, raw, top, success in results:
        api.record_statements(
            one_by_one.pk,
            [statement(verb, raw=raw, max_=top, success=success, completion=True)],
            activity_key="h5p:f",
        )
    api.record_statements(
        batched.pk,
        [statement("answered", raw=4, max_=4, success=True, sub=True)]
        + [
            statement(verb, raw=raw, max_=top, success=success, completion=True)
            for verb, raw, top, success in results
        ],
        activity_key="h5p:f",
    )
    a = api.get_activity_state(one_by_one.pk, "h5p:f")
    b = api.get_activity_state(batched.pk, "h5p:f")
    fields = ("attempted", "completed", "passed", "failed", "best_score_scaled")
    assert [getattr(a, f) for f in fields] == [True, True, True, False, 0.75]
    assert [getattr(b, f) for f in fields] == [getattr(a, f) for f in fields]
    assert (b.best_score_raw, b.best_score_max) == (3, 4)
    assert b.statements_count == 5 and a.statements_count == 4


def test_an_unchanged_result_on_a_new_day_marks_the_day_without_evaluating(
    in_town_a, make_person
):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lms.learning.models import ActivityState

    learner = make_person()
    api.set_course_rule(
        "graded",
        version=1,
        title="Calificado",
        url="/calificado/",
        lessons=[],
        graded_activity_keys=["h5p:g"],
        min_score=100,
    )
    api.enroll(learner.pk, "graded")
    api.record_statements(
        learner.pk,
        [statement("answered", raw=1, max_=2, completion=True)],
        activity_key="h5p:g",
    )
    yesterday = timezone.now() - timedelta(days=1)
    ActivityState.objects.filter(user_id=learner.pk).update(updated_at=yesterday)

    with CaptureQueriesContext(connection) as seen:
        api.record_statements(
            learner.pk,
            [statement("answered", raw=1, max_=2, completion=True)],
            activity_key="h5p:g",
        )

    sql = " ".join(q["sql"] for q in seen.captured_queries)
    assert "learning_activeday" in sql  # the day is counted ...
    assert "learning_coursecompletion" not in sql  # ... completion not evaluated
    # A better score on the same day is evaluated, and completes the course.
    with CaptureQueriesContext(connection) as seen:
        api.record_statements(
            learner.pk,
            [statement("answered", raw=2, max_=2, completion=True)],
            activity_key="h5p:g",
        )
    assert "learning_coursecompletion" in " ".join(
        q["sql"] for q in seen.captured_queries
    )
    assert api.get_activity_state(learner.pk, "h5p:g").best_score_scaled == 1.0
    assert api.check_completion(learner.pk, "graded").completed_at is not None
