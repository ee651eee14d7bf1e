"""``bench/learning.py`` counts a lesson load only when the page is a signed-in
learner's: its sessions name the project's sign-in backend, and its check looks
for the sign-out form, which an anonymous page does not have. Both are pinned
here, so a template or settings change that breaks them fails in CI and not
silently in the next benchmark (the bench once measured anonymous
pages because its sessions named a backend the project does not use)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from bench.learning import signin_backend
from courses.models import LessonPage

MARKER = f'action="{reverse("logout")}"'


def _session_cookie(user) -> str:
    # What bench/learning.py writes for each simulated learner.
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = signin_backend(settings.AUTHENTICATION_BACKENDS)
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def test_bench_sessions_are_signed_in_and_anonymous_pages_fail_its_check(
    course, make_person
):
    url = LessonPage.objects.get(key="cl1").url
    anonymous = Client(HTTP_HOST="kennedy.test").get(url)
    assert anonymous.status_code == 200
    assert MARKER not in anonymous.text

    learner = Client(HTTP_HOST="kennedy.test")
    learner.cookies["sessionid"] = _session_cookie(make_person())
    page = learner.get(url)
    assert page.status_code == 200
    assert MARKER in page.text


def test_a_session_naming_another_backend_is_anonymous(course, make_person):
    # The old bench's session: Django ignores a backend not in the settings.
    session = SessionStore()
    user = make_person()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    client = Client(HTTP_HOST="kennedy.test")
    client.cookies["sessionid"] = session.session_key
    page = client.get(LessonPage.objects.get(key="cl1").url)
    assert MARKER not in page.text
