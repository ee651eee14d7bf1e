"""Blocks other apps add to lesson bodies: registered from ready(), built once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail import blocks

from courses import api
from courses.models import LessonPage


def test_the_lab_block_registered_by_the_labs_is_in_the_lesson_body():
    body = LessonPage._meta.get_field("body").stream_block
    names = list(body.child_blocks)
    # The courses' own blocks first, in their order, then the registered ones.
    assert names[:6] == ["text", "figure", "video", "download", "h5p", "quiz"]
    assert names[6:] == ["lab"]
    assert body.child_blocks["lab"].__class__.__name__ == "LabBlock"


def test_a_late_or_repeated_registration_is_an_error_not_a_lost_block():
    assert LessonPage._meta.get_field("body").stream_block  # built: Django is ready
    with pytest.raises(ImproperlyConfigured, match="already used"):
        api.register_lesson_block("quiz", blocks.CharBlock())
    with pytest.raises(ImproperlyConfigured, match="after the lesson body was built"):
        api.register_lesson_block("nuevo", blocks.CharBlock())
