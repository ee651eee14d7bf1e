"""A new certificate reaches the city-wide reporting table once, after commit."""

from __future__ import annotations

from datetime import UTC, datetime

from certificates import api
from reporting.models import LearnerCourse
from tenants import api as tenants_api


def test_issuing_records_the_certification_in_the_public_table_once(
    course_a, holder, town_a, django_capture_on_commit_callbacks
):
    for _ in range(2):  # the second issuance finds the certificate: no new event
        with django_capture_on_commit_callbacks(execute=True):
            api.issue_certificate(
                holder.pk,
                course_key=course_a.key,
                course_version=course_a.version,
                completed_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
            )
    with tenants_api.in_public_schema():
        [row] = LearnerCourse.objects.filter(user_id=holder.pk, course_key=course_a.key)
    assert row.schema_name == town_a
    assert row.certified_at is not None
