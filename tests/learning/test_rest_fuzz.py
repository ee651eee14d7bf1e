"""Fuzzing the REST API against its own OpenAPI document (schemathesis).

Every operation gets generated requests, valid and invalid, from a signed-in
learner (session cookie and CSRF token) on a locality's host; each answer must
not be a server error and must match what the document declares: status code,
content type and body schema. Examples are bounded and derandomized, so the run
is short and the same each time (the suite must stay fast and not flake).
"""

from __future__ import annotations

import functools
from datetime import date

import pytest
import schemathesis
import werkzeug
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings
from ninja import NinjaAPI
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from h5p import rest as h5p_rest
from lms.learning import api
from lms.learning.rest import rest_api
from monitoring import rest as monitoring_rest
from participation import rest as participation_rest
from tenants import api as tenants_api

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HOST = "kennedy.test"
CSRF_SECRET = "a" * 32  # any 32 characters: Django compares cookie and header

schema = schemathesis.openapi.from_dict(rest_api.get_openapi_schema())
schema.app = WSGIHandler()


def _mounted_ninja_apis(patterns=None) -> set[NinjaAPI]:
    """Every django-ninja API in the URLconf (each serves its OpenAPI document
    through a ``partial`` that carries the API)."""
    found: set[NinjaAPI] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found |= _mounted_ninja_apis(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            if isinstance(callback, functools.partial) and isinstance(
                callback.keywords.get("api"), NinjaAPI
            ):
                found.add(callback.keywords["api"])
    return found


def test_every_rest_api_is_fuzzed():
    # A new django-ninja API must get its own schema test like the one below;
    # civic roles' is in tests/participation/test_rest_fuzz.py, the H5P
    # relay's in tests/h5p/test_rest_fuzz.py, monitoring's open data in
    # tests/monitoring/test_rest_fuzz.py.
    assert _mounted_ninja_apis() == {
        rest_api,
        participation_rest.rest_api,
        h5p_rest.rest_api,
        monitoring_rest.rest_api,
    }


def test_the_fuzzed_document_is_the_served_one(in_town_a, client_a):
    served = client_a.get("/api/aprendizaje/openapi.json").json()
    assert served == schema.raw_schema


@pytest.fixture
def in_test_transaction():
    """Keep the test's connection across requests, as Django's test client does:
    by default the start and end of a request close a connection found inside a
    transaction, and the test's data lives in one."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def learner_session(course, town_a, make_person, in_test_transaction):
    """A learner enrolled in a cohort of the course, signed in at Kennedy."""
    learner, facilitator = make_person(), make_person()
    cohort = api.create_cohort(
        course,
        "Grupo",
        facilitator_id=facilitator.pk,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        capacity=5,
    )
    api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
    client = Client(HTTP_HOST=HOST)
    with tenants_api.in_locality(town_a):  # sessions are kept per locality
        client.force_login(learner)
    # Werkzeug's client is what schemathesis drives the app with; its cookies
    # must be for the locality's host, not the default "localhost".
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
def test_rest_api_answers_as_its_schema_says(case, learner_session):
    case.call_and_validate(
        base_url=f"http://{HOST}",
        session=learner_session,
        # The WSGI client does not undo gzip (the site compresses text).
        headers={"X-CSRFToken": CSRF_SECRET, "Accept-Encoding": "identity"},
        checks=CHECKS,
    )
