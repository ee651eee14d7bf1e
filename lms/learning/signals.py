"""Signals of the learning records, for higher layers to connect to.

Defined here (the learning core) so that apps above it, such as certificates, can
listen without the learning core importing them (docs/decisions/0005-app-layers.md).
"""

from django.dispatch import Signal

# Sent once, after the transaction that completed the course commits, in the
# schema of the locality where the learner completed it.
# Keyword arguments:
#   user_id: int            -- the city-wide account (lms.accounts.User id)
#   course_key: str         -- the course's stable key (same in every locality copy)
#   course_version: int     -- the version of the course the learner completed
#   completed_at: datetime  -- aware datetime of completion
course_completed = Signal()

# Sent inside the transaction that records a completion, before it commits, with
# the same keyword arguments as ``course_completed``. For work that must commit
# or roll back with the completion itself: certificates put their issuance in
# the task outbox here, so a process that dies right after the commit loses no
# certificate. A receiver that raises undoes the completion.
course_completion_recorded = Signal()

# The events below feed the city-wide reporting table and are sent by
# the learning records, each after its transaction commits, in the
# schema of the locality where it happened. All carry ``user_id`` and
# ``occurred_at`` (aware datetime); course events also ``course_key``.

# A learner enrolled in a course (self-enrollment or a cohort); re-enrolling after
# withdrawing sends it again. Extra kwargs: ``enrollment_id: int``,
# ``cohort_id: int | None``.
enrollment_created = Signal()

# A learner withdrew from a course. Extra kwargs: ``enrollment_id: int``.
enrollment_withdrawn = Signal()

# A learner did something that counts as activity (viewed a lesson, answered an
# activity, attended a session). Sent at most once per learner, course and day.
learner_active = Signal()

# A learner opened again a lesson whose view was recorded more than
# ``progress.LAST_VIEWED_EVERY`` ago (or on another day). Sent after commit, in the
# locality's schema, at most once per learner, lesson and window, with
# ``user_id``, ``course_key``, ``lesson_key`` and ``viewed_at`` (aware datetime).
# The app's own handlers queue the task that records it (``touch_lesson_view``):
# the learner's request writes nothing for a repeat view.
lesson_revisited = Signal()

# A notice was made (``notification_id: int``), sent after commit in the schema of
# the locality that made it. The learning records' own handlers queue its email;
# the notice rows are made deep in the topic modules, which cannot import the
# Celery tasks that sit above them.
notification_created = Signal()

# Sent while a person's data download is built, in one locality's schema, with
# ``activity_keys: list[str]`` (the activities the person has a state in here).
# A receiver that owns some of those activities (H5P) returns
# ``{activity_key: title}`` so the download names them instead of showing keys;
# the learning records cannot import the apps above them to ask.
activity_titles_requested = Signal()
