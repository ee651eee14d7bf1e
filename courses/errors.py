"""Errors the courses app raises to its callers.

Each message is Spanish (through gettext) and says what to do, so admin views
can show it as it is. They live apart from the topic modules so that every
module can raise them without importing another topic.
"""

from __future__ import annotations

__all__ = ["CourseError", "QuizNotSaved", "ReleaseNotFound"]


class CourseError(ValueError):
    """A course operation cannot be done; the message says why and what to do."""


class QuizNotSaved(ValueError):
    """A published lesson's quiz cannot be saved; the message (Spanish) says why."""


class ReleaseNotFound(LookupError):
    """No release has that id in the active schema."""
