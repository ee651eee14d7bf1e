"""Errors the learning records raise to their callers.

Each message is Spanish and says what to fix, so views and the REST API can show
it as it is. They live apart from the topic modules so that every module can
raise them without importing another topic.
"""

from __future__ import annotations

__all__ = ["InvalidStatement", "LearningError", "LrsUnavailable"]


class LearningError(ValueError):
    """A learning action cannot be done; the message (Spanish) says why and what to do."""


class InvalidStatement(ValueError):
    """A statement cannot be stored; the message (Spanish) says what to fix."""


class LrsUnavailable(RuntimeError):
    """The external LRS did not accept a batch; it is retried later, nothing is lost."""
