"""Values the learning records hand to other apps (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ActivityStateData:
    """What one learner has done in one activity (identified by a stable key)."""

    user_id: int
    activity_key: str
    attempted: bool
    completed: bool
    passed: bool
    failed: bool
    best_score_scaled: float | None
    best_score_raw: float | None
    best_score_max: float | None
    statements_count: int
    resume_state: str
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordResult:
    """Outcome of storing a batch of xAPI statements."""

    stored: int
    duplicates: int
    state: ActivityStateData


@dataclass(frozen=True, slots=True)
class LessonRef:
    """A lesson of a course's outline, as the courses app describes it."""

    key: str
    title: str
    url: str
    module_key: str = ""
    module_title: str = ""
    required: bool = True


@dataclass(frozen=True, slots=True)
class EnrollmentData:
    enrollment_id: int
    user_id: int
    course_key: str
    cohort_id: int | None
    status: str  # "active", "waiting" or "withdrawn"
    enrolled_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class ModuleProgress:
    key: str
    title: str
    percent: int


@dataclass(frozen=True, slots=True)
class CourseProgress:
    """How far a learner is in a course (offered lessons completed)."""

    course_key: str
    title: str
    url: str
    percent: int
    lessons_done: int
    lessons_total: int
    modules: tuple[ModuleProgress, ...]
    continue_url: str | None
    next_lesson_title: str | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class CourseStanding:
    """Where a learner stands in one course, for lists (a path, the home page).

    ``state``: ``completed``, ``in_progress`` (enrolled or reading),
    ``waiting`` (on a group's waiting list) or ``not_started``.
    """

    course_key: str
    state: str
    percent: int


@dataclass(frozen=True, slots=True)
class CompletionCheck:
    """Outcome of evaluating a course's rule for one learner.

    ``missing`` lists, in Spanish, what is still needed (empty when met).
    """

    course_key: str
    met: bool
    missing: tuple[str, ...]
    score_percent: float | None
    attendance_percent: float | None
    completed_at: datetime | None
    newly_completed: bool


@dataclass(frozen=True, slots=True)
class CohortData:
    cohort_id: int
    course_key: str
    name: str
    facilitator_id: int
    starts_on: date
    ends_on: date
    capacity: int
    schedule: str
    place: str
    enrolled: int
    waiting: int


@dataclass(frozen=True, slots=True)
class SessionData:
    session_id: int
    cohort_id: int
    course_key: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    cohort_name: str = ""
    facilitator_id: int | None = None


@dataclass(frozen=True, slots=True)
class LearnerCohortData:
    """The cohort a learner studies with, as the course page shows it."""

    cohort_id: int
    name: str
    place: str
    schedule: str
    next_session: SessionData | None


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One learner on a session's attendance list, by name (personal data)."""

    user_id: int
    name: str
    is_present: bool


@dataclass(frozen=True, slots=True)
class AttendanceImport:
    """Outcome of importing an attendance sheet: rows recorded and rows refused."""

    recorded: int
    already: int
    errors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuizResult:
    attempt_number: int
    attempts_left: int | None
    score_percent: float
    passed: bool
    feedback: tuple[str, ...]
    # Per question, in order: whether the answer was right (feedback says it in words).
    correct: tuple[bool, ...] = ()
    # The right answers are told only once the learner passed or has no attempt
    # left: earlier, a failed attempt says which questions were wrong, not why.
    answers_revealed: bool = False
    # Per question, the right answer in words; empty while not revealed.
    right_answers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoticeDraft:
    """One notice to make with ``notify_many`` (the kind is the batch's)."""

    user_id: int
    ref: str
    title: str
    body: str
    link: str = ""
