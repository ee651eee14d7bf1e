"""What the nightly recount reads inside one locality's schema.

This is the only module of the reporting app that reads locality data, and only
the recount calls it (pages never do). The owning apps do not offer these reads
in their ``api.py`` yet, so two of them go through Django's app registry (no
import of the other app's models) as a bridge. When ``lms.learning.api`` and
``certificates.api`` offer ``reporting_*`` functions (contract in README.md),
they are used instead and the bridge goes away.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db.models import Min
from django.db.models.functions import TruncDate

__all__ = ["activity_days", "certificates", "enrollments"]


def activity_days(since: datetime) -> set[tuple[int, date]]:
    """(person, local day) pairs with at least one xAPI statement since ``since``.

    Every learning event is also a statement (issue #6), so statements are the
    authority on who was active when.
    """
    from lms.learning import api as learning_api

    reader = getattr(learning_api, "reporting_activity_days", None)
    if reader is not None:
        return set(reader(since=since))
    statement = apps.get_model("learning", "XapiStatement")
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = (
        statement.objects.filter(stored_at__gte=since)
        .annotate(day=TruncDate("stored_at", tzinfo=tz))
        .values_list("user_id", "day")
        .distinct()
    )
    return set(rows)


def certificates() -> dict[tuple[int, str], datetime]:
    """(person, course key) → first issue date of a certificate still valid."""
    if not apps.is_installed("certificates"):
        return {}
    from certificates import api as certificates_api

    reader = getattr(certificates_api, "reporting_certificates", None)
    if reader is not None:
        return dict(reader())
    certificate = apps.get_model("certificates", "Certificate")
    rows = (
        certificate.objects.filter(revoked_at__isnull=True)
        .values("user_id", "course_key")
        .annotate(first=Min("issued_at"))
    )
    return {(r["user_id"], r["course_key"]): r["first"] for r in rows}


def enrollments() -> (
    dict[
        tuple[int, str], tuple[datetime | None, bool, datetime | None, datetime | None]
    ]
    | None
):
    """(person, course) → (first enrolled, is enrolled, last change, completed).

    None while the learning records (issue #6) have no enrollments to read: the
    recount then leaves enrollment and completion as the events left them and
    says so.
    """
    from lms.learning import api as learning_api

    reader = getattr(learning_api, "reporting_enrollments", None)
    if reader is None:
        return None
    return dict(reader())
