"""Fuzzing the civic roles' REST API against its own OpenAPI document (schemathesis),
as a locality manager (who may read rosters) on Kennedy's host; bounded and
derandomized examples, as the learning API's fuzzing does."""

from __future__ import annotations

import pytest
import schemathesis
import werkzeug
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, settings

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from participation.rest import rest_api
from tenants import api as tenants_api
from tests.learning.test_rest_fuzz import (
    CHECKS,
    CSRF_SECRET,
    HOST,
    in_test_transaction,  # noqa: F401 - fixture
)

from .conftest import apply

schema = schemathesis.openapi.from_dict(rest_api.get_openapi_schema())
schema.app = WSGIHandler()


def test_the_fuzzed_document_is_the_served_one(in_town_a, client_a):
    served = client_a.get("/api/participacion/openapi.json").json()
    assert served == schema.raw_schema


@pytest.fixture
def manager_session(make_role, person, make_person, town_a, in_test_transaction):  # noqa: F811
    apply(person(), make_role())
    manager = make_person()
    client = Client(HTTP_HOST=HOST)
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
        client.force_login(manager)
    browser = werkzeug.Client(schema.app)
    browser.set_cookie("sessionid", client.cookies["sessionid"].value, domain=HOST)
    browser.set_cookie("csrftoken", CSRF_SECRET, domain=HOST)
    return browser


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_rest_api_answers_as_its_schema_says(case, manager_session):
    case.call_and_validate(
        base_url=f"http://{HOST}",
        session=manager_session,
        # The WSGI client does not undo gzip (the site compresses text).
        headers={"X-CSRFToken": CSRF_SECRET, "Accept-Encoding": "identity"},
        checks=CHECKS,
    )
