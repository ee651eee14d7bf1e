"""Course titles for the dashboards: keys are for machines, people read titles.

The public ``CourseTitle`` table is filled in the locality where a course first
gets an enrollment (one indexed lookup per enrollment; the locality's rules are
read only for a course not seen before) and refreshed by the nightly recount.
"""

from __future__ import annotations

from lms.learning import api as learning_api

from .models import CourseTitle as _CourseTitle

__all__ = ["course_titles", "remember_course_title", "store_course_titles"]


def remember_course_title(course_key: str) -> None:
    """Keep the title of a course of the active locality, if not known yet."""
    if _CourseTitle.objects.filter(course_key=course_key).exists():
        return
    title = dict(learning_api.list_course_titles()).get(course_key)
    if title:
        _CourseTitle.objects.get_or_create(
            course_key=course_key, defaults={"title": title}
        )


def store_course_titles(titles: dict[str, str]) -> int:
    """Make the stored titles say ``titles`` (key → title); rows changed."""
    known = dict(_CourseTitle.objects.values_list("course_key", "title"))
    changed = {k: t for k, t in titles.items() if t and known.get(k) != t}
    for key, title in changed.items():
        _CourseTitle.objects.update_or_create(course_key=key, defaults={"title": title})
    return len(changed)


def course_titles() -> dict[str, str]:
    """Every known course key → its title (one query on a small table)."""
    return dict(_CourseTitle.objects.values_list("course_key", "title"))
