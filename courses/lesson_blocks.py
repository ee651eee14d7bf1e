"""Lesson-body blocks that other apps add: a registry filled from their ``ready()``.

``courses`` sits below some apps whose activities live in lessons (the open-data
labs): it cannot import them, so they register their block here through
``courses.api.register_lesson_block`` when Django starts. The lesson body is a
``LessonBodyBlock``, which Wagtail builds the first time the field is used
(after every app is ready), from ``courses.blocks.LESSON_BODY_BLOCKS`` and the
registered blocks, in that order.

Invariant: once the body has been built, a late registration is an error, not a
silent omission (a lesson body without the block would drop its content).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from wagtail import blocks

from .blocks import LESSON_BODY_BLOCKS

__all__ = ["register_lesson_block"]

_registered: list[tuple[str, blocks.Block]] = []
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


class LessonBodyBlock(blocks.StreamBlock):
    """The lesson body: the courses' own blocks, then the registered ones."""

    def __init__(self, local_blocks=None, **kwargs):
        global _built
        _built = True
        super().__init__(
            [*LESSON_BODY_BLOCKS, *_registered, *(local_blocks or [])], **kwargs
        )
