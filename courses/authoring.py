"""Authoring: courses, modules, lessons, quizzes and learning paths made by code
(demo content, tests, imports), and the locality's choice to hide a city course.

Every write publishes the page and tells the learning records the course's new
outline and rule (``learning_rule.sync_learning_rule``) in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import quizzes as _quizzes
from .catalog import course_summary
from .data import CourseSummary
from .errors import CourseError
from .learning_rule import sync_learning_rule
from .locality_pages import locality_home_page
from .models import CoursePage as _CoursePage
from .models import LearningPathCourse as _LearningPathCourse
from .models import LearningPathPage as _LearningPathPage
from .models import LessonPage as _LessonPage
from .models import ModulePage as _ModulePage

__all__ = [
    "add_lesson",
    "add_module",
    "add_quiz_to_lesson",
    "create_course",
    "create_learning_path",
    "hide_city_course",
    "show_city_course",
]


@transaction.atomic
def create_course(
    title: str,
    *,
    key: str | None = None,
    summary: str = "",
    theme: str = "gobierno_abierto",
    estimated_hours: float = 1,
    modality: str = "virtual",
    level: str = "basico",
    completion_min_score: int | None = None,
    completion_min_attendance: int | None = None,
) -> CourseSummary:
    """Create and publish a course under the active locality's home page."""
    home = locality_home_page()
    if home is None:
        raise CourseError(
            _("Esta localidad aún no tiene sitio: espere a que termine de crearse.")
        )
    course = _CoursePage(
        title=title,
        key=key or slugify(title)[:80],
        summary=summary,
        theme=theme,
        estimated_hours=Decimal(str(estimated_hours)),
        modality=modality,
        level=level,
        completion_min_score=completion_min_score,
        completion_min_attendance=completion_min_attendance,
    )
    home.add_child(instance=course)
    course.save_revision().publish()
    sync_learning_rule(course.key)
    return course_summary(course)


@transaction.atomic
def add_module(
    course_key: str, title: str, *, key: str | None = None, summary: str = ""
) -> str:
    """Add a published module at the end of a course; returns its key."""
    course = _CoursePage.objects.get(key=course_key)
    module = _ModulePage(
        title=title, key=key or f"{course_key}--{slugify(title)}"[:120], summary=summary
    )
    course.add_child(instance=module)
    module.save_revision().publish()
    sync_learning_rule(course_key)
    return module.key


@transaction.atomic
def add_lesson(
    module_key: str,
    title: str,
    *,
    key: str | None = None,
    body: list[tuple[str, object]] | None = None,
    is_required: bool = True,
    estimated_minutes: int = 15,
) -> str:
    """Add a published lesson at the end of a module; returns its key.

    ``body`` is a list of (block type, raw value) pairs, e.g.
    ``[("text", "<p>…</p>"), ("figure", {"image": 3, "alt_text": "…"})]``.
    """
    module = _ModulePage.objects.get(key=module_key)
    lesson = _LessonPage(
        title=title,
        key=key or f"{module_key}--{slugify(title)}"[:160],
        # Raw StreamField data: values as stored (ids for images and documents).
        body=[{"type": kind, "value": value} for kind, value in body or []],
        is_required=is_required,
        estimated_minutes=estimated_minutes,
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    sync_learning_rule(module.get_parent().specific.key)
    return lesson.key


@transaction.atomic
def add_quiz_to_lesson(lesson_key: str, quiz: dict[str, object]) -> bool:
    """Append a quiz block (raw value) to a lesson and publish it, unless the lesson
    already has a quiz with that key (or does not exist here). True if added.

    Publishing saves the quiz to the learning records and the course rule grades it.
    """
    lesson = _LessonPage.objects.filter(key=lesson_key).first()
    if lesson is None:
        return False
    if quiz.get("key") and any(
        existing["key"] == quiz["key"] for existing in _quizzes.lesson_quizzes(lesson)
    ):
        return False
    block = _LessonPage._meta.get_field("body").stream_block.child_blocks[
        _quizzes.QUIZ_BLOCK_NAME
    ]
    lesson.body.append((_quizzes.QUIZ_BLOCK_NAME, block.to_python(quiz)))
    lesson.save_revision().publish()
    sync_learning_rule(_CoursePage.objects.ancestor_of(lesson).get().key)
    return True


@transaction.atomic
def create_learning_path(
    title: str, *, course_keys: list[str], key: str | None = None, intro: str = ""
) -> str:
    """Create a learning path of existing courses, in the given order."""
    home = locality_home_page()
    path = _LearningPathPage(title=title, key=key or slugify(title)[:80], intro=intro)
    courses = {c.key: c for c in _CoursePage.objects.filter(key__in=course_keys)}
    missing = [k for k in course_keys if k not in courses]
    if missing:
        raise CourseError(
            _("No existen estos cursos: %(keys)s.") % {"keys": ", ".join(missing)}
        )
    path.path_courses = [
        _LearningPathCourse(course=courses[k], sort_order=i)
        for i, k in enumerate(course_keys)
    ]
    home.add_child(instance=path)
    path.save_revision().publish()
    return path.key


@transaction.atomic
def hide_city_course(course_key: str) -> None:
    """Stop offering a city course in the active locality (a new version keeps it hidden)."""
    _set_hidden(course_key, True)


@transaction.atomic
def show_city_course(course_key: str) -> None:
    """Offer again a city course this locality had hidden."""
    _set_hidden(course_key, False)


def _set_hidden(course_key: str, hidden: bool) -> None:
    course = _CoursePage.objects.filter(key=course_key).first()
    if course is None or not course.is_city_copy:
        raise CourseError(
            _(
                "Solo los cursos de la ciudad se ocultan; los cursos locales se "
                "despublican."
            )
        )
    course.is_hidden_locally = hidden
    course.save(update_fields=["is_hidden_locally"])
