"""Reading required settings from the environment, refusing clearly without them.

Production must never fall back to a built-in secret: a missing one stops the
process at start with one line naming the variable and how to set it, which
``manage.py`` prints without a traceback.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


class MissingEnvironmentError(ImproperlyConfigured):
    """A required environment variable is empty; the message says which and how."""


def required(name: str, how: str) -> str:
    """The value of ``name``, or ``MissingEnvironmentError`` saying ``how`` to set it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingEnvironmentError(
            f"Falta la variable de entorno {name}: {how} La configuración de "
            "producción no arranca sin ella."
        )
    return value


def flag(name: str, *, default: bool) -> bool:
    """A yes/no variable ("true"/"false", "1"/"0"); unset gives ``default``."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "si", "sí")
