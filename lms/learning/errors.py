"""Errors the learning records raise to their callers.

Each message says what to fix, in the active language (Spanish first), so views and the REST API can show
it as it is. They live apart from the topic modules so that every module can
raise them without importing another topic.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

__all__ = [
    "InvalidStatement",
    "LearningError",
    "LrsUnavailable",
    "StatementConflict",
]


class LearningError(ValueError):
    """A learning action cannot be done; the message (Spanish) says why and what to do."""


class InvalidStatement(ValueError):
    """A statement cannot be stored; the message (Spanish) says what to fix."""


class LrsUnavailable(RuntimeError):
    """The external LRS did not accept a batch; it is retried later, nothing is lost."""


class StatementConflict(ValueError):
    """A statement id is already stored with different content (xAPI: 409 Conflict).

    Nothing of the request was stored. ``statement_ids`` names the conflicting ids.
    """

    def __init__(self, statement_ids: list[str]) -> None:
        self.statement_ids = tuple(statement_ids)
        super().__init__(
            _(
                "Ya hay una declaración guardada con el id %(ids)s y un contenido "
                "distinto; las declaraciones no se pueden cambiar. Envíela con un "
                "id nuevo. No se guardó ninguna declaración de esta solicitud."
            )
            % {"ids": ", ".join(statement_ids)}
        )
