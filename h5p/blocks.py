"""StreamField block for lesson bodies: choose an uploaded H5P activity, render the
sandboxed player. Import path and name are stable: ``h5p.blocks.H5PActivityBlock``.
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.utils.translation import gettext_lazy
from wagtail.snippets.blocks import SnippetChooserBlock

from lms.learning import api as learning_api

__all__ = ["H5PActivityBlock"]


class H5PActivityBlock(SnippetChooserBlock):
    """An H5P activity inside a lesson; results are stored as the learner's xAPI."""

    def __init__(self, required: bool = True, **kwargs: Any):
        super().__init__("h5p.H5PContent", required=required, **kwargs)

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        # An editor's preview in the admin plays the activity without saving
        # results (the page does not post them) and without the editor's state.
        preview = bool(getattr(request, "is_preview", False))
        signed_in = bool(user and user.is_authenticated) and not preview
        resume = ""
        if value is not None and signed_in:
            state = learning_api.get_activity_state(user.pk, value.activity_key)
            resume = state.resume_state if state else ""
        context.update(
            preview=preview,
            signed_in=signed_in,
            resume_state=resume,
            csrf=get_token(request) if request is not None else "",
        )
        return context

    def deconstruct(self) -> tuple[str, tuple, dict]:
        # Keep migrations pointing at this class, not at SnippetChooserBlock.
        _, _, kwargs = super().deconstruct()
        kwargs.pop("target_model", None)
        return ("h5p.blocks.H5PActivityBlock", (), kwargs)

    class Meta:
        icon = "form"
        label = gettext_lazy("Actividad H5P")
        template = "h5p/blocks/h5p_activity.html"
