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
