"""Progress: lessons viewed and how far a learner is in each course.

Invariants: opening a lesson completes it (its content was read; graded
activities count through the score rule); a learner never enrolled is enrolled
on the first view (self-enrollment), one who withdrew is not enrolled again by
reading; progress is keyed by lesson key, so new course versions keep it; a
repeat view within ``LAST_VIEWED_EVERY`` of the last recorded one writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .completion import evaluate_completion, mark_active
from .data import CourseProgress, ModuleProgress
from .enrollment import enroll
from .errors import LearningError
from .events import record_event
from .models import CourseCompletion as _CourseCompletion
from .models import CourseRule as _CourseRule
from .models import Enrollment as _Enrollment
from .models import LessonProgress as _LessonProgress
from .rules import require_rule

__all__ = [
    "CourseProgress",
    "get_course_progress",
    "list_my_courses",
    "record_lesson_view",
]


# A repeat view inside this window writes nothing: the lesson is already
# completed, the day already counted active (the view that set ``last_viewed_at``
# marked it) and completion already evaluated after that view. Campaign peaks are
# learners paging back and forth inside one sitting.
LAST_VIEWED_EVERY = timedelta(minutes=5)


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
    enrolled again by reading. ``last_viewed_at`` moves at most once per
    ``LAST_VIEWED_EVERY``: a repeat view within it writes nothing and reads one
    row. Raises ``LearningError`` for a lesson the course no longer offers.
    """
    now = timezone.now()
    seen = _LessonProgress.objects.filter(
        user_id=user_id, lesson_key=lesson_key
    ).first()
    if (
        seen is not None
        and seen.course_key == course_key
        and timezone.localdate(seen.last_viewed_at) == timezone.localdate(now)
        and now - seen.last_viewed_at < LAST_VIEWED_EVERY
    ):
        # Recorded minutes ago, so offered then: nothing to record or refuse.
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
        seen.last_viewed_at = now
        seen.course_key = course_key
        seen.save(update_fields=["last_viewed_at", "course_key"])
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
