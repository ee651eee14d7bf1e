"""The learner's pages served from the page-tree cache (ADR 0026): every change a
learner must see shows at once, and nothing of one person reaches another.

Each test first warms the cache with a view (as the campaign's first learner
does), then changes the tree the way an editor or a release does, and looks
again.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from courses import api as courses_api
from courses.models import CoursePage, LessonPage, ModulePage
from tenants import api as tenants_api

from .conftest import make_image


@pytest.fixture
def lesson_course(in_town_a):
    courses_api.create_course("Presupuestos", key="presu")
    courses_api.add_module("presu", "Módulo uno", key="pm1")
    courses_api.add_lesson(
        "pm1", "Qué es", key="p1", body=[("text", "<p>Texto primero</p>")]
    )
    courses_api.add_lesson("pm1", "Cómo se vota", key="p2")
    courses_api.add_module("presu", "Módulo dos", key="pm2")
    courses_api.add_lesson("pm2", "Seguimiento", key="p3")
    return {key: LessonPage.objects.get(key=key).url for key in ("p1", "p2", "p3")} | {
        "course": CoursePage.objects.get(key="presu").url
    }


def _publish_edit(key: str, **fields) -> None:
    lesson = LessonPage.objects.get(key=key)
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.save_revision().publish()


def test_an_edit_published_shows_its_new_body_at_once(lesson_course, client_a):
    assert "Texto primero" in client_a.get(lesson_course["p1"]).text
    _publish_edit("p1", body=[{"type": "text", "value": "<p>Texto corregido</p>"}])
    page = client_a.get(lesson_course["p1"]).text
    assert "Texto corregido" in page
    assert "Texto primero" not in page


def test_an_unpublished_lesson_leaves_the_navigation_and_answers_404(
    lesson_course, client_a
):
    assert 'href="' + lesson_course["p2"] in client_a.get(lesson_course["p1"]).text
    LessonPage.objects.get(key="p2").unpublish()
    assert client_a.get(lesson_course["p2"]).status_code == 404
    first = client_a.get(lesson_course["p1"]).text
    assert lesson_course["p2"] not in first
    assert "Lección 1 de 2" in first
    assert lesson_course["p2"] not in client_a.get(lesson_course["course"]).text


def test_a_moved_lesson_is_served_at_its_new_address_only(lesson_course, client_a):
    assert client_a.get(lesson_course["p3"]).status_code == 200
    client_a.get(lesson_course["course"])
    lesson = LessonPage.objects.get(key="p3")
    lesson.move(ModulePage.objects.get(key="pm1"), pos="last-child")
    new_url = LessonPage.objects.get(key="p3").url
    assert new_url != lesson_course["p3"]
    # Not the cached route to the old place: Wagtail's redirect to the new one.
    old = client_a.get(lesson_course["p3"])
    assert (old.status_code, old["Location"]) == (301, new_url)
    assert client_a.get(new_url).status_code == 200
    assert new_url in client_a.get(lesson_course["course"]).text


def test_a_renamed_lesson_shows_in_its_neighbours_navigation(lesson_course, client_a):
    assert "Cómo se vota" in client_a.get(lesson_course["p1"]).text
    _publish_edit("p2", title="Cómo se decide")
    assert "Cómo se decide" in client_a.get(lesson_course["p1"]).text
    assert "Cómo se decide" in client_a.get(lesson_course["course"]).text


def test_a_new_course_version_released_shows_at_once(
    campus, town_a, client_a, django_capture_on_commit_callbacks
):
    def release():
        with tenants_api.in_locality(campus):
            with django_capture_on_commit_callbacks(execute=False):
                done = courses_api.release_course("vers", schema_names=[town_a])
            return courses_api.run_release(done.release_id)

    with tenants_api.in_locality(campus):
        courses_api.create_course("Versiones", key="vers")
        courses_api.add_module("vers", "Módulo", key="vm")
        courses_api.add_lesson("vm", "Uno", key="v1", body=[("text", "<p>Antes</p>")])
    assert release().status == "done"
    with tenants_api.in_locality(town_a):
        url = LessonPage.objects.get(key="v1").url
    assert "Antes" in client_a.get(url).text

    with tenants_api.in_locality(campus):
        lesson = LessonPage.objects.get(key="v1")
        lesson.body = [{"type": "text", "value": "<p>Después</p>"}]
        lesson.save_revision().publish()
        courses_api.add_lesson("vm", "Dos", key="v2")
    assert release().status == "done"
    page = client_a.get(url).text
    assert "Después" in page
    assert "Dos" in page  # the new lesson is in the navigation
    assert "Lección 1 de 2" in page


def test_a_second_learner_never_sees_the_first_ones_progress_or_quiz(
    lesson_course, make_person
):
    courses_api.add_quiz_to_lesson(
        "p2",
        {
            "key": "",
            "title": "Repaso",
            "pass_percent": 100,
            "max_attempts": 3,
            "questions": [
                {"type": "true_false", "value": {"text": "¿Se vota?", "answer": "si"}}
            ],
        },
    )
    key = LessonPage.objects.get(key="p2").body[0].value["key"]
    one, two = (
        Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True) for _ in range(2)
    )
    one.force_login(make_person())
    two.force_login(make_person())

    def answer(client, page: str):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return client.post(
            lesson_course["p2"],
            {"cuestionario": key, "pregunta-1": "no", "csrfmiddlewaretoken": token},
        )

    # The first learner reads two lessons and answers the quiz once.
    one.get(lesson_course["p1"])
    assert answer(one, one.get(lesson_course["p2"]).text).status_code == 302
    assert "Obtuvo 0 %" in one.get(lesson_course["p2"]).text
    assert "Lleva 1 intento" in one.get(lesson_course["p2"]).text
    assert 'aria-valuenow="66"' in one.get(lesson_course["course"]).text

    # The second one, served from the same cached body and syllabus, sees none
    # of it; the form carries a token of their own session (the post passes
    # Django's CSRF check).
    page = two.get(lesson_course["p2"]).text
    assert "Lleva 1 intento" not in page
    assert "Obtuvo" not in page
    assert "Enviar respuestas" in page
    assert answer(two, page).status_code == 302
    assert "Obtuvo 0 %" in two.get(lesson_course["p2"]).text
    course = two.get(lesson_course["course"]).text
    assert 'aria-valuenow="66"' not in course
    assert 'aria-valuenow="33"' in course  # only their own view of p2


def test_a_draft_saved_does_not_show_until_published(lesson_course, client_a):
    assert "Texto primero" in client_a.get(lesson_course["p1"]).text
    lesson = LessonPage.objects.get(key="p1")
    lesson.body = [{"type": "text", "value": "<p>Borrador</p>"}]
    lesson.save_revision()  # a draft, not published
    assert "Borrador" not in client_a.get(lesson_course["p1"]).text
    assert "Texto primero" in client_a.get(lesson_course["p1"]).text


def test_an_edited_image_shows_in_the_cached_body(
    lesson_course, client_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    image = make_image("Mapa de Kennedy")
    _publish_edit(
        "p2",
        body=[
            {
                "type": "figure",
                "value": {"image": image.pk, "alt_text": "Mapa de Kennedy"},
            }
        ],
    )
    spec = "max-800x600|format-webp"
    assert image.get_rendition(spec).url in client_a.get(lesson_course["p2"]).text
    old = image.get_rendition(spec).url
    # A new file for the same image, as Wagtail's edit view saves it (the old
    # renditions go): the body names the new rendition, not the removed one.
    image.renditions.all().delete()
    image.file.save("mapa-nuevo.png", make_image("Mapa nuevo").file, save=False)
    image.save()
    page = client_a.get(lesson_course["p2"]).text
    assert old not in page
    assert image.get_rendition(spec).url in page


def test_a_view_restriction_added_applies_at_once(lesson_course, client_a, make_person):
    from wagtail.models import PageViewRestriction

    assert client_a.get(lesson_course["p1"]).status_code == 200  # route cached
    PageViewRestriction.objects.create(
        page=CoursePage.objects.get(key="presu"),
        restriction_type=PageViewRestriction.LOGIN,
    )
    refused = client_a.get(lesson_course["p1"])
    assert refused.status_code == 302
    assert "next=" in refused["Location"]
    client_a.force_login(make_person())
    assert client_a.get(lesson_course["p1"]).status_code == 200
