"""Counts of people for the differential approach, with small cells suppressed.

A cell with fewer than ``MIN_CELL`` people is reported as ``None``, so a small
group (e.g. two Rrom people in Sumapaz) cannot be singled out.
"""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from tenants import api as tenants_api

from .data import (
    ANSWER_CHOICES,
    MIN_CELL,
    AgeGroup,
    CountCell,
    Question,
    age_group,
    age_on,
)
from .models import SensitiveAnswer as _SensitiveAnswer
from .models import User as _User

__all__ = ["MIN_CELL", "count_by_age_group", "count_sensitive_answers"]


def count_sensitive_answers(
    question: Question, *, residence: str | None = None, min_cell: int = MIN_CELL
) -> list[CountCell]:
    """People per answer to one question (city-wide or one locality of residence).

    Every answer option is listed, "prefiero no decir" included; cells under
    ``min_cell`` people have ``count=None`` (suppressed). Anonymized accounts hold
    no answers, so they are not counted here.
    """
    question = Question(question)
    with tenants_api.in_public_schema():
        answers = _SensitiveAnswer.objects.filter(question=question)
        if residence:
            # By the key the foreign key holds (the schema name): no join.
            answers = answers.filter(user__residence_locality__schema_name=residence)
        counts = Counter(answers.values_list("answer", flat=True))
    return [
        _cell(code, counts.get(code, 0), min_cell) for code in ANSWER_CHOICES[question]
    ]


def count_by_age_group(
    *, residence: str | None = None, min_cell: int = MIN_CELL
) -> list[CountCell]:
    """People per age group (14-27, 28-59, 60+) today, with small cells suppressed."""
    today = timezone.localdate()
    with tenants_api.in_public_schema():
        people = _User.objects.filter(
            birth_date__isnull=False, anonymized_at__isnull=True
        )
        if residence:
            people = people.filter(residence_locality__schema_name=residence)
        counts = Counter(
            age_group(age_on(born, today))
            for born in people.values_list("birth_date", flat=True)
            if born is not None
        )
    return [_cell(group.value, counts.get(group, 0), min_cell) for group in AgeGroup]


def _cell(value: str, count: int, min_cell: int) -> CountCell:
    return CountCell(
        value=value, count=count if count == 0 or count >= min_cell else None
    )
