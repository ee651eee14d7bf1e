"""Fuzzing the monitoring open-data REST API against its own OpenAPI document
(schemathesis), anonymously on Kennedy's host with a project and a published
report in place; bounded and derandomized, as the learning API's fuzzing does."""

from __future__ import annotations

import pytest
import schemathesis
import werkzeug
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from hypothesis import HealthCheck, settings

from monitoring import api
from monitoring.rest import rest_api
from tenants import api as tenants_api
from tests.learning.test_rest_fuzz import (
    CHECKS,
    HOST,
    in_test_transaction,  # noqa: F401 - fixture
)

from .conftest import file_report, kennedy_project

schema = schemathesis.openapi.from_dict(rest_api.get_openapi_schema())
schema.app = WSGIHandler()


def test_the_fuzzed_document_is_the_served_one(in_town_a, client_a):
    served = client_a.get("/api/seguimiento/openapi.json").json()
    assert served == schema.raw_schema


@pytest.fixture
def visitor(town_a, make_veedor, make_person, in_test_transaction):  # noqa: F811
    """Nobody signed in, on a Kennedy with one project and a published report."""
    veedora, reviewer = make_veedor(town_a), make_person()
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        report = file_report(project, veedora)
        api.publish_report(report.report_uuid, reviewer_id=reviewer.pk)
    connection.set_schema_to_public()
    return werkzeug.Client(schema.app)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_rest_api_answers_as_its_schema_says(case, visitor):
    # The WSGI client does not undo gzip (the site compresses text responses).
    case.call_and_validate(
        base_url=f"http://{HOST}",
        session=visitor,
        checks=CHECKS,
        headers={"Accept-Encoding": "identity"},
    )
