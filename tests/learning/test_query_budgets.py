"""Query budgets of the learner's pages, signed in, on a locality host.

A budget is the number of SQL queries a page may make. Counts do not depend on
the machine's speed, so CI can gate on them: a change that adds a query per
request fails here instead of showing up at the next campaign peak. Each budget
is the count measured when it was set (or lower, once reduced); lower it when a
change saves queries, never raise it without saying why in the commit.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from courses import api as courses_api
from courses.models import CoursePage, LessonPage
from lms.learning.models import CourseCompletion, LessonProgress
from lms.portal.catalog import catalog_cache_keys
from tenants import api as tenants_api

# Measured on a signed-in learner who is enrolled and has opened a lesson.
# Counts include the SAVEPOINT/RELEASE pair of each transaction (the test's own
# transaction turns BEGIN/COMMIT into them; in production they are round trips
# too). History: «Mi aprendizaje» 9 -> 7, course page 19 -> 7, lesson first view 50 -> 12 (one that does
# not complete the course; the site, route, navigation and body are cached per
# page-tree generation, ADR 0026), repeat view 39 -> 27 (no write within
# LAST_VIEWED_EVERY) -> 4 (the page row and route cached, no permission check
# for an enrolled learner); past LAST_VIEWED_EVERY too, since the time moves in
# a task (reads only in the request). A view that completes the course records the
# completion, its statement and notice in the same transaction: 26, and 27
# since the certificate's outbox row is written in that transaction too (a
# crash after the commit can no longer lose the certificate, ADR 0033).
COURSE_PAGE = 7
# Home 10 -> 8, now with a learning path and the person's progress in it: the
# catalog is cached per locality (one query for the progress instead), and the
# home's view restrictions are read in one query instead of two.
LOCALITY_HOME = 8
# The same with the locality's catalog to rebuild (ADR 0028): 11 when set.
LOCALITY_HOME_COLD = 11
MY_LEARNING = 7
LESSON_FIRST_VIEW = 12
LESSON_COMPLETING_VIEW = 27
# 4 -> 3: a view already stored is remembered in the cache (its row not read).
# 3 -> 2: the signed-in account row is kept in the cache (lms/accounts/signed_in.py);
# what is left is the session row (these settings keep sessions in the database
# only) and the schema's search_path before it.
LESSON_REPEAT_VIEW = 2
# As deployed (bench/settings_deployed.py: sessions read from the cache, written
# through to the database), a repeat view makes no query at all.
LESSON_REPEAT_VIEW_DEPLOYED = 0


@pytest.fixture
def learner_in_course(course, town_a, client_a, make_person):
    """A signed-in learner who already opened the first lesson (enrolled by it)."""
    learner = make_person()
    client_a.force_login(learner)
    with tenants_api.in_locality(town_a):
        course_url = CoursePage.objects.get(key="control").url
        lessons = {
            key: LessonPage.objects.get(key=key).url for key in ("cl1", "cl2", "cl3")
        }
    assert client_a.get(lessons["cl1"]).status_code == 200
    # Warm what every request after the first one finds ready (site root, etc.).
    assert client_a.get(course_url).status_code == 200
    # Another visitor opened the other lessons before: in a campaign, a
    # learner's first view of a lesson finds its route, navigation and body
    # cached (ADR 0026); only their own records are new.
    visitor = Client(HTTP_HOST="kennedy.test")
    for key in ("cl2", "cl3"):
        assert visitor.get(lessons[key]).status_code == 200
    return client_a, course_url, lessons


def test_course_page_budget(learner_in_course, django_assert_max_num_queries):
    client, course_url, _ = learner_in_course
    with django_assert_max_num_queries(COURSE_PAGE):
        response = client.get(course_url)
    assert response.status_code == 200
    assert "Retirarme del curso" in response.text  # only an enrolled learner sees it


def test_course_page_of_a_learner_in_a_group_costs_one_query_more(
    learner_in_course, town_a, make_person, django_assert_max_num_queries
):
    """«Su grupo … Próxima sesión»: the group and its next session in one read."""
    from datetime import timedelta

    from django.utils import timezone

    from lms.learning import api

    client, course_url, _ = learner_in_course
    with tenants_api.in_locality(town_a):
        today = timezone.localdate()
        cohort = api.create_cohort(
            "control", "Grupo de la tarde", facilitator_id=make_person().pk,
            starts_on=today, ends_on=today + timedelta(days=30), capacity=10,
            place="Biblioteca El Tintal",
        )  # fmt: skip
        soon = timezone.now() + timedelta(days=2)
        for title, starts in (("Taller pasado", soon - timedelta(days=9)),
                              ("Taller de veeduría", soon),
                              ("Taller de cierre", soon + timedelta(days=7))):  # fmt: skip
            api.schedule_session(
                cohort.cohort_id, title, starts_at=starts,
                ends_at=starts + timedelta(hours=2),
            )  # fmt: skip
        learner_id = int(client.session["_auth_user_id"])
        api.add_to_cohort(learner_id, cohort.cohort_id)

    with django_assert_max_num_queries(COURSE_PAGE + 1):
        response = client.get(course_url)

    assert response.status_code == 200
    assert "Su grupo: Grupo de la tarde" in response.text
    assert "Próxima sesión: Taller de veeduría" in response.text
    assert "Biblioteca El Tintal" in response.text
    assert "Taller pasado" not in response.text
    assert "Taller de cierre" not in response.text


def _with_a_path(client, town_a):
    """The course in a learning path, shown on the home page with progress; the
    home's cached catalog warmed."""
    with tenants_api.in_locality(town_a):
        courses_api.create_learning_path(
            "Ruta de control social", course_keys=["control"], key="ruta-control"
        )
    assert client.get("/").status_code == 200


def test_locality_home_budget(learner_in_course, town_a, django_assert_max_num_queries):
    client, _, _ = learner_in_course
    _with_a_path(client, town_a)
    with django_assert_max_num_queries(LOCALITY_HOME):
        response = client.get("/")
    assert response.status_code == 200
    # The path is there with this person's progress (1 of its 3 lessons read).
    assert "Ruta de control social" in response.text
    assert "En curso · 33 %" in response.text


def test_locality_home_with_a_cold_catalog_budget(
    learner_in_course, town_a, django_assert_max_num_queries
):
    """Once a minute per locality and language (or after a page change) the
    home rebuilds its cached catalog: courses, their view restrictions, paths."""
    from django.core.cache import cache

    client, _, _ = learner_in_course
    _with_a_path(client, town_a)
    cache.clear()
    assert client.get("/").status_code == 200  # the site root paths, etc.
    cache.delete_many(catalog_cache_keys())
    with django_assert_max_num_queries(LOCALITY_HOME_COLD):
        response = client.get("/")
    assert "Ruta de control social" in response.text


def test_my_learning_budget(learner_in_course, django_assert_max_num_queries):
    client, _, _ = learner_in_course
    with django_assert_max_num_queries(MY_LEARNING):
        response = client.get("/aprendizaje/")
    assert response.status_code == 200
    assert "Control social" in response.text


def test_lesson_first_view_budget(learner_in_course, django_assert_max_num_queries):
    client, _, lessons = learner_in_course
    # cl3 is optional: the course is not complete after it (cl2 is missing).
    with django_assert_max_num_queries(LESSON_FIRST_VIEW):
        response = client.get(lessons["cl3"])
    assert response.status_code == 200
    assert LessonProgress.objects.filter(lesson_key="cl3").exists()
    assert not CourseCompletion.objects.exists()


def test_lesson_view_completing_the_course_budget(
    learner_in_course, django_assert_max_num_queries
):
    client, _, lessons = learner_in_course
    # The last required lesson: completion, its statement and notice are
    # recorded in the same transaction as the view.
    with django_assert_max_num_queries(LESSON_COMPLETING_VIEW):
        response = client.get(lessons["cl2"])
    assert response.status_code == 200
    assert CourseCompletion.objects.filter(course_key="control").exists()


def test_lesson_repeat_view_budget(learner_in_course, django_assert_max_num_queries):
    client, _, lessons = learner_in_course
    # The first view's commit remembers it; the test's transaction never commits,
    # so one repeat view reads the row and remembers it instead.
    assert client.get(lessons["cl1"]).status_code == 200
    with django_assert_max_num_queries(LESSON_REPEAT_VIEW) as seen:
        response = client.get(lessons["cl1"])
    assert response.status_code == 200
    assert "Qué es el control social" in response.text
    # Reads only: no transaction, no write.
    verbs = {q["sql"].split()[0].upper() for q in seen.captured_queries}
    assert verbs <= {"SET", "SELECT"}, verbs


@pytest.fixture
def deployed_sessions(settings):
    """Sessions as production keeps them with Redis: ``cached_db``."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_lesson_repeat_view_as_deployed_makes_no_query(
    deployed_sessions, learner_in_course, django_assert_max_num_queries
):
    client, _, lessons = learner_in_course
    # The view, the account row and the session are all remembered by now.
    assert client.get(lessons["cl1"]).status_code == 200
    with django_assert_max_num_queries(LESSON_REPEAT_VIEW_DEPLOYED):
        response = client.get(lessons["cl1"])
    assert response.status_code == 200
    assert "Qué es el control social" in response.text
    # Still the learner's page: only a signed-in page has the sign-out form.
    assert f'action="{reverse("logout")}"' in response.text


def test_a_repeat_view_within_minutes_writes_nothing(
    course, make_person, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.learning import api
    from lms.learning.models import LessonProgress
    from lms.learning.progress import (
        LAST_VIEWED_EVERY,
        _remember_seen,
        touch_lesson_view,
    )

    learner = make_person()
    api.record_lesson_view(learner.pk, "control", "cl1")
    with CaptureQueriesContext(connection) as seen:
        with django_capture_on_commit_callbacks() as queued:
            api.record_lesson_view(learner.pk, "control", "cl1")
    assert [q["sql"].split()[0] for q in seen.captured_queries] == ["SELECT"]
    assert queued == []  # nothing for a task either
    # Now remembered: the next repeat view reads nothing at all.
    with CaptureQueriesContext(connection) as seen:
        api.record_lesson_view(learner.pk, "control", "cl1")
    assert seen.captured_queries == []

    # Past the window the call still writes nothing; the task moves the time.
    # (The row and what the cache remembers of it both say "long ago".)
    row = LessonProgress.objects.get(user_id=learner.pk, lesson_key="cl1")
    earlier = row.last_viewed_at - LAST_VIEWED_EVERY - timedelta(seconds=1)
    LessonProgress.objects.filter(pk=row.pk).update(last_viewed_at=earlier)
    _remember_seen(learner.pk, "cl1", "control", earlier)
    with CaptureQueriesContext(connection) as seen:
        with django_capture_on_commit_callbacks() as queued:
            api.record_lesson_view(learner.pk, "control", "cl1")
    assert seen.captured_queries == []
    assert len(queued) == 1  # the signal whose handler queues the task
    viewed_at = earlier + LAST_VIEWED_EVERY + timedelta(seconds=30)
    assert touch_lesson_view(learner.pk, "control", "cl1", viewed_at=viewed_at)
    row.refresh_from_db()
    assert row.last_viewed_at == viewed_at
    # A task that runs late, after a newer one, never moves the time back.
    assert touch_lesson_view(learner.pk, "control", "cl1", viewed_at=earlier)
    row.refresh_from_db()
    assert row.last_viewed_at == viewed_at


def test_a_repeat_view_after_the_window_writes_nothing_in_the_request(
    learner_in_course,
    town_a,
    monkeypatch,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """Past ``LAST_VIEWED_EVERY`` the request only reads and queues a task; the
    task moves "last viewed" and counts the day, once per window."""
    from datetime import timedelta

    from django.utils import timezone

    from lms.learning.models import ActiveDay
    from lms.learning.progress import LAST_VIEWED_EVERY
    from lms.learning.tasks import touch_lesson_view_task

    client, _, lessons = learner_in_course
    row = LessonProgress.objects.get(lesson_key="cl1")  # the learner's only view
    # Yesterday's view: the task must also count today as an active day.
    earlier = timezone.now() - timedelta(days=1)
    LessonProgress.objects.filter(pk=row.pk).update(last_viewed_at=earlier)
    ActiveDay.objects.filter(user_id=row.user_id).delete()
    sent = []  # the broker's side: what would be queued
    monkeypatch.setattr(
        touch_lesson_view_task, "apply_async", lambda **kw: sent.append(kw["args"])
    )

    with django_capture_on_commit_callbacks(execute=True):
        # Nothing remembered yet (the first view never committed): this view
        # reads its row, one query more than a remembered one.
        with django_assert_max_num_queries(LESSON_REPEAT_VIEW + 1) as seen:
            response = client.get(lessons["cl1"])
        # A second view before the task ran queues nothing more.
        assert client.get(lessons["cl1"]).status_code == 200
    assert response.status_code == 200
    verbs = {q["sql"].split()[0].upper() for q in seen.captured_queries}
    assert not verbs & {"INSERT", "UPDATE", "DELETE"}, verbs
    row.refresh_from_db()
    assert row.last_viewed_at == earlier
    assert len(sent) == 1
    assert sent[0][:4] == [town_a, row.user_id, "control", "cl1"]

    assert touch_lesson_view_task(*sent[0])  # as the worker runs it
    row.refresh_from_db()
    assert row.last_viewed_at > earlier + LAST_VIEWED_EVERY
    assert ActiveDay.objects.filter(
        user_id=row.user_id, course_key="control", day=timezone.localdate()
    ).exists()


def test_my_learning_budget_does_not_grow_with_courses(
    course, town_a, client_a, make_person, django_assert_max_num_queries
):
    """Three courses (one in a cohort with a session ahead, one completed)
    cost what one does: the page reads all courses' rows at once."""
    from datetime import timedelta

    from django.utils import timezone

    from courses import api as courses_api
    from lms.learning import api

    learner = make_person()
    for key, title in (("datos", "Datos abiertos"), ("presupuesto", "Presupuestos")):
        courses_api.create_course(title, key=key)
        courses_api.add_module(key, "Módulo", key=f"{key}-m")
        courses_api.add_lesson(f"{key}-m", "Lección", key=f"{key}-l")
    today = timezone.localdate()
    cohort = api.create_cohort(
        "datos",
        "Grupo de la tarde",
        facilitator_id=make_person().pk,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        capacity=10,
    )
    soon = timezone.now() + timedelta(days=2)
    api.schedule_session(
        cohort.cohort_id, "Taller", starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    api.enroll(learner.pk, "datos", cohort_id=cohort.cohort_id)
    for lesson in ("cl1", "cl2"):
        api.record_lesson_view(learner.pk, "control", lesson)  # completes it
    api.record_lesson_view(learner.pk, "presupuesto", "presupuesto-l")
    client_a.force_login(learner)
    assert client_a.get("/aprendizaje/").status_code == 200  # warm the site

    with django_assert_max_num_queries(MY_LEARNING):
        response = client_a.get("/aprendizaje/")

    assert response.status_code == 200
    for shown in ("Control social", "Datos abiertos", "Presupuestos", "Taller"):
        assert shown in response.text
    mine = {c.course_key: c for c in api.list_my_courses(learner.pk)}
    assert set(mine) == {"control", "datos", "presupuesto"}
    assert mine["control"].completed_at is not None
    assert mine["control"].lessons_done == 2 and mine["datos"].lessons_done == 0
    assert mine["presupuesto"].percent == 100
