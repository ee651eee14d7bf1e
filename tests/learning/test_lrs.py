"""Forwarding statements to an external LRS: batches, retries, pseudonymous actor.

Only the HTTP boundary is mocked (``responses``)."""

from __future__ import annotations

import json

import pytest
import responses

from lms.learning import api
from lms.learning.models import XapiStatement

from .test_api import statement

LRS = "https://lrs.example.org/xAPI/statements"


@pytest.fixture
def lrs(settings):
    settings.LEARNING_LRS_URL = LRS
    settings.LEARNING_LRS_USERNAME = "lms"
    settings.LEARNING_LRS_PASSWORD = "clave"
    with responses.RequestsMock() as mock:
        yield mock


def test_statements_go_in_batches_once_with_the_account_id_not_the_email(
    in_town_a, make_person, lrs
):
    learner = make_person()
    api.record_statements(
        learner.pk,
        [statement("answered") for _ in range(5)],
        activity_key="h5p:votar",
    )
    lrs.add(responses.POST, LRS, json=[], status=200)

    assert api.forward_statements(batch_size=2) == 5
    assert [len(json.loads(call.request.body)) for call in lrs.calls] == [2, 2, 1]
    first = json.loads(lrs.calls[0].request.body)[0]
    assert first["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "urn:lms:test_kennedy", "name": str(learner.pk)},
    }
    assert "mbox" not in json.dumps(first)
    assert lrs.calls[0].request.headers["X-Experience-API-Version"] == "1.0.3"
    assert api.forward_statements() == 0  # nothing sent twice
    assert len(lrs.calls) == 3


def test_a_failing_lrs_keeps_the_batch_for_the_retry(in_town_a, make_person, lrs):
    learner = make_person()
    api.record_statements(learner.pk, [statement("answered")], activity_key="h5p:x")
    lrs.add(responses.POST, LRS, status=503, body="mantenimiento")
    with pytest.raises(api.LrsUnavailable, match="503"):
        api.forward_statements()
    assert XapiStatement.objects.filter(forwarded_at__isnull=True).count() == 1
    lrs.replace(responses.POST, LRS, status=409)  # already there: accepted
    assert api.forward_statements() == 1


def test_nothing_is_sent_without_an_lrs(in_town_a, make_person, settings):
    settings.LEARNING_LRS_URL = ""
    learner = make_person()
    api.record_statements(learner.pk, [statement("answered")], activity_key="h5p:x")
    assert api.forward_statements() == 0
