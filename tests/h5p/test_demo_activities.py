"""The demo's Spanish civic activities: real libraries, Spanish content and UI."""

from __future__ import annotations

import json

import pytest

from h5p import api
from lms.portal.demo_activities import ACTIVITIES, spanish_package

from .conftest import FIXTURES, needs_fixtures

pytestmark = needs_fixtures

ENGLISH_FILLER = (
    "Oslo",
    "berr",
    "currant",
    "strawberr",
    "You got",
    '"Check"',
    '"Retry"',
)


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.key)
def test_each_demo_activity_installs_in_spanish(in_town_a, h5p_media, activity):
    data = spanish_package(FIXTURES / "valid" / activity.package, activity)
    content = api.upload_package(
        data, name=f"{activity.key}.h5p", may_add_libraries=True, key=activity.key
    )
    assert content.title == activity.title
    stored = h5p_media / in_town_a / "h5p" / "content" / activity.key
    text = (stored / "content" / "content.json").read_text()
    assert not [word for word in ENGLISH_FILLER if word in text]
    # The English sample's pictures are not carried along.
    assert [p.name for p in (stored / "content").iterdir()] == ["content.json"]
    meta = json.loads((stored / "h5p.json").read_text())
    assert meta["language"] == "es"


def test_the_demo_lessons_get_the_activities_they_talk_about():
    from lms.portal.demo_content import COURSES

    modules = {m.key: m for c in COURSES for m in c.modules}
    for activity in ACTIVITIES:
        assert activity.module_key in modules, activity.key
    assert len({a.key for a in ACTIVITIES}) == len(ACTIVITIES)


def test_the_demo_course_is_authored_with_the_spanish_activities(in_campus, h5p_media):
    from lms.portal import demo_content

    course = next(
        c for c in demo_content.COURSES if c.key == "presupuestos-participativos"
    )
    demo_content._author(course)
    vote = api.get_content("demo-es-despues-del-voto")
    assert vote is not None and vote.title == "¿Qué pasa después del voto?"
    assert api.content_id("demo-es-fondos-vf") is not None
    # Only this course's activities: the others belong to other courses.
    assert api.content_id("demo-es-datos-linea") is None
