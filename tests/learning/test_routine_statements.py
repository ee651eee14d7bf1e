"""The routine statement: one answer that changes nothing a course looks at, on
a day already counted, stored and folded by one SQL statement (ADR 0044).

Its rules are those of every statement: an exact replay is stored once, a known
id with other content is refused with nothing stored, and a failure half-way
leaves nothing half-written.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from lms.learning import api
from lms.learning.models import ActivityState, XapiStatement

from .test_api import statement

ACTIVITY = "h5p:rutina"


@pytest.fixture
def learner(in_town_a, make_person):
    """A learner whose first result today made the state row (best score 1/2):
    from now on an answer of at most 1/2 is routine."""
    person = make_person()
    api.record_statements(
        person.pk,
        [statement("answered", raw=1, max_=2, completion=True)],
        activity_key=ACTIVITY,
    )
    return person


def _routine() -> dict:
    return statement("answered", raw=0, max_=2, completion=True)


def _stored(statement_id: str) -> list[XapiStatement]:
    return list(XapiStatement.objects.filter(statement_id=uuid.UUID(statement_id)))


def test_a_routine_statement_is_one_sql_statement_and_no_transaction(learner):
    with CaptureQueriesContext(connection) as seen:
        result = api.record_statements(learner.pk, [_routine()], activity_key=ACTIVITY)
    assert (result.stored, result.duplicates) == (1, 0)
    assert len(seen.captured_queries) == 1  # no SAVEPOINT, no second statement
    state = api.get_activity_state(learner.pk, ACTIVITY)
    assert state.statements_count == 2 and state.best_score_scaled == 0.5
    assert result.state == state


def test_an_exact_replay_is_stored_once(learner):
    answer = _routine()
    first = api.record_statements(learner.pk, [answer], activity_key=ACTIVITY)
    # As an LRS may hand it back: another time zone, the verb's display.
    replay = answer | {"verb": answer["verb"] | {"display": {"es": "respondió"}}}
    again = api.record_statements(learner.pk, [replay], activity_key=ACTIVITY)
    assert (first.stored, first.duplicates) == (1, 0)
    assert (again.stored, again.duplicates) == (0, 1)
    assert len(_stored(answer["id"])) == 1
    assert again.state == first.state  # the replay folded nothing
    assert api.get_activity_state(learner.pk, ACTIVITY).statements_count == 2


def test_a_known_id_with_other_content_is_refused_and_nothing_is_stored(learner):
    answer = _routine()
    api.record_statements(learner.pk, [answer], activity_key=ACTIVITY)
    before = api.get_activity_state(learner.pk, ACTIVITY)
    # Still routine (no better score), but not the same statement.
    changed = statement("answered", raw=1, max_=2, completion=True) | {
        "id": answer["id"]
    }
    with pytest.raises(api.StatementConflict) as refused:
        api.record_statements(learner.pk, [changed], activity_key=ACTIVITY)
    assert answer["id"] in str(refused.value)
    rows = _stored(answer["id"])
    assert len(rows) == 1 and rows[0].score_raw == 0
    assert api.get_activity_state(learner.pk, ACTIVITY) == before


def test_the_same_id_from_another_learner_is_refused(learner, make_person):
    answer = _routine()
    api.record_statements(learner.pk, [answer], activity_key=ACTIVITY)
    other = make_person()
    api.record_statements(other.pk, [_routine()], activity_key=ACTIVITY)
    before = api.get_activity_state(other.pk, ACTIVITY)
    with pytest.raises(api.StatementConflict):
        api.record_statements(other.pk, [answer], activity_key=ACTIVITY)
    assert [row.user_id for row in _stored(answer["id"])] == [learner.pk]
    assert api.get_activity_state(other.pk, ACTIVITY) == before


def test_a_failure_half_way_leaves_nothing_half_written(learner):
    """The insert runs, then folding the state fails: the statement is taken
    back with it. The test's own transaction would take back a second SQL
    statement too, so what makes this hold outside a transaction is that the
    routine path is one statement (the test above); this shows that within it
    the insert does not outlive a failed fold."""
    table = ActivityState._meta.db_table
    answer = _routine()
    before = api.get_activity_state(learner.pk, ACTIVITY)
    with connection.cursor() as cursor:  # dropped with the test's transaction
        cursor.execute(
            "CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'fold refused'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse()"
        )
    # A savepoint, so the test's own transaction survives the error.
    with pytest.raises(DatabaseError, match="fold refused"), transaction.atomic():
        api.record_statements(learner.pk, [answer], activity_key=ACTIVITY)
    assert _stored(answer["id"]) == []
    assert api.get_activity_state(learner.pk, ACTIVITY) == before


def test_a_failing_completion_takes_back_a_result_that_is_not_routine(
    learner, monkeypatch
):
    """A better result is not routine: it is stored in a transaction with its
    completion, and a failure there stores nothing."""
    from lms.learning import statements

    def fail(*args, **kwargs):
        raise RuntimeError("completion failed")

    monkeypatch.setattr(statements, "after_activity_result", fail)
    better = statement("answered", raw=2, max_=2, completion=True)
    before = api.get_activity_state(learner.pk, ACTIVITY)
    with pytest.raises(RuntimeError), transaction.atomic():
        api.record_statements(learner.pk, [better], activity_key=ACTIVITY)
    assert _stored(better["id"]) == []
    assert api.get_activity_state(learner.pk, ACTIVITY) == before


def test_what_is_not_routine_goes_the_whole_way(learner):
    """A better score is folded and evaluated as before (ADR 0027)."""
    better = statement("answered", raw=2, max_=2, completion=True, success=True)
    result = api.record_statements(learner.pk, [better], activity_key=ACTIVITY)
    assert result.stored == 1
    assert result.state.best_score_scaled == 1.0 and result.state.passed
    assert api.get_activity_state(learner.pk, ACTIVITY).statements_count == 2
