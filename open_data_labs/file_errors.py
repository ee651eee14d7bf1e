"""The refusal every file reader raises (kept apart so readers do not import
each other)."""

from __future__ import annotations

__all__ = ["DataFileRefused", "megabytes"]


class DataFileRefused(ValueError):
    """The file cannot become a snapshot; the message says why and what to do."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
