"""The attendance page's QR renews itself: the facilitator's JSON endpoint, and
in Chromium a code that changes on screen while a ticked box stays ticked."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from courses import api as courses_api
from lms.learning import api, views
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import (
    SCROLLS,
    chromium,
    live_locality,
    needs_chromium,
    signed_in_page,
)

SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"


def _session(town, course, facilitator, *learners):
    with tenants_api.in_locality(town):
        cohort = api.create_cohort(
            course,
            "Grupo del sábado",
            facilitator_id=facilitator.pk,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
            capacity=10,
        )
        for learner in learners:
            api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
        start = timezone.now()
        return api.schedule_session(
            cohort.cohort_id,
            "Taller",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )


def test_the_facilitator_gets_a_fresh_code_as_json(
    course, town_a, client_a, make_person
):
    facilitator, learner = make_person(), make_person()
    session = _session(town_a, course, facilitator, learner)
    url = f"/aprendizaje/sesiones/{session.session_id}/qr/"

    assert client_a.get(url).status_code == 302  # signed out: to the sign-in page
    client_a.force_login(learner)
    assert client_a.get(url).status_code == 404  # not the group's facilitator
    client_a.force_login(facilitator)
    response = client_a.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["svg"].startswith("<svg") and data["svg"].endswith("</svg>")
    assert data["valid_seconds"] == api.QR_MAX_AGE_SECONDS
    # The page points its script at this endpoint, renewing well before expiry.
    page = client_a.get(f"/aprendizaje/sesiones/{session.session_id}/asistencia/")
    assert f'data-qr-refresh-url="{url}"' in page.text
    seconds = int(re.search(r'data-qr-refresh-seconds="(\d+)"', page.text)[1])
    assert 0 < seconds < api.QR_MAX_AGE_SECONDS
    assert "learning/session-qr.js" in page.text


SPEC = LocalitySpec(schema_name="test_qr_live", name="Usme", slug="usme")
HOST = "usme-qr.localhost"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A locality with a session of a group of two, served live."""
    with live_locality(SPEC, HOST, django_db_blocker) as town:
        facilitator = town.add_person(
            "facilita-qr", first_name="Rocío", last_name="Díaz"
        )
        learners = [
            town.add_person(f"aprende-qr{n}", first_name=first, last_name="Usme")
            for n, first in enumerate(("Ana", "Bruno"))
        ]
        with tenants_api.in_locality(SPEC.schema_name):
            roles_api.grant_role(facilitator.pk, roles_api.Role.FACILITATOR)
            courses_api.create_course("Control social", key="qr-control")
            courses_api.add_module("qr-control", "Uno", key="qr-m1")
            courses_api.add_lesson("qr-m1", "Lección", key="qr-l1")
        session = _session(SPEC.schema_name, "qr-control", facilitator, *learners)
        with town.serving() as url:
            yield {
                "url": url,
                "facilitator": facilitator,
                "page": f"/aprendizaje/sesiones/{session.session_id}/asistencia/",
                "learners": learners,
            }


@pytest.mark.browser
@pytest.mark.django_db
@needs_chromium
def test_the_qr_changes_on_screen_and_ticked_boxes_stay(site, monkeypatch):
    monkeypatch.setattr(views, "QR_REFRESH_SECONDS", 1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for width, height in ((360, 740), (1280, 800)):
            page = signed_in_page(
                browser,
                site["url"],
                site["facilitator"].username,
                viewport={"width": width, "height": height},
            )
            page.goto(site["url"] + site["page"])
            first_qr = page.inner_html("[data-qr-refresh-url]")
            box = page.get_by_label("Ana Usme")
            box.check()
            time.sleep(1.2)  # the code's timestamp is in seconds: let one pass
            page.wait_for_function(
                "(old) => document.querySelector('[data-qr-refresh-url]')"
                ".innerHTML !== old",
                arg=first_qr,
            )
            new_qr = page.locator("[data-qr-refresh-url] svg")
            assert new_qr.count() == 1
            assert new_qr.bounding_box()["width"] >= 100  # drawn, not just in the DOM
            assert box.is_checked()  # renewing the code reloaded nothing
            assert "Código renovado:" in page.inner_text("[data-qr-status]")
            assert not page.evaluate(SCROLLS)
            page.screenshot(
                path=SCREENSHOTS / f"asistencia-qr-{width}.png", full_page=True
            )
            assert page.problems == []
            page.context.close()
