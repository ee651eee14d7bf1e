"""The xAPI endpoint under overload: JSON 503 with Retry-After, nothing stored.

The overload is real: PostgreSQL cancels the statement at ``statement_timeout``
(as it does when the server is saturated), which reaches Django as an
``OperationalError``, the same class as a pool with no free connection.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client

from h5p import views
from lms.learning import api as learning_api

from .conftest import needs_fixtures
from .test_views import answered, truefalse  # noqa: F401

pytestmark = needs_fixtures


def _times_out(*args, **kwargs):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '20ms'")
        cursor.execute("SELECT pg_sleep(1)")


@pytest.fixture
def learner_client(truefalse, make_person):  # noqa: F811
    client = Client(HTTP_HOST="kennedy.test", raise_request_exception=False)
    learner = make_person()
    client.force_login(learner)
    return client, learner


def test_a_statement_timeout_answers_json_503_and_the_retry_stores_once(
    truefalse,  # noqa: F811
    learner_client,
    monkeypatch,
):
    client, learner = learner_client
    url = f"/h5p/{truefalse.key}/xapi/"
    batch = [answered(0), answered(1)]
    stored = views.api.record_xapi
    monkeypatch.setattr(views.api, "record_xapi", _times_out)

    busy = client.post(url, batch, content_type="application/json")

    assert busy.status_code == 503
    assert busy["Retry-After"] == "10"
    assert busy["Content-Type"] == "application/json"
    assert "envíela de nuevo en 10 segundos" in busy.json()["error"]
    assert busy.json()["retry_after"] == 10
    state = learning_api.get_activity_state(learner.pk, truefalse.activity_key)
    assert state is None or state.statements_count == 0

    # The relay sends the same batch (same ids) again: stored, once.
    monkeypatch.setattr(views.api, "record_xapi", stored)
    again = client.post(url, batch, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["stored"] == 2


def test_pages_get_a_503_page_and_other_errors_stay_500(
    truefalse,  # noqa: F811
    learner_client,
    monkeypatch,
):
    client, _learner = learner_client
    monkeypatch.setattr(views, "render", _times_out)
    page = client.get(f"/h5p/{truefalse.key}/")
    assert page.status_code == 503
    assert page["Retry-After"] == "10"
    assert "Intente de nuevo en 10 segundos" in page.content.decode()

    def broken(*args, **kwargs):
        raise ValueError("un error de programación")

    monkeypatch.setattr(views.api, "record_xapi", broken)
    bug = client.post(
        f"/h5p/{truefalse.key}/xapi/", [answered(1)], content_type="application/json"
    )
    assert bug.status_code == 500
