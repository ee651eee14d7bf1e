"""Lesson-body blocks that other apps add: a registry filled from their ``ready()``.

``courses`` sits below some apps whose activities live in lessons (the open-data
labs): it cannot import them, so they register their block here through
``courses.api.register_lesson_block`` when Django starts. The lesson body is a
``LessonBodyBlock``, which Wagtail builds the first time the field is used
(after every app is ready), from ``courses.blocks.LESSON_BODY_BLOCKS`` and the
registered blocks, in that order.

Invariant: once the body has been built, a late registration is an error, not a
silent omission (a lesson body without the block would drop its content).

Such an app may also register a check of the whole lesson
(``register_lesson_check``): ``LessonPage.clean`` runs it with the live lessons
whose activity keys this one must not share, as it does for quizzes, so the
editor shows the problem in Spanish before anything is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from wagtail import blocks

from .blocks import LESSON_BODY_BLOCKS

__all__ = ["register_lesson_block", "register_lesson_check"]

# check(lesson, other_live_lessons) -> problems, in Spanish
LessonCheck = Callable[[Any, Any], list[str]]

_registered: list[tuple[str, blocks.Block]] = []
_checks: list[LessonCheck] = []
_built = False


def register_lesson_block(name: str, block: blocks.Block) -> None:
    """Offer ``block`` in lesson bodies under the stable ``name``.

    Call it from an ``AppConfig.ready()``. A block whose value has an
    ``activity_key`` is graded by the course rule, like H5P and quizzes.
    """
    taken = {existing for existing, _block in [*LESSON_BODY_BLOCKS, *_registered]}
    if name in taken:
        raise ImproperlyConfigured(f"Lesson block name {name!r} is already used.")
    if _built:
        raise ImproperlyConfigured(
            f"Lesson block {name!r} registered after the lesson body was built; "
            "register it from AppConfig.ready()."
        )
    _registered.append((name, block))


def register_lesson_check(check: LessonCheck) -> None:
    """Run ``check(lesson, others)`` whenever a lesson is validated.

    ``others`` is a queryset of the live lessons whose activity keys the lesson
    must not share (within a city copy, the other courses' lessons only: a
    release may move an activity between lessons of its course). The check
    returns the problems found, in Spanish; any problem stops the save.
    """
    if check not in _checks:
        _checks.append(check)


def run_lesson_checks(lesson: Any, others: Any) -> list[str]:
    """The problems the registered checks find in ``lesson``."""
    return [problem for check in _checks for problem in check(lesson, others)]


class LessonBodyBlock(blocks.StreamBlock):
    """The lesson body: the courses' own blocks, then the registered ones."""

    def __init__(self, local_blocks=None, **kwargs):
        global _built
        _built = True
        super().__init__(
            [*LESSON_BODY_BLOCKS, *_registered, *(local_blocks or [])], **kwargs
        )
