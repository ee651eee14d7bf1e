"""What the learning records (a layer below) know of each course: its outline and
completion rule, told whenever a course is published here or a release reaches
the locality.

Graded activities are the blocks of offered lessons that carry an
``activity_key`` (H5P activities, native quizzes); everything is by stable key,
so a new version keeps every learner's progress.
"""

from __future__ import annotations

from lms.learning import api as learning_api

from .catalog import build_syllabus
from .models import CoursePage as _CoursePage
from .models import LessonPage as _LessonPage
from .page_cache import cached

__all__ = ["sync_learning_rule"]


def sync_learning_rule(course_key: str) -> None:
    """Tell the learning records the course's outline and completion rule."""
    course = _CoursePage.objects.get(key=course_key)
    syllabus = build_syllabus(course_key)
    lessons = (
        _LessonPage.objects.descendant_of(course)
        .live()
        .filter(is_retired=False)
        .only("body")
    )
    # Once each, in order: the same activity in two lessons is one grade.
    graded = list(
        dict.fromkeys(
            key
            for lesson in lessons
            for block in lesson.body
            if (key := getattr(block.value, "activity_key", None))
        )
    )
    learning_api.set_course_rule(
        course.key,
        version=course.version,
        title=course.title,
        url=course.get_url() or "",
        lessons=[
            learning_api.LessonRef(
                key=lesson.key,
                title=lesson.title,
                url=lesson.url,
                module_key=module.key,
                module_title=module.title,
                required=lesson.is_required,
            )
            for module in syllabus.modules
            for lesson in module.lessons
        ],
        graded_activity_keys=graded,
        min_score=course.completion_min_score,
        min_attendance=course.completion_min_attendance,
    )


def ensure_learning_rule(course_key: str) -> None:
    """Courses published before the learning records existed get their rule now."""
    # Known once is known for the generation: the course page and every lesson
    # view ask, and a rule is never removed.
    known = cached(
        "rule-known",
        (course_key,),
        lambda: learning_api.get_course_rule_version(course_key) is not None or None,
    )
    if not known:
        sync_learning_rule(course_key)
