"""Checking a lesson is not studying it: an editor's preview in the admin records
nothing, and staff who open the live lesson are recorded only once they enrolled
themselves; a learner's visit still records."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    streamfield,
)

from courses import api as courses_api
from courses.models import LessonPage
from h5p import api as h5p_api
from lms.learning.models import (
    ActiveDay,
    Enrollment,
    LessonProgress,
    XapiStatement,
)
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "h5p" / "valid"


def _recorded(schema: str, user_id: int) -> dict[str, int]:
    """How many learning records of each kind the person has in the locality."""
    with tenants_api.in_locality(schema):
        return {
            model.__name__: model.objects.filter(user_id=user_id).count()
            for model in (Enrollment, LessonProgress, XapiStatement, ActiveDay)
        }


NOTHING = {"Enrollment": 0, "LessonProgress": 0, "XapiStatement": 0, "ActiveDay": 0}


def _sign_in(client, schema, person):
    with tenants_api.in_locality(schema):  # sessions are kept per locality
        client.force_login(person)


def test_an_editors_preview_records_nothing_and_a_learners_visit_does(
    course, town_a, client_a, make_person
):
    editor = make_person(is_staff=True, is_superuser=True)
    learner = make_person()
    with tenants_api.in_locality(town_a):
        lesson = LessonPage.objects.get(key="cl1")
    _sign_in(client_a, town_a, editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    draft_url = reverse("wagtailadmin_pages:view_draft", args=[lesson.pk])

    def preview(title: str) -> None:
        """Change the title in the edit form and look at the preview, as the
        admin's preview panel does (POST the form, then GET the render), then
        «view draft» (the latest revision, also a preview)."""
        form = querydict_from_html(
            client_a.get(edit_url).text, form_id="page-edit-form"
        )
        form["title"] = title
        # The body's editor is drawn by JavaScript: its (empty) value goes as is.
        form.update(nested_form_data({"body": streamfield([])}))
        assert client_a.post(preview_url, form).json()["is_valid"] is True
        shown = client_a.get(preview_url)
        assert shown.status_code == 200 and title in shown.text
        draft = client_a.get(draft_url)
        assert draft.status_code == 200 and "Qué es el control social" in draft.text

    preview("Qué es el control social (borrador)")
    assert _recorded(town_a, editor.pk) == NOTHING

    # Even an editor enrolled in the course is not studying while previewing.
    client_a.post("/aprendizaje/cursos/control/inscribirse/")
    enrolled = _recorded(town_a, editor.pk)
    assert enrolled == {**NOTHING, "Enrollment": 1, "XapiStatement": 1}
    preview("Qué es el control social (segundo borrador)")
    assert _recorded(town_a, editor.pk) == enrolled

    # The same lesson read live by a signed-in learner is recorded (and enrolls).
    _sign_in(client_a, town_a, learner)
    assert client_a.get(lesson.url).status_code == 200
    assert _recorded(town_a, learner.pk) == {
        "Enrollment": 1,
        "LessonProgress": 1,
        "XapiStatement": 2,  # registered, experienced
        "ActiveDay": 1,
    }


def test_staff_checking_the_live_lesson_are_recorded_only_once_enrolled(
    course, town_a, client_a, make_person
):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(facilitator.pk, Role.FACILITATOR)
        url = LessonPage.objects.get(key="cl1").url
    _sign_in(client_a, town_a, facilitator)

    assert client_a.get(url).status_code == 200
    assert _recorded(town_a, facilitator.pk) == NOTHING

    # Enrolling themselves makes them a learner of this course like any other.
    client_a.post("/aprendizaje/cursos/control/inscribirse/")
    assert client_a.get(url).status_code == 200
    recorded = _recorded(town_a, facilitator.pk)
    assert recorded["LessonProgress"] == 1 and recorded["ActiveDay"] == 1


def test_an_h5p_activity_in_a_preview_does_not_save_results(
    town_a, client_a, make_person, settings, tmp_path
):
    package = FIXTURES / "H5P.TrueFalse.h5p"
    if not package.exists():
        pytest.skip(f"Falta {package}: las pruebas H5P usan ../shared/fixtures.")
    settings.MEDIA_ROOT = tmp_path
    with tenants_api.in_locality(town_a):
        h5p_api.upload_package(
            package.read_bytes(), name=package.name, may_add_libraries=True, key="vf"
        )
        courses_api.create_course("Fondos", key="fondos")
        courses_api.add_module("fondos", "Módulo", key="fm")
        courses_api.add_lesson(
            "fm",
            "Verdadero o falso",
            key="fvf",
            body=[("h5p", h5p_api.content_id("vf"))],
        )
        lesson = LessonPage.objects.get(key="fvf")
    editor = make_person(is_staff=True, is_superuser=True)
    _sign_in(client_a, town_a, editor)

    draft = client_a.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert 'data-signed-in="0"' in draft.text
    assert "Vista previa: los resultados no se guardan." in draft.text

    learner = make_person()
    _sign_in(client_a, town_a, learner)
    live = client_a.get(lesson.url)
    assert 'data-signed-in="1"' in live.text
    assert "Vista previa" not in live.text
