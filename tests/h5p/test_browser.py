"""A learner answers H5P activities in a real browser and the score is stored;
every valid package plays, with its fonts, in the sandbox.

The locality, its packages and the shared steps are in ``live_site.py``; the
phone, a broken package and the page's weight in ``test_browser_phone.py``.
"""

from __future__ import annotations

import time

import pytest

from tests.browser import chromium, needs_chromium

from .conftest import VALID, needs_fixtures
from .live_site import content_frame, h5p_site, player_page, stored_state, wait_saved

pytestmark = [
    pytest.mark.browser,
    needs_fixtures,
    # Without a db-marked test in the run, pytest-django would not switch to the
    # test database at all and the module fixture would hit the real one.
    pytest.mark.django_db,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The locality with every valid package, a learner and a running server."""
    with h5p_site(django_db_blocker, packages=VALID) as site:
        yield site


@pytest.fixture
def browser():
    """Per test, started after the test's database transaction: while Playwright's
    loop runs in this thread Django would hand out a different connection."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(site, browser):
    page = player_page(browser, site)
    yield page
    page.context.close()


def test_learner_answers_true_false_and_the_score_is_stored(
    site, page, django_db_blocker
):
    key = site["keys"]["H5P.TrueFalse.h5p"]
    page.goto(f"{site['url']}/h5p/{key}/")
    frame = content_frame(page, ".h5p-true-false-answer")
    frame.locator(".h5p-true-false-answer", has_text="Yes").click()
    frame.locator(".h5p-question-check-answer").click()
    status = wait_saved(page)
    assert "Progreso guardado" in status
    deadline = time.monotonic() + 10
    state = stored_state(django_db_blocker, site["learner"], key)
    while (state is None or not state.completed) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        state = stored_state(django_db_blocker, site["learner"], key)
    assert state.completed and state.passed
    assert (state.best_score_raw, state.best_score_max) == (1, 1)
    # The player's saved state is kept and given back: the answer is restored.
    while '"answer":true' not in state.resume_state and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        state = stored_state(django_db_blocker, site["learner"], key)
    assert '"answer":true' in state.resume_state
    page.reload()
    frame = content_frame(page, ".h5p-true-false-answer")
    chosen = frame.locator(".h5p-true-false-answer[aria-checked='true']")
    chosen.wait_for()
    assert chosen.inner_text().strip() == "Yes"


def test_learner_answers_multichoice_and_the_score_is_stored(
    site, page, django_db_blocker
):
    key = site["keys"]["H5P.MultiChoice.h5p"]
    page.goto(f"{site['url']}/h5p/{key}/")
    frame = content_frame(page, ".h5p-answer")
    frame.locator(".h5p-answer", has_text="Blue").click()
    frame.locator(".h5p-question-check-answer").click()
    wait_saved(page)
    deadline = time.monotonic() + 10
    state = stored_state(django_db_blocker, site["learner"], key)
    while (state is None or not state.completed) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        state = stored_state(django_db_blocker, site["learner"], key)
    assert state.completed and not state.passed
    assert state.best_score_raw == 0 and state.best_score_max == 1
    # The package's JavaScript runs in an opaque origin: no cookies, no parent DOM.
    frame_cookie = frame.evaluate(
        "() => { try { return document.cookie; } catch (e) { return 'bloqueado'; } }"
    )
    assert "sessionid" not in frame_cookie
    reaches_parent = frame.evaluate(
        "() => { try { return !!window.top.document.body; } catch (e) { return false; } }"
    )
    assert reaches_parent is False


@pytest.mark.parametrize("name", [p.name for p in VALID])
def test_every_valid_package_plays(site, page, name):
    page.goto(f"{site['url']}/h5p/{site['keys'][name]}/")
    frame = content_frame(page, "body[data-h5p-ready='1'] .h5p-content")
    assert frame.evaluate("() => document.body.getAttribute('data-h5p-error')") is None
    # Rendered: the content type built elements of visible size (some show only
    # images, so text is not a criterion).
    frame.wait_for_function(
        "() => { const c = document.querySelector('.h5p-content');"
        " return c.children.length > 0 && c.getBoundingClientRect().height > 40; }"
    )
    assert not page.problems, page.problems


def test_the_players_fonts_load_in_the_sandbox(site, page):
    """Fonts are fetched in CORS mode from the opaque origin "null"."""
    page.goto(f"{site['url']}/h5p/{site['keys']['H5P.TrueFalse.h5p']}/")
    frame = content_frame(page, "body[data-h5p-ready='1'] .h5p-content")
    declared = frame.evaluate("() => document.fonts.size")
    failed = frame.evaluate(
        "() => Promise.all([...document.fonts].map(f => f.load().then("
        " () => null, () => f.family + ' ' + f.weight + ' ' + f.style)))"
        ".then(r => r.filter(Boolean))"
    )
    assert declared >= 10
    assert failed == []
    assert not page.problems, page.problems
