"""Helpers for the reporting tests: send the learning signals as a locality would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from lms.learning import signals
from reporting.facet_tallies import rebuild_all_tallies
from reporting.models import CourseTitle, FunnelBreakdown
from reporting.page_tables import rebuild_last_active
from tenants import api as tenants_api

_ids = itertools.count(1)


def reset_derived_counts() -> None:
    """Browser tests elsewhere commit learner rows and delete them by person at
    their end; the counts derived from those rows (sums, titles, the civic
    breakdowns) are recomputed here, inside the test's transaction."""
    with tenants_api.in_public_schema(), transaction.atomic():
        CourseTitle.objects.all().delete()
        FunnelBreakdown.objects.all().delete()
        rebuild_all_tallies(timezone.localdate())
        rebuild_last_active()


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    reset_derived_counts()
    yield
    cache.clear()


class Events:
    """Sends the learning core's signals inside a locality's schema."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def enroll(self, schema, user_id, course_key, *, at=None):
        with tenants_api.in_locality(schema):
            signals.enrollment_created.send(
                sender=None,
                user_id=user_id,
                course_key=course_key,
                occurred_at=at or self.now,
                enrollment_id=next(_ids),
                cohort_id=None,
            )

    def withdraw(self, schema, user_id, course_key, *, at=None):
        with tenants_api.in_locality(schema):
            signals.enrollment_withdrawn.send(
                sender=None,
                user_id=user_id,
                course_key=course_key,
                occurred_at=at or self.now,
                enrollment_id=next(_ids),
            )

    def active(self, schema, user_id, course_key="curso", *, at=None):
        with tenants_api.in_locality(schema):
            signals.learner_active.send(
                sender=None,
                user_id=user_id,
                course_key=course_key,
                occurred_at=at or self.now,
            )

    def complete(self, schema, user_id, course_key, *, at=None):
        with tenants_api.in_locality(schema):
            signals.course_completed.send(
                sender=None,
                user_id=user_id,
                course_key=course_key,
                course_version=1,
                completed_at=at or self.now,
            )


@pytest.fixture
def events(db) -> Events:
    return Events()


def weeks_ago(n: int) -> datetime:
    return datetime.now(tz=UTC) - timedelta(weeks=n)
