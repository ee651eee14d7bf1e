"""Daily reminders and nudges, made by Celery beat once a day per locality.

Invariant: each notice is made once (per person, kind and reference), so running
a day again, or a redelivered task, makes nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ActiveDay as _ActiveDay
from .models import CourseCompletion as _CourseCompletion
from .models import CourseRule as _CourseRule
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession
from .models import Notification as _Notification
from .notifications import notify

__all__ = ["send_daily_notifications"]

NUDGE_AFTER_DAYS = 14


@transaction.atomic
def send_daily_notifications(*, today: date | None = None) -> tuple[int, int]:
    """Beat, once a day per locality: reminders of tomorrow's sessions and a
    nudge to whoever spent ``NUDGE_AFTER_DAYS`` days without activity in a course
    they have not completed. Returns (reminders, nudges) newly made; running it
    twice makes nothing twice."""
    today = today or timezone.localdate()
    return _remind_sessions(today + timedelta(days=1)), _nudge_idle(today)


def _remind_sessions(day: date) -> int:
    """Remind each active learner of their cohort's sessions on ``day``."""
    reminders = 0
    sessions = _InPersonSession.objects.filter(starts_at__date=day).select_related(
        "cohort"
    )
    for session in sessions:
        learners = _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active"
        ).values_list("user_id", flat=True)
        details = {
            "session": session.title,
            "cohort": session.cohort.name,
            "time": time_format(timezone.localtime(session.starts_at)),
            "place": session.place,
        }
        body = (
            _(
                "Le recordamos la sesión presencial «%(session)s» de %(cohort)s, "
                "mañana a las %(time)s en %(place)s."
            )
            if session.place
            else _(
                "Le recordamos la sesión presencial «%(session)s» de %(cohort)s, "
                "mañana a las %(time)s."
            )
        ) % details
        for user_id in learners:
            reminders += notify(
                user_id,
                _Notification.Kind.REMINDER,
                f"s{session.pk}",
                title=_("Mañana: %(session)s") % details,
                body=body,
                link="/aprendizaje/",
            )
    return reminders


def _nudge_idle(today: date) -> int:
    """Nudge active learners idle for ``NUDGE_AFTER_DAYS`` in a course not completed."""
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
        nudges += notify(
            row.user_id,
            _Notification.Kind.NUDGE,
            f"{row.course_key}:{last.isoformat()}",  # once per idle stretch
            title=_("Lo esperamos de vuelta"),
            body=ngettext(
                "Hace %(days)d día no avanza en «%(course)s». Siga donde quedó: "
                "solo le toma unos minutos.",
                "Hace %(days)d días no avanza en «%(course)s». Siga donde quedó: "
                "solo le toma unos minutos.",
                (today - last).days,
            )
            % {
                "days": (today - last).days,
                "course": titles.get(row.course_key, row.course_key),
            },
            link=urls.get(row.course_key, "/aprendizaje/"),
        )
    return nudges
