"""Who holds a valid certificate of which course, city-wide (one public table).

A certificate is the person's wherever it was earned, so eligibility reads this
index in one query from any locality instead of the certificates of every
locality (which grew with the number of localities). Kept by the certificates'
issued/revoked signals (``handlers``) and rebuilt per locality by the nightly
recount, the same facts ``certificates.api.reporting_certificates`` gives, so a
lost event is corrected overnight. Revoked certificates never have a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction

from certificates import api as certificates_api
from tenants import api as tenants_api

from .citywide.models import CertifiedCourse as _CertifiedCourse


def record_issued(user_id: int, course_key: str, *, issued_at: datetime) -> None:
    """A certificate was issued in the active locality (a row that exists keeps
    its date: the person is certified since the first)."""
    # One statement, in autocommit: get_or_create (a select, then an insert in
    # a transaction and a savepoint) and bulk_create (a transaction of its
    # own) cost four and three round trips per certificate issued.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_CertifiedCourse._meta.db_table}"  # noqa: S608
            " (schema_name, user_id, course_key, certified_since)"
            " VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (schema_name, user_id, course_key) DO NOTHING",
            [tenants_api.current_schema(), user_id, course_key, issued_at],
        )


def record_revoked(
    user_id: int, course_key: str, *, certified_since: datetime | None
) -> None:
    """A certificate was revoked in the active locality; ``certified_since`` is the
    first issue among the person's certificates of the course still valid here."""
    rows = _CertifiedCourse.objects.filter(
        schema_name=tenants_api.current_schema(),
        user_id=user_id,
        course_key=course_key,
    )
    if certified_since is None:
        rows.delete()
    else:
        rows.update(certified_since=certified_since)


@transaction.atomic
def rebuild_here() -> int:
    """Replace the active locality's rows with its valid certificates; returns
    how many rows it holds now."""
    schema = tenants_api.current_schema()
    _CertifiedCourse.objects.filter(schema_name=schema).delete()
    rows = [
        _CertifiedCourse(
            schema_name=schema,
            user_id=user_id,
            course_key=course_key,
            certified_since=since,
        )
        for (
            user_id,
            course_key,
        ), since in certificates_api.reporting_certificates().items()
    ]
    _CertifiedCourse.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def certified_courses(user_id: int) -> frozenset[str]:
    """Keys of the courses the person holds a valid certificate of, anywhere."""
    return frozenset(
        _CertifiedCourse.objects.filter(user_id=user_id)
        .values_list("course_key", flat=True)
        .distinct()
    )


def certified_courses_of(user_ids: Iterable[int] | None) -> dict[int, frozenset[str]]:
    """The same for many people at once (everyone's when ``None``)."""
    rows = _CertifiedCourse.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    found: dict[int, set[str]] = {}
    for user_id, course_key in rows.values_list("user_id", "course_key").iterator(
        chunk_size=10000
    ):
        found.setdefault(user_id, set()).add(course_key)
    return {user_id: frozenset(keys) for user_id, keys in found.items()}


def holders_here() -> set[int]:
    """People holding a valid certificate issued in the active locality."""
    return set(
        _CertifiedCourse.objects.filter(
            schema_name=tenants_api.current_schema()
        ).values_list("user_id", flat=True)
    )
