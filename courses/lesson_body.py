"""A lesson's body, rendered once per live revision, locality and language
(ADR 0026).

Text, figures, videos and downloads look the same to everyone: their HTML is
rendered without the request (so no CSRF token, session or person can end up in
it) and cached. Every other block (quizzes and H5P activities show the
learner's own attempts and carry the CSRF token; blocks other apps register,
such as the open-data lab, may too) is left as a gap in the cached body and
rendered on every request. A preview renders everything afresh (it shows a draft, not the
live revision).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .page_cache import cached

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import LessonPage

__all__ = ["render_body"]

# The blocks that look the same to everyone. Any other block may depend on who
# is looking (their own attempts and state, the CSRF token of a form): a block
# added later is rendered per request until it is named here.
SHARED_BLOCKS = frozenset({"text", "figure", "video", "download"})


def render_body(page: LessonPage, request: HttpRequest) -> SafeString:
    """The lesson's body as HTML for the learner of ``request``."""
    context = {"page": page, "request": request}
    if getattr(request, "is_preview", False) or page.live_revision_id is None:
        return _join(block.render(context=context) for block in page.body)
    parts = cached(
        "lesson-body",
        (page.pk, page.live_revision_id, get_language()),
        lambda: _shared_parts(page),
    )
    rendered = []
    for part in parts:
        if isinstance(part, int):
            rendered.append(page.body[part].render(context=context))
        else:
            rendered.append(mark_safe(part))  # noqa: S308  # rendered by our blocks
    return _join(rendered)


def _shared_parts(page: LessonPage) -> list[str | int]:
    """The shared blocks' HTML, and the index of each per-person block."""
    context = {"page": page}  # no request: nothing personal can be rendered
    return [
        str(block.render(context=context))
        if block.block_type in SHARED_BLOCKS
        else index
        for index, block in enumerate(page.body)
    ]


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))
