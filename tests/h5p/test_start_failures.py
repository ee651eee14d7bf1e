"""A player that fails to start is logged and counted, boundedly, naming no one."""

from __future__ import annotations

import json
import logging

import pytest

from h5p import api
from h5p.failures import MAX_MESSAGES, OTHER
from h5p.models import H5PStartFailure

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures


@pytest.fixture
def truefalse(in_town_a, h5p_media):
    path = next(p for p in VALID if p.name == "H5P.TrueFalse.h5p")
    return api.upload_package(path.read_bytes(), name=path.name, may_add_libraries=True)


def _report(client, key, message):
    return client.post(
        f"/h5p/{key}/fallo/",
        data=json.dumps({"message": message}),
        content_type="application/json",
    )


def test_a_failure_is_logged_and_counted_once_per_message(truefalse, client_a, caplog):
    with caplog.at_level(logging.WARNING, logger="h5p"):
        for _ in range(3):
            assert _report(
                client_a, truefalse.key, "TypeError: x\nis undefined"
            ).json() == {"recorded": True}
    row = H5PStartFailure.objects.get()
    assert (row.message, row.count) == ("TypeError: x is undefined", 3)
    assert row.content.key == truefalse.key
    logged = [r.getMessage() for r in caplog.records if r.name == "h5p"]
    assert (
        logged
        == [
            f"La actividad H5P {truefalse.key} no pudo iniciar: TypeError: x is undefined"
        ]
        * 3
    )


def test_anyone_may_report_but_what_is_kept_is_bounded(truefalse, client_a):
    for number in range(MAX_MESSAGES + 5):
        _report(client_a, truefalse.key, f"error {number} " + "x" * 1000)
    rows = H5PStartFailure.objects.filter(content__key=truefalse.key)
    assert rows.count() == MAX_MESSAGES + 1
    assert rows.get(message=OTHER).count == 5
    assert max(len(r.message) for r in rows) == 300
    # Known messages keep being counted on their own row.
    _report(client_a, truefalse.key, "error 0 " + "x" * 1000)
    assert rows.get(message=OTHER).count == 5
    assert rows.get(message__startswith="error 0 ").count == 2


def test_unknown_activity_and_bad_body_are_refused_in_spanish(truefalse, client_a):
    missing = _report(client_a, "no-existe", "x")
    assert missing.status_code == 404
    assert missing.json() == {"error": "Actividad H5P no encontrada."}
    bad = client_a.post(
        f"/h5p/{truefalse.key}/fallo/", data="[1]", content_type="application/json"
    )
    assert bad.status_code == 400
    assert "«message»" in bad.json()["error"]
    assert not H5PStartFailure.objects.exists()


def test_the_block_tells_the_relay_where_to_report(truefalse, client_a):
    page = client_a.get(f"/h5p/{truefalse.key}/").content.decode()
    assert f'data-failure-url="/h5p/{truefalse.key}/fallo/"' in page
