"""What the city reporting reads about civic roles (its nightly recount)."""

from __future__ import annotations

from .data import ApplicationStatus
from .models import Application as _Application


def role_holder_ids() -> set[int]:
    """People holding a role (selected) in the active locality."""
    return set(
        _Application.objects.filter(status=ApplicationStatus.SELECTED).values_list(
            "user_id", flat=True
        )
    )
