"""Facilitators: who may open a cohort here, and opening it.

A cohort ("grupo") is run by a person holding the facilitator role in this
locality (``lms.locality_roles``, a layer below). The check lives here, with the
cohorts it guards, so every caller (the admin screens, the courses API, demo
data) gets the same refusal.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lms.locality_roles import api as roles_api

from .cohorts import create_cohort
from .data import CohortData
from .errors import LearningError
from .models import CourseRule as _CourseRule

__all__ = ["NotFacilitator", "is_facilitator", "list_course_titles", "open_cohort"]


class NotFacilitator(LearningError):
    """The person does not hold the facilitator role in this locality."""


def is_facilitator(user_id: int) -> bool:
    """Whether the person holds the facilitator role in the active locality."""
    return roles_api.Role.FACILITATOR in roles_api.roles_of(user_id)


def list_course_titles() -> list[tuple[str, str]]:
    """(key, title) of the courses whose rule ``courses`` told this locality,
    by title: the courses a cohort may be opened for."""
    return list(
        _CourseRule.objects.order_by("title", "course_key").values_list(
            "course_key", "title"
        )
    )


@transaction.atomic
def open_cohort(
    course_key: str,
    name: str,
    *,
    facilitator_id: int,
    starts_on: date,
    ends_on: date,
    capacity: int,
    schedule: str = "",
    place: str = "",
) -> CohortData:
    """Open a cohort of a course here, run by a facilitator of this locality.

    Refused with ``NotFacilitator`` when ``facilitator_id`` lacks the role here,
    and with ``LearningError`` for a course not offered here or wrong dates.
    """
    if not is_facilitator(facilitator_id):
        raise NotFacilitator(
            _(
                "Esa persona no tiene el rol de facilitador en esta localidad; "
                "asígneselo primero y vuelva a crear el grupo."
            )
        )
    return create_cohort(
        course_key,
        name,
        facilitator_id=facilitator_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        schedule=schedule,
        place=place,
    )
