"""Player, files and the xAPI endpoint over HTTP."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from h5p import api
from lms.learning import api as learning_api

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures


@pytest.fixture
def truefalse(in_town_a, h5p_media):
    path = next(p for p in VALID if p.name == "H5P.TrueFalse.h5p")
    return api.upload_package(path.read_bytes(), name=path.name, may_add_libraries=True)


def answered(score: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://kennedy.test/h5p/x/"},
        "result": {
            "score": {"raw": score, "max": 1, "scaled": score},
            "success": bool(score),
            "completion": True,
        },
    }


def test_player_runs_in_an_opaque_sandbox(truefalse, client_a):
    response = client_a.get(f"/h5p/{truefalse.key}/reproductor/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    assert "allow-same-origin" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    page = response.content.decode()
    assert "/static/h5p-standalone/main.bundle.js" in page
    assert "cdn" not in page.lower()


def _directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in policy.split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_player_reaches_only_this_site_by_default(truefalse, client_a):
    policy = _directives(
        client_a.get(f"/h5p/{truefalse.key}/reproductor/")["Content-Security-Policy"]
    )

    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self' 'unsafe-eval'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-src"] == "'none'"
    assert policy["form-action"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


def test_deployment_allow_lists_reach_the_player_policy(truefalse, client_a, settings):
    settings.H5P_FRAME_ALLOWED_ORIGINS = [
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
    ]
    settings.H5P_SCRIPT_ALLOWED_ORIGINS = ["https://www.youtube.com"]

    policy = _directives(
        client_a.get(f"/h5p/{truefalse.key}/reproductor/")["Content-Security-Policy"]
    )

    assert policy["frame-src"] == (
        "https://www.youtube.com https://www.youtube-nocookie.com"
    )
    assert policy["script-src"] == "'self' 'unsafe-eval' https://www.youtube.com"
    assert policy["connect-src"] == "'self'"  # still no third-party connections


def test_stored_files_keep_their_own_stricter_policy(truefalse, client_a):
    response = client_a.get(f"/h5p/archivos/content/{truefalse.key}/h5p.json")

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox; default-src")


def test_activity_page_embeds_the_sandboxed_iframe(truefalse, client_a):
    page = client_a.get(f"/h5p/{truefalse.key}/").content.decode()
    assert 'sandbox="allow-scripts"' in page
    assert f"/h5p/{truefalse.key}/reproductor/" in page
    assert "Inicie sesión para que su resultado quede guardado." in page


def test_files_are_served_for_the_player_and_cannot_escape(truefalse, client_a):
    response = client_a.get(f"/h5p/archivos/content/{truefalse.key}/h5p.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(b"".join(response.streaming_content))["mainLibrary"] == (
        "H5P.TrueFalse"
    )
    lib = client_a.get("/h5p/archivos/libraries/H5P.TrueFalse-1.6/library.json")
    assert lib.status_code == 200
    for bad in ("content/../../../etc/passwd", "..%2F..%2Fsettings.py", "otro/x"):
        assert client_a.get(f"/h5p/archivos/{bad}").status_code == 404


def test_xapi_needs_a_signed_in_learner_and_csrf(truefalse, make_person):
    url = f"/h5p/{truefalse.key}/xapi/"
    anonymous = Client(HTTP_HOST="kennedy.test")
    denied = anonymous.post(url, [answered(1)], content_type="application/json")
    assert denied.status_code == 403
    assert "Inicie sesión" in denied.json()["error"]
    strict = Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True)
    strict.force_login(make_person())
    assert (
        strict.post(url, [answered(1)], content_type="application/json").status_code
        == 403
    )


def test_xapi_stores_once_and_updates_the_state(truefalse, client_a, make_person):
    learner = make_person()
    client_a.force_login(learner)
    url = f"/h5p/{truefalse.key}/xapi/"
    wrong, right = answered(0), answered(1)
    first = client_a.post(url, [wrong, right], content_type="application/json")
    assert first.status_code == 200
    assert first.json()["stored"] == 2
    retry = client_a.post(url, right, content_type="application/json")
    assert retry.json() | {"state": None} == {
        "stored": 0,
        "duplicates": 1,
        "state": None,
    }
    state = learning_api.get_activity_state(learner.pk, truefalse.activity_key)
    assert state.passed and state.best_score_raw == 1 and state.statements_count == 2


def test_xapi_answer_is_what_its_schema_documents(truefalse, client_a, make_person):
    # The 200 answer is written by hand (h5p/rest.py), not by django-ninja:
    # it must still be exactly XapiOut, with the state just recorded.
    from h5p.rest import XapiOut

    learner = make_person()
    client_a.force_login(learner)
    response = client_a.post(
        f"/h5p/{truefalse.key}/xapi/",
        [answered(0), answered(1)],
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert XapiOut.model_validate(body).model_dump() == body
    assert body == {
        "stored": 2,
        "duplicates": 0,
        "state": {
            "attempted": True,
            "completed": True,
            "passed": True,
            "best_score_scaled": 1.0,
            "best_score_raw": 1.0,
            "best_score_max": 1.0,
        },
    }


def test_xapi_refuses_bad_input_in_spanish(truefalse, client_a, make_person):
    client_a.force_login(make_person())
    url = f"/h5p/{truefalse.key}/xapi/"
    bad_json = client_a.post(url, "{no", content_type="application/json")
    assert bad_json.status_code == 400 and "JSON" in bad_json.json()["error"]
    no_verb = client_a.post(
        url, [{"id": str(uuid.uuid4())}], content_type="application/json"
    )
    assert no_verb.status_code == 400 and "verbo" in no_verb.json()["error"]
    missing = client_a.post("/h5p/noexiste/xapi/", [], content_type="application/json")
    assert missing.status_code == 404


def test_resume_state_round_trip(truefalse, client_a, make_person):
    learner = make_person()
    client_a.force_login(learner)
    saved = client_a.post(
        f"/h5p/{truefalse.key}/estado/",
        {"state": '{"answer":true}'},
        content_type="application/json",
    )
    assert saved.json() == {"saved": True}
    page = client_a.get(f"/h5p/{truefalse.key}/").content.decode()
    assert "{\\u0022answer\\u0022:true}" in page or '{\\"answer\\":true}' in page


def test_player_files_are_per_locality(truefalse, town_b):
    other = Client(HTTP_HOST="bosa.test")
    assert other.get(f"/h5p/{truefalse.key}/reproductor/").status_code == 404
    assert (
        other.get(f"/h5p/archivos/content/{truefalse.key}/h5p.json").status_code == 404
    )


def test_block_keeps_a_stable_import_path_for_migrations():
    from h5p.blocks import H5PActivityBlock

    path, args, _ = H5PActivityBlock(required=False).deconstruct()
    assert path == "h5p.blocks.H5PActivityBlock"
    assert args == ()
    assert H5PActivityBlock().target_model._meta.label == "h5p.H5PContent"


def test_files_answer_the_cors_preflight(truefalse, client_a):
    response = client_a.options(
        f"/h5p/archivos/content/{truefalse.key}/h5p.json",
        HTTP_ORIGIN="null",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-requested-with",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Headers"] == "x-requested-with"
    assert (
        client_a.post(f"/h5p/archivos/content/{truefalse.key}/h5p.json").status_code
        == 405
    )


def _stored(activity_key: str) -> list:
    from lms.learning.models import XapiStatement

    return list(
        XapiStatement.objects.filter(activity_key=activity_key).order_by("stored_at")
    )


def test_xapi_exact_replay_is_accepted_and_stored_once(
    truefalse, client_a, make_person
):
    client_a.force_login(make_person())
    url = f"/h5p/{truefalse.key}/xapi/"
    statement = answered(1) | {"timestamp": "2026-03-01T10:00:00-05:00"}
    assert (
        client_a.post(url, statement, content_type="application/json").json()["stored"]
        == 1
    )
    # The same statement as an LRS may hand it back: fields it assigns, the
    # verb's display, the timestamp in another time zone.
    replay = statement | {
        "stored": "2026-03-01T15:00:01Z",
        "version": "1.0.3",
        "authority": {"mbox": "mailto:lrs@example.org"},
        "verb": statement["verb"] | {"display": {"es": "respondió"}},
        "timestamp": "2026-03-01T15:00:00Z",
    }
    again = client_a.post(url, replay, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["stored"] == 0 and again.json()["duplicates"] == 1
    assert len(_stored(truefalse.activity_key)) == 1


def test_xapi_conflicting_replay_is_409_and_keeps_the_old_data(
    truefalse, client_a, make_person
):
    learner = make_person()
    client_a.force_login(learner)
    url = f"/h5p/{truefalse.key}/xapi/"
    first = answered(0)
    client_a.post(url, first, content_type="application/json")
    changed = answered(1) | {"id": first["id"]}

    response = client_a.post(url, changed, content_type="application/json")

    assert response.status_code == 409
    assert first["id"] in response.json()["error"]
    assert "contenido distinto" in response.json()["error"]
    rows = _stored(truefalse.activity_key)
    assert len(rows) == 1 and rows[0].score_raw == 0
    state = learning_api.get_activity_state(learner.pk, truefalse.activity_key)
    assert not state.passed and state.statements_count == 1


def test_xapi_conflict_inside_a_batch_refuses_the_whole_batch(
    truefalse, client_a, make_person
):
    learner = make_person()
    client_a.force_login(learner)
    url = f"/h5p/{truefalse.key}/xapi/"
    first = answered(0)
    client_a.post(url, first, content_type="application/json")
    batch = [answered(1), answered(1) | {"id": first["id"]}, answered(1)]

    response = client_a.post(url, batch, content_type="application/json")

    assert response.status_code == 409
    assert [r.statement_id for r in _stored(truefalse.activity_key)] == [
        uuid.UUID(first["id"])
    ]
    state = learning_api.get_activity_state(learner.pk, truefalse.activity_key)
    assert not state.passed and state.statements_count == 1


def test_xapi_same_id_from_another_learner_is_a_conflict(
    truefalse, client_a, make_person
):
    url = f"/h5p/{truefalse.key}/xapi/"
    statement = answered(1)
    client_a.force_login(make_person())
    client_a.post(url, statement, content_type="application/json")
    client_a.force_login(make_person())
    assert (
        client_a.post(url, statement, content_type="application/json").status_code
        == 409
    )
