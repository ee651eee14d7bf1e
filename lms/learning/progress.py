"""Progress: lessons viewed and how far a learner is in each course.

Invariants: opening a lesson completes it (its content was read; graded
activities count through the score rule); a learner never enrolled is enrolled
on the first view (self-enrollment), one who withdrew is not enrolled again by
reading; progress is keyed by lesson key, so new course versions keep it; a
repeat view writes nothing in the learner's request: within ``LAST_VIEWED_EVERY``
of the last recorded one nothing is recorded, later "last viewed" (with the day's
activity and a completion it may bring) is recorded by a task
(``touch_lesson_view``), at most once per learner, lesson and window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .completion import evaluate_completion, mark_active
from .data import CourseProgress, CourseStanding, ModuleProgress
from .enrollment import enroll
from .errors import LearningError
from .events import record_event
from .models import CourseCompletion as _CourseCompletion
from .models import CourseRule as _CourseRule
from .models import Enrollment as _Enrollment
from .models import LessonProgress as _LessonProgress
from .rules import require_rule
from .seen_views import LAST_VIEWED_EVERY, _recent, _remember_seen, _seen_key
from .signals import lesson_revisited

__all__ = [
    "CourseProgress",
    "CourseStanding",
    "get_course_progress",
    "list_my_courses",
    "record_lesson_view",
    "summarize_courses",
]


def record_lesson_view(
    user_id: int,
    course_key: str,
    lesson_key: str,
    *,
    may_enroll: Callable[[], bool] | None = None,
) -> None:
    """The learner opened a lesson: viewed and completed (its content was read).

    Graded activities inside the lesson count separately (score rule). A learner
    never enrolled is enrolled on the first view (self-enrollment) if
    ``may_enroll()`` says so (asked only then; by default yes); otherwise
    nothing is recorded. One who withdrew keeps their views recorded but is not
    enrolled again by reading. A repeat view reads one row and writes nothing:
    ``last_viewed_at`` moves at most once per ``LAST_VIEWED_EVERY``, through the
    ``lesson_revisited`` signal (the app's handlers queue ``touch_lesson_view``).
    Raises ``LearningError`` for a lesson the course no longer offers (a first
    view; a repeat view's task drops it).
    """
    now = timezone.now()
    remembered = cache.get(_seen_key(user_id, lesson_key))
    if remembered is not None and remembered[0] == course_key:
        # Stored and committed minutes ago (``_remember_seen``): no query.
        if not _recent(remembered[1], now):
            _touch_later(user_id, course_key, lesson_key, now)
        return
    seen = _LessonProgress.objects.filter(
        user_id=user_id, lesson_key=lesson_key
    ).first()
    if seen is not None and seen.course_key == course_key:
        if not _recorded_recently(seen, now):
            _touch_later(user_id, course_key, lesson_key, now)
        _remember_seen(user_id, lesson_key, course_key, seen.last_viewed_at)
        # Recorded before, so offered then: nothing to refuse in the request.
        return
    rule = require_rule(course_key)
    if lesson_key not in {o["key"] for o in rule.lessons}:
        raise LearningError(
            _(
                "La lección «%(lesson)s» ya no forma parte del curso; vuelva a la "
                "página del curso para seguir."
            )
            % {"lesson": lesson_key}
        )
    _record_view(user_id, rule, lesson_key, seen=seen, now=now, may_enroll=may_enroll)


def _recorded_recently(seen: _LessonProgress, now: datetime) -> bool:
    return _recent(seen.last_viewed_at, now)


def _touch_later(user_id: int, course_key: str, lesson_key: str, now: datetime) -> None:
    """Have a task record this repeat view, once per learner, lesson and window.

    Until the task runs, every view of the lesson still finds the old
    ``last_viewed_at``; the cache key (per locality, the cache's key function
    puts the schema first) keeps them from queueing a task each. An unreachable
    cache answers "already queued": the touch waits for a later view, the page
    does not.
    """
    key = f"learning:revisit:{user_id}:{lesson_key}:{timezone.localdate(now)}"
    if not cache.add(key, 1, timeout=int(LAST_VIEWED_EVERY.total_seconds())):
        return
    transaction.on_commit(
        lambda: lesson_revisited.send(
            sender=None,
            user_id=user_id,
            course_key=course_key,
            lesson_key=lesson_key,
            viewed_at=now,
        ),
        robust=True,
    )


def touch_lesson_view(
    user_id: int, course_key: str, lesson_key: str, *, viewed_at: datetime
) -> bool:
    """Record a repeat view made at ``viewed_at`` (the task of ``lesson_revisited``).

    Moves ``last_viewed_at`` forward (never back: tasks may run out of order),
    counts ``viewed_at``'s day active and, when every required lesson is read,
    evaluates completion (a rule changed since may now be met), as the request
    did before. Records nothing for a lesson the course no longer offers, a
    learner with no enrollment in it (enrolling asks the request's
    permissions) or whose row is gone (erased). Safe to run twice. Returns
    whether the view was recorded.
    """
    rule = _CourseRule.objects.filter(course_key=course_key).first()
    if rule is None or lesson_key not in {o["key"] for o in rule.lessons}:
        return False
    return _touch(user_id, rule, lesson_key, viewed_at)


@transaction.atomic
def _touch(
    user_id: int, rule: _CourseRule, lesson_key: str, viewed_at: datetime
) -> bool:
    course_key = rule.course_key
    seen = (
        _LessonProgress.objects.select_for_update()
        .filter(user_id=user_id, lesson_key=lesson_key)
        .first()
    )
    if seen is None:
        return False
    if not _Enrollment.objects.filter(user_id=user_id, course_key=course_key).exists():
        return False
    if seen.last_viewed_at < viewed_at:
        seen.last_viewed_at = viewed_at
        seen.save(update_fields=["last_viewed_at"])
    mark_active(user_id, course_key, at=viewed_at)
    if _lessons_all_done(user_id, rule):
        evaluate_completion(user_id, course_key)
    return True


@transaction.atomic
def _record_view(
    user_id: int,
    rule: _CourseRule,
    lesson_key: str,
    *,
    seen: _LessonProgress | None,
    now: datetime,
    may_enroll: Callable[[], bool] | None,
) -> None:
    course_key = rule.course_key
    if not _Enrollment.objects.filter(user_id=user_id, course_key=course_key).exists():
        if may_enroll is not None and not may_enroll():
            return
        enroll(user_id, course_key)
    if seen is None:
        # ``seen`` was read outside this transaction: a concurrent first view may
        # have stored the row since; then the insert does nothing (the unique
        # constraint) and this one is a repeat view. The event is stored once
        # either way (its id is derived from the view).
        _LessonProgress.objects.bulk_create(
            [
                _LessonProgress(
                    user_id=user_id,
                    lesson_key=lesson_key,
                    course_key=course_key,
                    first_viewed_at=now,
                    last_viewed_at=now,
                    completed_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        record_event(user_id, "experienced", f"lesson:{lesson_key}", ref="view")
    else:
        # The lesson now belongs to another course (a repeat view of the same
        # course never gets here): recorded as a view of it there.
        seen.last_viewed_at = now
        seen.course_key = course_key
        seen.save(update_fields=["last_viewed_at", "course_key"])
    # Only once committed: a view that rolls back must be recorded next time.
    transaction.on_commit(
        lambda: _remember_seen(user_id, lesson_key, course_key, now), robust=True
    )
    mark_active(user_id, course_key)
    if _lessons_all_done(user_id, rule):
        # Only then can the rule be met: a view that leaves a required lesson
        # unread would evaluate (five queries) to "not yet".
        evaluate_completion(user_id, course_key)


def _lessons_all_done(user_id: int, rule: _CourseRule) -> bool:
    required = rule.required_lesson_keys
    if not required:
        return True
    done = _LessonProgress.objects.filter(
        user_id=user_id, lesson_key__in=required, completed_at__isnull=False
    ).count()
    return done == len(required)


def get_course_progress(user_id: int, course_key: str) -> CourseProgress:
    """Lessons completed over lessons offered, per module and course, and where
    to continue (the first unfinished lesson after the last one opened)."""
    return _progress(user_id, require_rule(course_key))


def _progress(user_id: int, rule: _CourseRule) -> CourseProgress:
    rows = {
        p.lesson_key: p
        for p in _LessonProgress.objects.filter(
            user_id=user_id, course_key=rule.course_key
        )
    }
    completion = _CourseCompletion.objects.filter(
        user_id=user_id, course_key=rule.course_key
    ).first()
    return _progress_of(rule, rows, completion.completed_at if completion else None)


def _progress_of(
    rule: _CourseRule,
    rows: dict[str, _LessonProgress],
    completed_at: datetime | None,
) -> CourseProgress:
    """The course's progress from the learner's lesson rows (by lesson key)."""
    outline = rule.lessons
    done = [o for o in outline if o["key"] in rows and rows[o["key"]].completed_at]
    modules: dict[str, list] = {}
    titles: dict[str, str] = {}
    for o in outline:
        modules.setdefault(o["module_key"], []).append(o)
        titles[o["module_key"]] = o["module_title"]
    next_lesson = None
    if rows:
        last = max(rows.values(), key=lambda p: p.last_viewed_at).lesson_key
        keys = [o["key"] for o in outline]
        start = keys.index(last) if last in keys else 0
        ordered = outline[start:] + outline[:start]
        next_lesson = next(
            (
                o
                for o in ordered
                if not (o["key"] in rows and rows[o["key"]].completed_at)
            ),
            None,
        )
    return CourseProgress(
        course_key=rule.course_key,
        title=rule.title,
        url=rule.url,
        percent=_percent(len(done), len(outline)),
        lessons_done=len(done),
        lessons_total=len(outline),
        modules=tuple(
            ModuleProgress(
                key=key,
                title=titles[key],
                percent=_percent(sum(1 for o in items if o in done), len(items)),
            )
            for key, items in modules.items()
        ),
        continue_url=next_lesson["url"] if next_lesson else None,
        next_lesson_title=next_lesson["title"] if next_lesson else None,
        completed_at=completed_at,
    )


def _percent(part: int, whole: int) -> int:
    return int(100 * part / whole) if whole else 0


def list_my_courses(user_id: int) -> list[CourseProgress]:
    """«Mi aprendizaje»: the learner's open enrollments with their progress.

    Two queries whatever the number of courses: the courses with their
    enrollment date and completion, then every lesson row of those courses.
    """
    mine = _Enrollment.objects.filter(
        user_id=user_id,
        course_key=OuterRef("course_key"),
        status__in=["active", "waiting"],
    )
    done = _CourseCompletion.objects.filter(
        user_id=user_id, course_key=OuterRef("course_key")
    )
    rules = list(
        _CourseRule.objects.annotate(
            enrolled_at=Subquery(mine.values("enrolled_at")[:1]),
            completed_at=Subquery(done.values("completed_at")[:1]),
        )
        .filter(enrolled_at__isnull=False)
        .order_by("-enrolled_at")
    )
    if not rules:
        return []
    rows: dict[str, dict[str, _LessonProgress]] = {r.course_key: {} for r in rules}
    for row in _LessonProgress.objects.filter(
        user_id=user_id, course_key__in=list(rows)
    ):
        rows[row.course_key][row.lesson_key] = row
    return [_progress_of(r, rows[r.course_key], r.completed_at) for r in rules]


def summarize_courses(
    user_id: int, course_keys: list[str]
) -> dict[str, CourseStanding]:
    """The learner's standing in each of these courses, in one query (a learning
    path's list, the home page). Courses this locality has no rule for are left
    out; a course never opened is ``not_started`` at 0 %."""
    if not course_keys:
        return {}
    course = OuterRef("course_key")
    lessons_done = (
        _LessonProgress.objects.filter(
            user_id=user_id, course_key=course, completed_at__isnull=False
        )
        .order_by()
        .values("course_key")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    open_status = _Enrollment.objects.filter(
        user_id=user_id, course_key=course, status__in=["active", "waiting"]
    ).values("status")[:1]
    rows = (
        _CourseRule.objects.filter(course_key__in=course_keys)
        .annotate(
            total=Func(
                F("lessons"), function="jsonb_array_length", output_field=IntegerField()
            ),
            done=Subquery(lessons_done, output_field=IntegerField()),
            status=Subquery(open_status),
            is_completed=Exists(
                _CourseCompletion.objects.filter(user_id=user_id, course_key=course)
            ),
        )
        .values_list("course_key", "total", "done", "status", "is_completed")
    )
    return {
        key: _standing(key, total, done or 0, status, is_completed)
        for key, total, done, status, is_completed in rows
    }


def _standing(
    key: str, total: int, done: int, status: str | None, is_completed: bool
) -> CourseStanding:
    if is_completed:
        return CourseStanding(course_key=key, state="completed", percent=100)
    # Views of lessons since retired count toward nothing beyond the whole.
    percent = min(_percent(done, total), 100)
    if status == "waiting":
        state = "waiting"
    elif status == "active" or done:
        state = "in_progress"
    else:
        state = "not_started"
    return CourseStanding(course_key=key, state=state, percent=percent)
