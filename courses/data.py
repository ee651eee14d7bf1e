"""Values the courses app hands to other apps (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CourseSummary:
    page_id: int
    title: str
    summary: str
    url: str
