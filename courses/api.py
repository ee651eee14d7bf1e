"""Python API of the courses app.

All functions act on the locality schema that is active when they are called.
"""

from __future__ import annotations

from .data import CourseSummary
from .models import CoursePage as _CoursePage

__all__ = ["list_catalog", "search_catalog"]


def list_catalog() -> list[CourseSummary]:
    """The active locality's live courses, in the editors' order."""
    pages = _CoursePage.objects.live().public().order_by("path")
    return [_to_summary(page) for page in pages]


def search_catalog(query: str) -> list[CourseSummary]:
    """Full-text search over the active locality's live courses."""
    results = _CoursePage.objects.live().public().search(query)
    return [_to_summary(page) for page in results]


def _to_summary(page: _CoursePage) -> CourseSummary:
    return CourseSummary(
        page_id=page.pk,
        title=page.title,
        summary=page.summary,
        url=page.get_url() or "",
    )
