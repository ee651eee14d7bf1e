"""What course and lesson pages show, from the topic modules.

Wagtail pages are views as well as models. Their context comes from ``catalog``
and ``learner``, which query the page models, so the models cannot import them.
``CoursesConfig.ready`` plugs these functions into the page classes instead, and
the imports run one way only: topics → models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import catalog, learner, lesson_body

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import CoursePage, LessonPage


def course_page_context(page: CoursePage, request: HttpRequest) -> dict[str, Any]:
    """The syllabus and the visitor's own state in the course."""
    return {
        "syllabus": catalog.get_syllabus(page.key),
        **learner.learner_course_context(page.key, request.user),
    }


def lesson_page_context(page: LessonPage, request: HttpRequest) -> dict[str, Any]:
    """The lesson's place in its course and its body; a learner's view of it is
    recorded."""
    navigation = catalog.get_lesson_navigation(page.key)
    # An editor's preview in the admin is not studying: it records nothing.
    if not page.is_retired and not getattr(request, "is_preview", False):
        learner.record_lesson_view(navigation.course_key, page.key, request.user)
    return {
        "navigation": navigation,
        "lesson_body": lesson_body.render_body(page, request),
    }
