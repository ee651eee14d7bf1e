"""Python API of the learning records: xAPI statements and activity state.

Moving to topic modules (statements, quizzes, cohorts, ...); this module imports
them back so that ``lms.learning.api`` keeps every name.

Invariants:
- A statement is stored at most once per statement id: retrying a request stores
  nothing twice and does not change the activity's state again.
- The actor of a statement is whoever the caller says it is (the signed-in
  learner); the actor sent by the client is never trusted.
- State only improves: once attempted, completed or passed it stays so, and the
  best score is the highest ever received.
- Everything acts on the active schema (a tenant app); activities are stable keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from tenants import api as tenants_api

from . import personal_data as _personal_data
from .cohorts import (
    QR_MAX_AGE_SECONDS,
    check_in_with_qr,
    create_cohort,
    get_cohort,
    get_session,
    import_attendance_csv,
    list_cohort_roster,
    list_cohorts,
    list_session_attendance,
    list_sessions,
    list_upcoming_sessions,
    qr_token,
    record_attendance,
    schedule_session,
)
from .completion import evaluate_completion
from .data import (
    ActivityStateData,
    AttendanceImport,
    CohortData,
    CompletionCheck,
    CourseProgress,
    EnrollmentData,
    LessonRef,
    QuizResult,
    RecordResult,
    SessionData,
)
from .enrollment import enroll, get_enrollment, withdraw
from .enrollment import promote_waiting as _promote_waiting
from .errors import InvalidStatement, LearningError, LrsUnavailable
from .models import ActiveDay as _ActiveDay
from .models import ActivityState as _ActivityState
from .models import Attendance as _Attendance
from .models import CourseCompletion as _CourseCompletion
from .models import CourseRule as _CourseRule
from .models import EmailOptOut as _EmailOptOut
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession
from .models import LessonProgress as _LessonProgress
from .models import Notification as _Notification
from .models import QuizAttempt as _QuizAttempt
from .models import XapiStatement as _XapiStatement
from .notifications import list_notifications
from .notifications import notify as _notify
from .progress import get_course_progress, list_my_courses, record_lesson_view
from .quizzes import count_quiz_attempts, get_quiz, save_quiz, submit_quiz
from .rules import get_course_rule_version, set_course_rule
from .statements import (
    MAX_BATCH,
    get_activity_state,
    list_activity_states,
    record_statements,
    save_resume_state,
)

__all__ = [
    "MAX_BATCH",
    "QR_MAX_AGE_SECONDS",
    "ActivityStateData",
    "AttendanceImport",
    "CohortData",
    "CompletionCheck",
    "CourseProgress",
    "EnrollmentData",
    "InvalidStatement",
    "LearningError",
    "LessonRef",
    "LrsUnavailable",
    "QuizResult",
    "RecordResult",
    "SessionData",
    "check_in_with_qr",
    "count_quiz_attempts",
    "create_cohort",
    "enroll",
    "erase_learner",
    "evaluate_completion",
    "export_learner",
    "forward_statements",
    "get_activity_state",
    "get_cohort",
    "get_course_progress",
    "get_course_rule_version",
    "get_enrollment",
    "get_quiz",
    "get_session",
    "import_attendance_csv",
    "list_activity_states",
    "list_cohort_roster",
    "list_cohorts",
    "list_my_courses",
    "list_notifications",
    "list_session_attendance",
    "list_sessions",
    "list_upcoming_sessions",
    "qr_token",
    "record_attendance",
    "record_lesson_view",
    "record_statements",
    "reporting_activity_days",
    "reporting_enrollments",
    "save_quiz",
    "save_resume_state",
    "schedule_session",
    "send_daily_notifications",
    "send_notification_email",
    "set_course_rule",
    "submit_quiz",
    "unsubscribe",
    "unsubscribe_token",
    "withdraw",
]


@transaction.atomic
def erase_learner(user_id: int) -> int:
    """Erase the person's learning records in this locality (anonymization).

    Deleted: statements, activity states (with saved answers), lesson progress,
    active days, every enrollment (with its history), attendance, quiz attempts
    (with their answers), notices and the email opt-out. A course completion
    stays, because the accounts' rule for anonymization keeps the rows that
    aggregate counts and issued certificates need, without personal data
    (ADR 0006, ``lms.accounts.signals.person_anonymized``): it keeps the course,
    version, date and rule under the account id that anonymization left without
    name, email or document, and loses the person's results (score, attendance).
    A place the person held in a cohort goes to the first one waiting.
    Idempotent; returns how many rows were deleted or blanked.
    """
    freed_cohorts = set(
        _Enrollment.objects.filter(
            user_id=user_id,
            status=_Enrollment.Status.ACTIVE,
            cohort__isnull=False,
        ).values_list("cohort_id", flat=True)
    )
    changed = 0
    for model in (
        _XapiStatement,
        _ActivityState,
        _LessonProgress,
        _ActiveDay,
        _Attendance,
        _QuizAttempt,
        _Notification,
        _EmailOptOut,
        _Enrollment,
    ):
        count, _ = model.objects.filter(user_id=user_id).delete()
        changed += count
    for completion in _CourseCompletion.objects.select_for_update().filter(
        user_id=user_id
    ):
        blanked = completion.rule | dict.fromkeys(_PERSONAL_RESULTS)
        if blanked != completion.rule:
            completion.rule = blanked
            completion.save(update_fields=["rule"])
            changed += 1
    for cohort_id in sorted(freed_cohorts):
        _promote_waiting(cohort_id)
    # A cohort they facilitated keeps running; only the person's id is theirs.
    return changed


# The person's own results inside a completion's rule (blanked on erasure).
_PERSONAL_RESULTS = ("score_percent", "attendance_percent")


def export_learner(
    user_id: int, *, activity_titles: Mapping[str, str] | None = None
) -> dict[str, list[dict[str, str]]]:
    """Everything the learning records hold about the person in this locality,
    for their data download: ``{"section title": [row, ...]}``, Spanish labels,
    Bogotá dates, titles instead of keys; ``{}`` if they never studied here.

    ``activity_titles`` names activities this app only knows by key (the caller
    that owns them, e.g. H5P, passes ``{"h5p:<key>": "title"}``).
    """
    return _personal_data.export(user_id, activity_titles=activity_titles or {})


# --- Forwarding to an external LRS -------------------------------------------------------


def forward_statements(*, batch_size: int = 100, max_batches: int = 50) -> int:
    """Send the active locality's not-yet-forwarded statements to the LRS.

    Does nothing unless ``settings.LEARNING_LRS_URL`` is set (the LRS's
    ``/statements`` endpoint, e.g. Ralph's ``/xAPI/statements``). Oldest first,
    in batches; a batch is marked forwarded only after the LRS answers 2xx, so a
    failure leaves it for the retry (statement ids make resending harmless: the
    LRS ignores an id it already has, or answers 409, which also counts as
    accepted). The actor is replaced by the pseudonymous platform account id,
    never an email. Runs in Celery, never in the learner's request.
    """
    url = getattr(settings, "LEARNING_LRS_URL", "")
    if not url:
        return 0
    auth = (
        (settings.LEARNING_LRS_USERNAME, settings.LEARNING_LRS_PASSWORD)
        if getattr(settings, "LEARNING_LRS_USERNAME", "")
        else None
    )
    home = f"urn:lms:{tenants_api.current_schema()}"
    sent = 0
    for _ in range(max_batches):
        with transaction.atomic():
            rows = list(
                _XapiStatement.objects.select_for_update(skip_locked=True)
                .filter(forwarded_at__isnull=True)
                .order_by("pk")[:batch_size]
            )
            if not rows:
                break
            payload = [
                {
                    **row.statement,
                    "id": str(row.statement_id),
                    "actor": {
                        "objectType": "Agent",
                        "account": {"homePage": home, "name": str(row.user_id)},
                    },
                    "stored": row.stored_at.isoformat(),
                }
                for row in rows
            ]
            try:
                response = requests.post(
                    url,
                    json=payload,
                    auth=auth,
                    headers={"X-Experience-API-Version": "1.0.3"},
                    timeout=15,
                )
            except requests.RequestException as exc:
                raise LrsUnavailable(f"El LRS no respondió: {exc}") from exc
            if response.status_code >= 300 and response.status_code != 409:
                raise LrsUnavailable(
                    f"El LRS rechazó el lote ({response.status_code}): "
                    f"{response.text[:200]}"
                )
            _XapiStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
                forwarded_at=timezone.now()
            )
            sent += len(rows)
    return sent


# --- Notifications (site and email) -----------------------------------------------------

NUDGE_AFTER_DAYS = 14


def send_notification_email(notification_id: int) -> bool:
    """Email one notice, in Spanish, with an unsubscribe link; at most once.

    Skipped (False) when the person unsubscribed here, has no email, or it was
    already sent.
    """
    with transaction.atomic():
        row = (
            _Notification.objects.select_for_update()
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if row is None or _EmailOptOut.objects.filter(user_id=row.user_id).exists():
            return False
        email = (
            get_user_model()
            .objects.filter(pk=row.user_id)
            .values_list("email", flat=True)
            .first()
        )
        if not email:
            return False
        site = _site_url()
        unsubscribe = (
            f"{site}/aprendizaje/avisos/baja/{unsubscribe_token(row.user_id)}/"
        )
        link = f"{site}{row.link}" if row.link.startswith("/") else row.link
        body = "\n\n".join(
            part
            for part in (
                row.body,
                link and f"Entre aquí: {link}",
                "Para no recibir más correos de aprendizaje de esta localidad: "
                f"{unsubscribe}",
            )
            if part
        )
        row.emailed_at = timezone.now()
        row.save(update_fields=["emailed_at"])
        transaction.on_commit(lambda: _send(row.title, body, email, unsubscribe))
    return True


def _send(title: str, body: str, email: str, unsubscribe: str) -> None:
    message = EmailMessage(
        f"{title} · Escuela de Participación",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
    message.send()


def _site_url() -> str:
    locality = tenants_api.get_locality(tenants_api.current_schema())
    template = getattr(settings, "LEARNING_SITE_URL", "https://{domain}")
    return template.format(domain=locality.domain or "localhost").rstrip("/")


def unsubscribe_token(user_id: int) -> str:
    """Signed, per locality: the link in every email stops them from this site."""
    return signing.dumps(
        user_id, salt=f"learning.unsubscribe.{tenants_api.current_schema()}"
    )


@transaction.atomic
def unsubscribe(token: str) -> bool:
    """Honour an unsubscribe link; False (nothing done) if the link is not valid."""
    try:
        user_id = int(
            signing.loads(
                token, salt=f"learning.unsubscribe.{tenants_api.current_schema()}"
            )
        )
    except (signing.BadSignature, TypeError, ValueError):
        return False
    _EmailOptOut.objects.get_or_create(user_id=user_id)
    return True


@transaction.atomic
def send_daily_notifications(*, today: date | None = None) -> tuple[int, int]:
    """Beat, once a day per locality: reminders of tomorrow's sessions and a
    nudge to whoever spent ``NUDGE_AFTER_DAYS`` days without activity in a course
    they have not completed. Returns (reminders, nudges) newly made; running it
    twice makes nothing twice."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    reminders = 0
    sessions = _InPersonSession.objects.filter(starts_at__date=tomorrow).select_related(
        "cohort"
    )
    for session in sessions:
        learners = _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active"
        ).values_list("user_id", flat=True)
        when = timezone.localtime(session.starts_at).strftime("%H:%M")
        for user_id in learners:
            reminders += _notify(
                user_id,
                _Notification.Kind.REMINDER,
                f"s{session.pk}",
                title=f"Mañana: {session.title}",
                body=(
                    f"Le recordamos la sesión presencial «{session.title}» de "
                    f"{session.cohort.name}, mañana a las {when}"
                    + (f" en {session.place}." if session.place else ".")
                ),
                link="/aprendizaje/",
            )
    nudges = 0
    cutoff = today - timedelta(days=NUDGE_AFTER_DAYS)
    completed = _CourseCompletion.objects.filter(
        user_id=OuterRef("user_id"), course_key=OuterRef("course_key")
    )
    last_day = (
        _ActiveDay.objects.filter(
            user_id=OuterRef("user_id"), course_key=OuterRef("course_key")
        )
        .order_by("-day")
        .values("day")[:1]
    )
    idle = (
        _Enrollment.objects.filter(status="active")
        .annotate(last=Subquery(last_day), done=Exists(completed))
        .filter(done=False)
    )
    titles = dict(_CourseRule.objects.values_list("course_key", "title"))
    urls = dict(_CourseRule.objects.values_list("course_key", "url"))
    for row in idle:
        last = row.last or timezone.localdate(row.enrolled_at)
        if last > cutoff:
            continue
        nudges += _notify(
            row.user_id,
            _Notification.Kind.NUDGE,
            f"{row.course_key}:{last.isoformat()}",  # once per idle stretch
            title="Lo esperamos de vuelta",
            body=(
                f"Hace {(today - last).days} días no avanza en "
                f"«{titles.get(row.course_key, row.course_key)}». "
                "Siga donde quedó: solo le toma unos minutos."
            ),
            link=urls.get(row.course_key, "/aprendizaje/"),
        )
    return reminders, nudges


# --- Readers for the city reporting (issue #8) ---------------------------------------
# The nightly recount compares the public reporting table with these, one locality
# at a time; they answer with the same facts the signals above announce, so a
# locality whose events all arrived shows no drift.


def reporting_enrollments() -> Iterator[
    tuple[
        tuple[int, str], tuple[datetime | None, bool, datetime | None, datetime | None]
    ]
]:
    """(person, course) → (first enrolled, enrolled now, last change, completed).

    "Enrolled" dates are when the learner got a place (``enrollment_created``);
    the last change is the latest such date or withdrawal of a placed enrollment
    (``enrollment_withdrawn``); completion is the first ``course_completed``.
    Waiting-list rows that never got a place are not enrollments.
    """
    placed = (
        _Enrollment.objects.filter(activated_at__isnull=False)
        .values("user_id", "course_key")
        .annotate(
            first=Min("activated_at"),
            last_placed=Max("activated_at"),
            last_withdrawn=Max("withdrawn_at"),
            open_rows=Count("pk", filter=Q(status=_Enrollment.Status.ACTIVE)),
        )
        .order_by()
    )
    completed = {
        (r["user_id"], r["course_key"]): r["first"]
        for r in _CourseCompletion.objects.values("user_id", "course_key")
        .annotate(first=Min("completed_at"))
        .order_by()
    }
    for row in placed.iterator(chunk_size=5000):
        key = (row["user_id"], row["course_key"])
        changes = [d for d in (row["last_placed"], row["last_withdrawn"]) if d]
        yield (
            key,
            (
                row["first"],
                row["open_rows"] > 0,
                max(changes),
                completed.pop(key, None),
            ),
        )
    for key, done in completed.items():  # completed without a placed enrollment
        yield key, (None, False, None, done)


def reporting_activity_days(*, since: datetime) -> set[tuple[int, date]]:
    """(person, Bogotá day) pairs on which ``learner_active`` was sent, from ``since``."""
    return set(
        _ActiveDay.objects.filter(day__gte=timezone.localdate(since))
        .values_list("user_id", "day")
        .distinct()
        .order_by()
    )
