"""Python API of the reporting app: city-wide figures for the program dashboards.

Invariants:
- Figures live in public-schema tables (``reporting.models``) kept current by the
  learning core's signals and corrected by the nightly ``recount``; building a
  dashboard never reads a locality schema.
- A person counts once city-wide (and once in each locality where they study).
- Recording is idempotent: a replayed event changes nothing.
- Differential cells with fewer than ``MIN_CELL`` people are suppressed before a
  figure leaves this module (pages and exports get ``None``).
- Access: the city dashboard needs ``reporting.view_city_dashboard`` at the city
  campus; a locality's dashboard needs ``reporting.view_locality_dashboard`` in
  that locality (or the city permission at the campus). Checks run in the
  active schema, where roles are groups (ADR 0002).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from tenants import api as tenants_api

from . import _queries, sources
from .data import (
    DEFAULT_CITY_TARGET,
    MIN_CELL,
    Dashboard,
    Filters,
    RecountResult,
    TargetData,
)
from .models import LearnerCourse as _LearnerCourse
from .models import LearnerDay as _LearnerDay
from .models import PersonProfile as _PersonProfile
from .models import PersonSummary as _PersonSummary
from .models import RecountRun as _RecountRun
from .models import Target as _Target

__all__ = [
    "ACTIVITY_WINDOW_DAYS",
    "MIN_CELL",
    "DashboardAccessDenied",
    "Filters",
    "TargetError",
    "access_city_dashboard_for_person",
    "access_locality_dashboard_for_person",
    "build_city_dashboard",
    "build_locality_dashboard",
    "get_target",
    "last_recount",
    "record_activity",
    "record_certificate",
    "record_certification_since",
    "record_completion",
    "record_enrollment",
    "record_participation_role",
    "record_person_profile",
    "record_withdrawal",
    "recount",
    "set_target",
    "sync_person_profiles",
]

logger = logging.getLogger(__name__)

# The recount rebuilds activity for this many days back: older days feed no figure.
ACTIVITY_WINDOW_DAYS = 35


class TargetError(ValueError):
    """A target cannot be saved; the message (Spanish) says what to fix."""


class DashboardAccessDenied(PermissionDenied):
    """The person may not see this dashboard; the message (Spanish) says why."""


# --- recording events (handlers call these in the locality's schema) -------------

_LC = _LearnerCourse._meta.db_table
_DAY = _LearnerDay._meta.db_table
_KEY = "(schema_name, user_id, course_key)"


_SUMMARY = _PersonSummary._meta.db_table
# Advisory-lock namespace: one person's reporting rows change one event at a time.
_PERSON_LOCK = 8_0001
# A person's summary per scope ('' = city, else the locality), from their rows.
_SUMMARY_SELECT = (
    "SELECT scope, user_id, bool_or(is_enrolled OR completed_at IS NOT NULL),"  # noqa: S608
    " min(first_enrolled_at) FILTER (WHERE is_enrolled OR completed_at IS NOT NULL),"
    " min(completed_at), min(certified_at), clock_timestamp()"
    f" FROM (SELECT '' AS scope, lc.* FROM {_LC} lc {{where}} UNION ALL"
    f" SELECT lc.schema_name, lc.* FROM {_LC} lc {{where}}) per_scope"
    " {scope_filter} GROUP BY scope, user_id"
)
_SUMMARY_UPSERT = (
    f"INSERT INTO {_SUMMARY} AS t (schema_name, user_id, is_enrolled,"
    " first_enrolled_at, completed_at, certified_at, updated_at) {select}"
    " ON CONFLICT (schema_name, user_id) DO UPDATE SET"
    " is_enrolled = EXCLUDED.is_enrolled,"
    " first_enrolled_at = EXCLUDED.first_enrolled_at,"
    " completed_at = EXCLUDED.completed_at, certified_at = EXCLUDED.certified_at,"
    " updated_at = EXCLUDED.updated_at"
    " WHERE (t.is_enrolled, t.first_enrolled_at, t.completed_at, t.certified_at)"
    " IS DISTINCT FROM (EXCLUDED.is_enrolled, EXCLUDED.first_enrolled_at,"
    " EXCLUDED.completed_at, EXCLUDED.certified_at)"
)


def _upsert_course(sql_set: str, params: list[Any]) -> None:
    """Apply one course event and refresh the person's city and locality summary.

    The per-person lock makes two events of one person (in two localities, say)
    run one after the other, so each summary is computed from committed rows.
    """
    schema_name, user_id = params[0], params[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [_PERSON_LOCK, user_id % 2**31],
        )
        cursor.execute(
            f"INSERT INTO {_LC} AS t (schema_name, user_id, course_key, is_enrolled,"  # noqa: S608
            " first_enrolled_at, enrollment_changed_at, completed_at, certified_at,"
            " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, clock_timestamp())"
            f" ON CONFLICT {_KEY} DO UPDATE SET {sql_set}, updated_at = clock_timestamp()",
            params,
        )
        select = _SUMMARY_SELECT.format(
            where="WHERE lc.user_id = %s", scope_filter="WHERE scope IN ('', %s)"
        )
        cursor.execute(
            _SUMMARY_UPSERT.format(select=select), [user_id, user_id, schema_name]
        )


def _rebuild_summaries() -> int:
    """Recompute every person's summaries from the course rows; rows changed."""
    with connection.cursor() as cursor:
        select = _SUMMARY_SELECT.format(where="", scope_filter="")
        cursor.execute(_SUMMARY_UPSERT.format(select=select))
        changed = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {_SUMMARY} s WHERE NOT EXISTS (SELECT 1 FROM {_LC} lc"  # noqa: S608
            " WHERE lc.user_id = s.user_id AND (s.schema_name = ''"
            " OR lc.schema_name = s.schema_name))"
        )
        return changed + cursor.rowcount


@transaction.atomic
def record_enrollment(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person enrolled in a course of a locality (idempotent, order-safe)."""
    _upsert_course(
        "first_enrolled_at = LEAST(t.first_enrolled_at, EXCLUDED.first_enrolled_at),"
        " is_enrolled = CASE WHEN t.enrollment_changed_at IS NULL"
        " OR EXCLUDED.enrollment_changed_at > t.enrollment_changed_at"
        " THEN true ELSE t.is_enrolled END,"
        " enrollment_changed_at = GREATEST(t.enrollment_changed_at,"
        " EXCLUDED.enrollment_changed_at)",
        [schema_name, user_id, course_key, True, occurred_at, occurred_at, None, None],
    )


@transaction.atomic
def record_withdrawal(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person withdrew; an enrollment at the same instant loses to it."""
    _upsert_course(
        "is_enrolled = CASE WHEN t.enrollment_changed_at IS NULL"
        " OR EXCLUDED.enrollment_changed_at >= t.enrollment_changed_at"
        " THEN false ELSE t.is_enrolled END,"
        " enrollment_changed_at = GREATEST(t.enrollment_changed_at,"
        " EXCLUDED.enrollment_changed_at)",
        [schema_name, user_id, course_key, False, None, occurred_at, None, None],
    )


@transaction.atomic
def record_completion(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person completed a course; the earliest completion date is kept."""
    _upsert_course(
        "completed_at = LEAST(t.completed_at, EXCLUDED.completed_at)",
        [schema_name, user_id, course_key, False, None, None, occurred_at, None],
    )


@transaction.atomic
def record_certificate(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person was certified for a course; the earliest issue date is kept."""
    _upsert_course(
        "certified_at = LEAST(t.certified_at, EXCLUDED.certified_at)",
        [schema_name, user_id, course_key, False, None, None, None, occurred_at],
    )


@transaction.atomic
def record_certification_since(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime | None
) -> None:
    """After a revocation: the person counts as certified since ``occurred_at``
    (their first certificate of the course still valid), or not at all (None)."""
    _upsert_course(
        "certified_at = EXCLUDED.certified_at",
        [schema_name, user_id, course_key, False, None, None, None, occurred_at],
    )


def record_activity(schema_name: str, user_id: int, *, occurred_at: datetime) -> None:
    """A person was active in a locality that day (Bogotá time); once per day."""
    day = timezone.localdate(occurred_at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_DAY} (schema_name, user_id, day) VALUES (%s, %s, %s)"  # noqa: S608
            " ON CONFLICT (schema_name, user_id, day) DO NOTHING",
            [schema_name, user_id, day],
        )


@transaction.atomic
def record_person_profile(
    user_id: int,
    *,
    registered_at: datetime | None = None,
    gender: str = "",
    birth_date: date | None = None,
    ethnic_group: str = "",
    has_disability: bool | None = None,
    is_victim: bool | None = None,
    is_lgbtiq: bool | None = None,
    is_rural: bool | None = None,
    has_participation_role: bool = False,
) -> None:
    """Keep what the breakdowns need about a person (only answers given with
    consent; empty means "no answer"). Replaces the previous values."""
    _PersonProfile.objects.update_or_create(
        user_id=user_id,
        defaults={
            "registered_at": registered_at,
            "gender": gender,
            "birth_date": birth_date,
            "ethnic_group": ethnic_group,
            "has_disability": has_disability,
            "is_victim": is_victim,
            "is_lgbtiq": is_lgbtiq,
            "is_rural": is_rural,
            "has_participation_role": has_participation_role,
        },
    )


def record_participation_role(user_id: int, *, holds_a_role: bool) -> None:
    """Keep whether the person holds a civic role anywhere («En rol de
    participación» on the dashboards). Leaves the rest of the profile alone."""
    with tenants_api.in_public_schema():
        updated = _PersonProfile.objects.filter(user_id=user_id).update(
            has_participation_role=holds_a_role
        )
        if not updated:
            _PersonProfile.objects.create(
                user_id=user_id, has_participation_role=holds_a_role
            )


def _fix_roles(holders: set[int]) -> int:
    """Make the profiles' role flags say exactly ``holders``; rows changed."""
    wrong_on = _PersonProfile.objects.filter(has_participation_role=True).exclude(
        user_id__in=holders
    )
    changed = wrong_on.update(has_participation_role=False)
    missing = holders - set(
        _PersonProfile.objects.filter(
            user_id__in=holders, has_participation_role=True
        ).values_list("user_id", flat=True)
    )
    for user_id in missing:
        record_participation_role(user_id, holds_a_role=True)
    return changed + len(missing)


# --- targets ---------------------------------------------------------------------


def get_target(schema_name: str = "") -> TargetData | None:
    """The city's target (default 50,000) or a locality's (None if never set)."""
    row = _Target.objects.filter(schema_name=schema_name).first()
    if row is not None:
        return TargetData(schema_name, row.people, row.target_date, is_default=False)
    if schema_name:
        return None
    return TargetData("", DEFAULT_CITY_TARGET, None, is_default=True)


@transaction.atomic
def set_target(
    schema_name: str = "",
    *,
    people: int | str | None,
    target_date: date | None = None,
    today: date | None = None,
) -> TargetData:
    """Save the city's (``schema_name`` empty) or a locality's target.

    Raises ``TargetError`` with a Spanish message for a missing, zero or negative
    number of people, a date in the past, or an unknown locality.
    """
    today = today or timezone.localdate()
    try:
        value = int(str(people).strip().replace(".", "").replace(" ", ""))
    except ValueError as exc:
        raise TargetError(
            "La meta debe ser un número entero de personas, por ejemplo 50000."
        ) from exc
    if value <= 0:
        raise TargetError(
            f"La meta debe ser mayor que cero (recibimos {value}); escriba cuántas "
            "personas se espera formar."
        )
    if target_date is not None and target_date < today:
        raise TargetError(
            f"La fecha meta ({target_date:%d/%m/%Y}) ya pasó; elija una fecha de hoy "
            "en adelante."
        )
    if schema_name and schema_name not in tenants_api.locality_schemas():
        raise TargetError(f"No existe la localidad «{schema_name}».")
    _Target.objects.update_or_create(
        schema_name=schema_name, defaults={"people": value, "target_date": target_date}
    )
    transaction.on_commit(_queries.forget_builds)  # the manager sees it at once
    target = get_target(schema_name)
    assert target is not None  # noqa: S101 - just saved
    return target


# --- access ------------------------------------------------------------------------


def access_city_dashboard_for_person(user: Any) -> None:
    """Raise ``DashboardAccessDenied`` unless the person may see the city's."""
    if not user.is_authenticated:
        raise DashboardAccessDenied("Ingrese para ver el tablero.")
    if tenants_api.current_schema() != settings.CITY_CAMPUS_SCHEMA:
        raise DashboardAccessDenied(
            "El tablero de la ciudad está en el campus del IDPAC; ábralo allí."
        )
    if not user.has_perm("reporting.view_city_dashboard"):
        raise DashboardAccessDenied(
            "Su cuenta no tiene permiso para ver el tablero de la ciudad; "
            "pídalo a quien administra el programa (rol Gestor del programa)."
        )


def access_locality_dashboard_for_person(user: Any, schema_name: str) -> None:
    """Raise ``DashboardAccessDenied`` unless the person may see this locality's.

    From a locality's site only that locality is reachable; from the campus a
    program manager reaches any locality.
    """
    if not user.is_authenticated:
        raise DashboardAccessDenied("Ingrese para ver el tablero.")
    here = tenants_api.current_schema()
    if here == settings.CITY_CAMPUS_SCHEMA:
        access_city_dashboard_for_person(user)
        return
    if here != schema_name:
        raise DashboardAccessDenied(
            "Este sitio solo muestra el tablero de su localidad."
        )
    if not user.has_perm("reporting.view_locality_dashboard"):
        raise DashboardAccessDenied(
            "Su cuenta no tiene permiso para ver el tablero de esta localidad; "
            "pídalo a quien administra la localidad (rol Gestor local)."
        )


# --- dashboards --------------------------------------------------------------------


def build_city_dashboard(
    *, filters: Filters | None = None, today: date | None = None
) -> Dashboard:
    """The city's figures, per locality, course and path, weeks and breakdowns."""
    return _queries.build(
        "", filters=filters or Filters(), today=today or timezone.localdate()
    )


def build_locality_dashboard(
    schema_name: str, *, filters: Filters | None = None, today: date | None = None
) -> Dashboard:
    """The same views for one locality only."""
    return _queries.build(
        schema_name, filters=filters or Filters(), today=today or timezone.localdate()
    )


# --- the nightly recount -----------------------------------------------------------


_YES_NO = {"si": True, "no": False}


def sync_person_profiles(user_ids: list[int] | None = None) -> int:
    """Copy what the breakdowns need from the accounts (all people when ``None``).

    Reads through ``lms.accounts.api`` in bulk: registration date, date of birth and
    only the sensitive answers held with consent. "Prefiero no decir" and missing
    answers become "no answer". Anonymized people keep a row with no personal data
    (they still count once). Returns how many profiles were written.
    """
    from lms.accounts import api as accounts_api
    from lms.accounts.data import PREFER_NOT_TO_SAY, Question

    people = accounts_api.list_people(user_ids)
    answers = accounts_api.sensitive_answers_for(user_ids)

    def answer(user_id: int, question: Question) -> str:
        held = answers.get(user_id, {}).get(question)
        return "" if held is None or held.answer == PREFER_NOT_TO_SAY else held.answer

    rows = [
        _PersonProfile(
            user_id=person.user_id,
            registered_at=person.date_joined,
            residence_schema=person.residence_schema or "",
            birth_date=person.birth_date,
            gender=answer(person.user_id, Question.GENDER),
            ethnic_group=answer(person.user_id, Question.ETHNIC_GROUP),
            has_disability=_YES_NO.get(answer(person.user_id, Question.DISABILITY)),
            is_victim=_YES_NO.get(answer(person.user_id, Question.CONFLICT_VICTIM)),
            is_lgbtiq=_YES_NO.get(answer(person.user_id, Question.LGBTIQ)),
            is_rural=_YES_NO.get(answer(person.user_id, Question.RURAL)),
        )
        for person in people
    ]
    with tenants_api.in_public_schema():
        _PersonProfile.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["user_id"],
            update_fields=[
                "registered_at",
                "residence_schema",
                "birth_date",
                "gender",
                "ethnic_group",
                "has_disability",
                "is_victim",
                "is_lgbtiq",
                "is_rural",
                "updated_at",
            ],
        )
    return len(rows)


def recount(*, now: datetime | None = None) -> RecountResult:
    """Rebuild the reporting tables from every locality schema; correct drift.

    An explicit loop over ``tenants.api.locality_schemas()`` started from the
    public schema. ``drift`` counts the rows the recount had to change (0 when
    the events had kept everything right).
    """
    started = time.perf_counter()
    now = now or timezone.now()
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since -= timedelta(days=ACTIVITY_WINDOW_DAYS)
    drift = {"active_days": 0, "certified": 0, "enrolled": 0, "completed": 0}
    schemas = tenants_api.locality_schemas()
    holders: set[int] = set()
    for schema in schemas:
        with tenants_api.in_locality(schema):
            holders |= sources.role_holders()
            days = sources.activity_days(since)
            certs = sources.certificates()
            enrolls = sources.enrollments()
        with tenants_api.in_public_schema():
            drift["active_days"] += _fix_days(schema, days, timezone.localdate(since))
            for name, n in _fix_courses(schema, enrolls, certs).items():
                drift[name] += n
    with tenants_api.in_public_schema(), transaction.atomic():
        drift["summaries"] = _rebuild_summaries()
        drift["roles"] = _fix_roles(holders)
    seconds = time.perf_counter() - started
    with tenants_api.in_public_schema():
        _RecountRun.objects.create(started_at=now, seconds=seconds, drift=drift)
    if any(drift.values()):
        logger.warning("Recuento nocturno corrigió diferencias: %s", drift)
    return RecountResult(tuple(schemas), seconds, drift, now)


def last_recount() -> RecountResult | None:
    """The latest recount run, if any."""
    run = _RecountRun.objects.first()
    if run is None:
        return None
    return RecountResult((), run.seconds, run.drift, run.started_at)


@transaction.atomic
def _fix_days(schema: str, truth: set[tuple[int, date]], first_day: date) -> int:
    current = set(
        _LearnerDay.objects.filter(schema_name=schema, day__gte=first_day).values_list(
            "user_id", "day"
        )
    )
    extra = current - truth
    missing = truth - current
    if extra:
        # Few rows in practice (drift); one delete per day keeps the SQL small.
        by_day: dict[date, list[int]] = {}
        for user_id, day in extra:
            by_day.setdefault(day, []).append(user_id)
        for day, users in by_day.items():
            _LearnerDay.objects.filter(
                schema_name=schema, day=day, user_id__in=users
            ).delete()
    _LearnerDay.objects.bulk_create(
        (_LearnerDay(schema_name=schema, user_id=u, day=d) for u, d in missing),
        batch_size=5000,
        ignore_conflicts=True,
    )
    return len(extra) + len(missing)


@transaction.atomic
def _fix_courses(
    schema: str,
    enrollments: sources.Enrollments,
    certificates: dict[tuple[int, str], datetime],
) -> dict[str, int]:
    """Make the locality's rows say what its records say; count what changed.

    A row the records know nothing about (an event for an enrollment that was
    rolled back, say) is emptied rather than deleted, so its id stays stable.
    """
    rows = {
        (r.user_id, r.course_key): r
        for r in _LearnerCourse.objects.filter(schema_name=schema)
    }
    drift = {"enrolled": 0, "completed": 0, "certified": 0}
    new: list[_LearnerCourse] = []
    changed: list[_LearnerCourse] = []
    for key in rows.keys() | enrollments.keys() | certificates.keys():
        first, is_enrolled, changed_at, completed = enrollments.get(
            key, (None, False, None, None)
        )
        certified = certificates.get(key)
        row = rows.get(key)
        if row is None:
            row = _LearnerCourse(schema_name=schema, user_id=key[0], course_key=key[1])
            new.append(row)
        was = (row.first_enrolled_at, row.is_enrolled, row.enrollment_changed_at)
        moved = False
        if was != (first, is_enrolled, changed_at):
            drift["enrolled"] += 1
            moved = True
        if row.completed_at != completed:
            drift["completed"] += 1
            moved = True
        if row.certified_at != certified:
            drift["certified"] += 1
            moved = True
        row.first_enrolled_at, row.is_enrolled = first, is_enrolled
        row.enrollment_changed_at, row.completed_at = changed_at, completed
        row.certified_at = certified
        if moved and row.pk is not None:
            row.updated_at = timezone.now()  # bulk_update skips auto_now
            changed.append(row)
    _LearnerCourse.objects.bulk_create(new, batch_size=2000)
    _LearnerCourse.objects.bulk_update(
        changed,
        [
            "first_enrolled_at",
            "is_enrolled",
            "enrollment_changed_at",
            "completed_at",
            "certified_at",
            "updated_at",
        ],
        batch_size=2000,
    )
    return drift
