"""Fuzzing the H5P relay's JSON endpoints against their own OpenAPI document
(schemathesis), as a signed-in learner on Kennedy's host, with the path pinned
to a real activity so generated bodies reach the xAPI checks; bounded and
derandomized examples, as the learning API's fuzzing does.

The API publishes no OpenAPI page (its only client is the site's own relay);
the guard in tests/learning/test_rest_fuzz.py lists it with the others.
"""

from __future__ import annotations

import pytest
import schemathesis
import werkzeug
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, settings

from h5p import api
from h5p.rest import rest_api
from tenants import api as tenants_api
from tests.learning.test_rest_fuzz import (
    CHECKS,
    CSRF_SECRET,
    HOST,
    in_test_transaction,  # noqa: F401 - fixture
)

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures

schema = schemathesis.openapi.from_dict(
    rest_api.get_openapi_schema(path_prefix="/h5p/")
)
schema.app = WSGIHandler()


def test_the_document_declares_every_endpoint():
    assert set(schema.raw_schema["paths"]) == {
        "/h5p/{key}/xapi/",
        "/h5p/{key}/estado/",
        "/h5p/{key}/fallo/",
    }


@pytest.fixture
def activity_key(in_town_a, h5p_media):
    path = next(p for p in VALID if p.name == "H5P.TrueFalse.h5p")
    content = api.upload_package(
        path.read_bytes(), name=path.name, may_add_libraries=True
    )
    return content.key


@pytest.fixture
def learner_session(activity_key, town_a, make_person, in_test_transaction):  # noqa: F811
    learner = make_person()
    client = Client(HTTP_HOST=HOST)
    with tenants_api.in_locality(town_a):  # sessions are kept per locality
        client.force_login(learner)
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
def test_relay_api_answers_as_its_schema_says(case, learner_session, activity_key):
    case.path_parameters = {**(case.path_parameters or {}), "key": activity_key}
    case.call_and_validate(
        base_url=f"http://{HOST}",
        session=learner_session,
        # The WSGI client does not undo gzip (the site compresses text).
        headers={"X-CSRFToken": CSRF_SECRET, "Accept-Encoding": "identity"},
        checks=CHECKS,
    )
