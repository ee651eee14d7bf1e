"""Courses as Wagtail pages, one page tree per locality, and their releases.

Tree: LocalityHomePage → CoursePage → ModulePage → LessonPage, and
LocalityHomePage → LearningPathPage (an ordered list of courses).

City courses are authored once at the city campus and copied into each locality
by a release (``CourseRelease``; ``courses.publishing``). Every course, module and
lesson has a stable ``key`` that survives new versions, so learners' progress (kept
by key) is never lost. In a locality, a copied course has ``is_city_copy=True``:
staff there cannot edit it (only hide it); local courses are theirs to edit.
"""

from .choices import Level, Modality, Theme
from .city_copies import CityCopyPermissionTester, _CityCopyAware
from .pages import (
    CoursePage,
    LearningPathCourse,
    LearningPathPage,
    LessonPage,
    ModulePage,
)
from .releases import CourseRelease, CourseReleaseTarget

__all__ = [
    "CityCopyPermissionTester",
    "CoursePage",
    "CourseRelease",
    "CourseReleaseTarget",
    "LearningPathCourse",
    "LearningPathPage",
    "LessonPage",
    "Level",
    "Modality",
    "ModulePage",
    "Theme",
    "_CityCopyAware",
]
