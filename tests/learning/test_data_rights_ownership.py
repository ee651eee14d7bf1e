"""The learning records answer the accounts' data rights themselves: erasure and
the download do not depend on the apps above them (H5P, courses) relaying."""

from __future__ import annotations

import uuid

from h5p import handlers as h5p_handlers
from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from lms.learning import signals as learning_signals
from tenants import api as tenants_api


def _answered() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "result": {"score": {"raw": 1, "max": 1}, "success": True, "completion": True},
    }


def test_erasure_does_not_need_the_h5p_receiver(course, town_a, make_person):
    learner = make_person()
    learning_api.enroll(learner.pk, course)
    learning_api.record_lesson_view(learner.pk, course, "cl1")
    learning_api.record_statements(
        learner.pk, [_answered()], activity_key="h5p:una-actividad"
    )
    assert learning_api.export_learner(learner.pk)  # there is something to erase

    # As if H5P were not installed: only the learning records' own receiver.
    assert accounts_api.person_anonymized.disconnect(dispatch_uid="h5p.anon")
    try:
        accounts_api.anonymize_person(learner.pk)
    finally:
        accounts_api.person_anonymized.connect(
            h5p_handlers.on_person_anonymized, dispatch_uid="h5p.anon"
        )

    with tenants_api.in_locality(town_a):
        assert learning_api.get_enrollment(learner.pk, course) is None
        assert learning_api.get_activity_state(learner.pk, "h5p:una-actividad") is None
        assert learning_api.export_learner(learner.pk) == {}


def test_the_download_does_not_need_the_h5p_receiver(course, town_a, make_person):
    learner = make_person()
    learning_api.enroll(learner.pk, course)
    learning_api.record_statements(
        learner.pk, [_answered()], activity_key="h5p:una-actividad"
    )

    # Without H5P nobody names the activity: it is listed by its key.
    signal = learning_signals.activity_titles_requested
    assert signal.disconnect(dispatch_uid="h5p.titles")
    try:
        exported = str(accounts_api.export_person_data(learner.pk))
    finally:
        signal.connect(
            h5p_handlers.on_activity_titles_requested, dispatch_uid="h5p.titles"
        )

    assert "Control social" in exported
    assert "h5p:una-actividad" in exported
