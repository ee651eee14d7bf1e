"""A person's H5P results follow the accounts' data rights: exported on request,
deleted on anonymization (in every locality)."""

from __future__ import annotations

import uuid

from h5p import api
from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from tenants import api as tenants_api

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures


def answered() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "result": {"score": {"raw": 1, "max": 1}, "success": True, "completion": True},
    }


def test_results_are_exported_and_erased(town_a, h5p_media, make_person):
    learner = make_person()
    path = next(p for p in VALID if p.name == "valid2.h5p")
    with tenants_api.in_locality(town_a):
        content = api.upload_package(
            path.read_bytes(),
            name=path.name,
            may_add_libraries=True,
            uploaded_by_id=learner.pk,
        )
        api.record_xapi(learner.pk, content.key, [answered()])

    exported = str(accounts_api.export_person_data(learner.pk))
    assert "Actividades y resultados" in exported
    assert f"Actividad H5P: {content.title}" in exported  # named, not keyed

    accounts_api.anonymize_person(learner.pk)
    with tenants_api.in_locality(town_a):
        assert learning_api.get_activity_state(learner.pk, content.activity_key) is None
        assert learning_api.export_learner(learner.pk) == {}
        from h5p.models import H5PContent

        assert H5PContent.objects.get(key=content.key).uploaded_by_id is None
