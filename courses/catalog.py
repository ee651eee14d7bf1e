"""The catalog and navigation: what the active locality offers and how a course
is laid out (modules and offered lessons, in order).

Reads only; a course hidden in this locality (``is_hidden_locally``) or retired
lessons are never offered. A course's syllabus and a lesson's navigation are
the same for every learner: they are built once per page-tree generation
(``page_cache``, ADR 0026), so a publish, unpublish or move shows at once.
Code that writes pages builds them afresh (``build_syllabus``), never from the
cache.
"""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, QuerySet

from .data import (
    CourseSummary,
    LessonNavigation,
    LessonOutline,
    ModuleOutline,
    PathOutline,
    Syllabus,
)
from .models import CoursePage as _CoursePage
from .models import LearningPathPage as _LearningPathPage
from .models import LessonPage as _LessonPage
from .models import Modality as _Modality
from .models import ModulePage as _ModulePage
from .models import Theme as _Theme
from .page_cache import cached

__all__ = [
    "catalog_filter_choices",
    "get_lesson_navigation",
    "get_offered_course_facts",
    "get_syllabus",
    "has_course",
    "list_catalog",
    "list_learning_paths",
    "list_path_outlines",
    "search_catalog",
]


def _offered() -> QuerySet[_CoursePage]:
    return _CoursePage.objects.live().public().filter(is_hidden_locally=False)


def list_catalog(
    *,
    query: str | None = None,
    theme: str | None = None,
    modality: str | None = None,
    max_hours: float | None = None,
) -> list[CourseSummary]:
    """The active locality's offered courses, filtered; full-text search when ``query``."""
    courses = _offered().order_by("path")
    if theme:
        courses = courses.filter(theme=theme)
    if modality:
        courses = courses.filter(modality=modality)
    if max_hours is not None:
        courses = courses.filter(estimated_hours__lte=max_hours)
    if query:
        return [course_summary(page) for page in courses.search(query)]
    return [course_summary(page) for page in courses.select_related("cover_image")]


def catalog_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs for the catalog's theme and modality filters."""
    return {"themes": list(_Theme.choices), "modalities": list(_Modality.choices)}


def search_catalog(query: str) -> list[CourseSummary]:
    """Full-text search over the active locality's offered courses."""
    return list_catalog(query=query)


def get_offered_course_facts(course_key: str) -> tuple[str, float] | None:
    """Title and estimated hours of one offered course of the active locality.

    What a certificate prints, read by key: ``list_catalog`` built every
    offered course's summary (its address, labels, cover image) to find one.
    None when the course is not offered here (hidden, unpublished, private).
    """
    row = _offered().filter(key=course_key).values_list("title", "estimated_hours")
    found = row.first()
    return None if found is None else (found[0], float(found[1]))


def has_course(course_key: str) -> bool:
    """Whether the active locality has this course (offered or hidden)."""
    return _CoursePage.objects.filter(key=course_key).exists()


def list_learning_paths() -> list[tuple[str, str, list[str]]]:
    """(key, title, course keys in order) of the active locality's live paths."""
    paths = (
        _LearningPathPage.objects.live()
        .order_by("path")
        .prefetch_related("path_courses__course")
    )
    return [
        (p.key, p.title, [item.course.key for item in p.path_courses.all()])
        for p in paths
    ]


def list_path_outlines() -> list[PathOutline]:
    """The active locality's live paths, each with the courses it offers here
    (live, not hidden) in the path's order, in one query; paths offering none
    are left out (nothing to take)."""
    offered = Q(
        path_courses__course__live=True,
        path_courses__course__is_hidden_locally=False,
    )
    paths = (
        _LearningPathPage.objects.live()
        .annotate(
            offered_keys=ArrayAgg(
                "path_courses__course__key",
                filter=offered,
                order_by=("path_courses__sort_order", "path_courses__pk"),
                default=[],
            )
        )
        .order_by("path")
    )
    return [
        PathOutline(
            key=path.key,
            title=path.title,
            url=path.get_url() or "",
            course_keys=tuple(path.offered_keys),
        )
        for path in paths
        if path.offered_keys
    ]


def get_syllabus(course_key: str) -> Syllabus:
    """Modules and offered lessons of a course, in order (cached per generation)."""
    return cached("syllabus", (course_key,), lambda: build_syllabus(course_key))


def build_syllabus(course_key: str) -> Syllabus:
    """The syllabus read from the page tree now (three queries)."""
    course = _CoursePage.objects.get(key=course_key)
    modules = list(_ModulePage.objects.child_of(course).live().order_by("path"))
    lessons = (
        _LessonPage.objects.descendant_of(course)
        .live()
        .filter(is_retired=False)
        .order_by("path")
    )
    by_module: dict[str, list[LessonOutline]] = {m.path: [] for m in modules}
    for lesson in lessons:
        parent_path = lesson.path[: -_LessonPage.steplen]
        if parent_path in by_module:
            by_module[parent_path].append(_to_outline(lesson))
    return Syllabus(
        course_key=course.key,
        version=course.version,
        modules=tuple(
            ModuleOutline(
                key=m.key,
                title=m.title,
                summary=m.summary,
                lessons=tuple(by_module[m.path]),
            )
            for m in modules
        ),
    )


def get_lesson_navigation(lesson_key: str) -> LessonNavigation:
    """Where a lesson sits in its course: position, previous and next lesson
    (cached per generation)."""
    return cached("navigation", (lesson_key,), lambda: _build_navigation(lesson_key))


def _build_navigation(lesson_key: str) -> LessonNavigation:
    lesson = _LessonPage.objects.get(key=lesson_key)
    course = _CoursePage.objects.ancestor_of(lesson).get()
    module = lesson.get_parent()
    ordered = build_syllabus(course.key).lessons
    keys = [item.key for item in ordered]
    index = keys.index(lesson.key) if lesson.key in keys else -1
    return LessonNavigation(
        course_key=course.key,
        course_title=course.title,
        course_url=course.get_url() or "",
        module_title=module.title,
        position=index + 1,
        total=len(ordered),
        previous=ordered[index - 1] if index > 0 else None,
        next=ordered[index + 1] if 0 <= index < len(ordered) - 1 else None,
    )


def _to_outline(lesson: _LessonPage) -> LessonOutline:
    return LessonOutline(
        key=lesson.key,
        title=lesson.title,
        url=lesson.get_url() or "",
        is_required=lesson.is_required,
        estimated_minutes=lesson.estimated_minutes,
    )


def course_summary(page: _CoursePage) -> CourseSummary:
    """The values other apps get for a course page (authoring returns them too)."""
    return CourseSummary(
        page_id=page.pk,
        key=page.key,
        title=page.title,
        summary=page.summary,
        url=page.get_url() or "",
        theme=page.theme,
        theme_label=page.get_theme_display(),
        estimated_hours=float(page.estimated_hours),
        modality=page.modality,
        modality_label=page.get_modality_display(),
        level_label=page.get_level_display(),
        version=page.version,
        is_city_copy=page.is_city_copy,
        is_hidden_locally=page.is_hidden_locally,
    )
