"""Course titles are printed on certificates: control characters are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import querydict_from_html

from courses import api
from courses.models import CoursePage

MESSAGE = "El título contiene un carácter de control invisible (U+000B)"


def test_create_course_refuses_a_control_character(in_campus):
    with pytest.raises(ValidationError) as refused:
        api.create_course("Control\x0bsocial", key="control-social-vt")

    assert MESSAGE in str(refused.value)
    assert "Bórrelo y vuelva a escribir el texto" in str(refused.value)
    assert not CoursePage.objects.filter(key="control-social-vt").exists()


def test_every_control_character_is_named_once(in_campus):
    with pytest.raises(ValidationError) as refused:
        api.create_course("A\x01B\x7fC\x01", key="varios-controles")

    assert "(U+0001, U+007F)" in str(refused.value)


def test_the_admin_form_shows_the_message_and_keeps_the_title(
    in_campus, client_campus, make_person
):
    api.create_course("Control social", key="control-social-admin")
    course = CoursePage.objects.get(key="control-social-admin")
    editor = make_person(is_superuser=True, is_staff=True)
    client_campus.force_login(editor)
    edit_url = f"/admin/pages/{course.pk}/edit/"
    form = querydict_from_html(
        client_campus.get(edit_url).text, form_id="page-edit-form"
    )
    form["title"] = "Control\x0bsocial"
    form["action-publish"] = "action-publish"

    response = client_campus.post(edit_url, form)

    assert response.status_code == 200  # the form again, with the message
    assert MESSAGE in response.text
    course.refresh_from_db()
    assert course.title == "Control social"
