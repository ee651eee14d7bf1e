"""Errors of the accounts app, with messages people can act on (translated)."""

from __future__ import annotations

__all__ = ["RegistrationError"]


class RegistrationError(ValueError):
    """Registration or correction refused; ``errors`` maps field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
