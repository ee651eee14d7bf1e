"""Learning records: xAPI statements and each learner's state per activity.

Both tables live in every locality's schema (a tenant app): a learner's records in
Kennedy are not visible from Bosa. Activities are identified by stable string keys
(``h5p:<content key>``), never by database ids, so a course copied to a locality
keeps meaning the same activities.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class XapiStatement(models.Model):
    """One xAPI statement as received. Holds personal data (who answered what).

    ``statement_id`` is the statement's own UUID: storing the same statement twice
    (a retried request) is a no-op, enforced by the unique constraint.
    """

    statement_id = models.UUIDField(_("id de la declaración"), unique=True)
    # The city-wide account's id (public schema). Not a foreign key: a key from a
    # locality's table to the public user table breaks deleting the person from
    # the public schema (Django looks for these rows there). Erasing a person
    # must delete their rows in every locality (certificates do the same).
    user_id = models.BigIntegerField(_("persona (id)"))
    # Not indexed alone: nothing reads statements by activity only, and each
    # index is one more write per statement (two here: Django adds a LIKE one).
    # A learner's statements about an activity use the index below.
    activity_key = models.CharField(_("actividad"), max_length=200)
    verb = models.CharField(_("verbo"), max_length=200)
    # False for statements about a sub-question (H5P subContentId): they are kept
    # for reports but do not decide the activity's own result.
    counts_for_activity = models.BooleanField(default=True)
    score_raw = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    statement = models.JSONField(_("declaración"))
    stored_at = models.DateTimeField(auto_now_add=True)
    # Set once an external LRS accepted it (``api.forward_statements``).
    forwarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("declaración xAPI")
        verbose_name_plural = _("declaraciones xAPI")
        indexes = [
            models.Index(fields=["user_id", "activity_key"]),
            # Only the backlog is indexed: forwarding reads it oldest first.
            models.Index(
                fields=["id"],
                condition=models.Q(forwarded_at__isnull=True),
                name="xapi_not_forwarded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.activity_key}"


class ActivityState(models.Model):
    """A learner's progress in one activity. Holds personal data (results).

    Derived from the statements (attempted, completed, passed, best score), plus
    the player's saved state so the learner can resume where they left off.
    """

    user_id = models.BigIntegerField(_("persona (id)"))
    activity_key = models.CharField(_("actividad"), max_length=200)
    attempted = models.BooleanField(default=False)
    completed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    failed = models.BooleanField(default=False)
    best_score_scaled = models.FloatField(null=True, blank=True)
    best_score_raw = models.FloatField(null=True, blank=True)
    best_score_max = models.FloatField(null=True, blank=True)
    statements_count = models.PositiveIntegerField(default=0)
    resume_state = models.TextField(_("estado para continuar"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("estado de actividad")
        verbose_name_plural = _("estados de actividad")
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "activity_key"], name="unique_activity_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.activity_key}"


# --- Enrollment, progress, cohorts, sessions, quizzes, completion -------------
#
# Courses live in the layer above (``courses``), which this app never imports:
# everything here names courses, lessons and activities by their stable keys, and
# ``courses`` tells this app each course's rule and outline (``CourseRule``).


class CourseRule(models.Model):
    """What completing one course requires here, as the courses app last said.

    Set by ``api.set_course_rule`` when a course is published locally or a city
    release reaches the locality. ``lessons`` is the offered outline, in order
    (``[{"key", "title", "url", "required"}]``), so the learner's pages can show
    progress and "continue" without importing courses.
    """

    course_key = models.CharField(_("curso"), max_length=80, unique=True)
    version = models.PositiveIntegerField(_("versión"), default=0)
    title = models.CharField(_("título"), max_length=255, blank=True)
    url = models.CharField(_("dirección"), max_length=500, blank=True)
    lessons = models.JSONField(_("lecciones"), default=list)
    required_lesson_keys = models.JSONField(_("lecciones obligatorias"), default=list)
    graded_activity_keys = models.JSONField(_("actividades calificadas"), default=list)
    min_score = models.PositiveSmallIntegerField(_("puntaje mínimo (%)"), null=True)
    min_attendance = models.PositiveSmallIntegerField(
        _("asistencia mínima (%)"), null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("regla de aprobación")
        verbose_name_plural = _("reglas de aprobación")

    def __str__(self) -> str:
        return f"{self.course_key} v{self.version}"


class Cohort(models.Model):
    """A "grupo": a facilitator runs a course with dates, capacity and a place."""

    course_key = models.CharField(_("curso"), max_length=80, db_index=True)
    name = models.CharField(_("nombre"), max_length=120)
    # City-wide account id of a person holding the facilitator role here.
    facilitator_id = models.BigIntegerField(_("facilitador (id)"))
    starts_on = models.DateField(_("inicio"))
    ends_on = models.DateField(_("fin"))
    capacity = models.PositiveIntegerField(_("cupo"))
    schedule = models.CharField(_("horario"), max_length=200, blank=True)
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grupo")

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A learner's enrollment in a course. Holds personal data (who studies what).

    Withdrawing keeps the row (status ``withdrawn``) and re-enrolling adds a new
    one, so history stays. At most one open (active or waiting) row per learner
    and course, enforced by the database.
    """

    class Status(models.TextChoices):
        # Labels describe the enrollment («inscripción»), never the person.
        ACTIVE = "active", _("Activa")
        WAITING = "waiting", _("En lista de espera")
        WITHDRAWN = "withdrawn", _("Retirada")

    user_id = models.BigIntegerField(_("persona (id)"))
    course_key = models.CharField(_("curso"), max_length=80)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    enrolled_at = models.DateTimeField()
    # When the learner got a place (status became active): the enrollment date
    # the reports count. Empty while on the waiting list, and stays empty for a
    # waiting row that was withdrawn before getting a place.
    activated_at = models.DateTimeField(_("con cupo desde"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "course_key"],
                condition=models.Q(status__in=["active", "waiting"]),
                name="one_open_enrollment_per_course",
            )
        ]
        indexes = [models.Index(fields=["cohort", "status", "enrolled_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_key} ({self.status})"


class LessonProgress(models.Model):
    """A learner's progress in one lesson (by stable key). Holds personal data."""

    user_id = models.BigIntegerField(_("persona (id)"))
    course_key = models.CharField(_("curso"), max_length=80)
    lesson_key = models.CharField(_("lección"), max_length=160)
    first_viewed_at = models.DateTimeField()
    last_viewed_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "lesson_key"], name="unique_lesson_progress"
            )
        ]
        indexes = [models.Index(fields=["user_id", "course_key", "last_viewed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.lesson_key}"


class ActiveDay(models.Model):
    """Marks that ``learner_active`` was sent for a learner, course and day."""

    user_id = models.BigIntegerField()
    course_key = models.CharField(max_length=80)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "course_key", "day"], name="unique_active_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_key} · {self.day}"


class CourseCompletion(models.Model):
    """A learner completed a course: recorded once, with the rule that was met.

    Holds personal data. Unique per learner, course and version; the API also
    records nothing new once any version was completed (completion is once).
    """

    user_id = models.BigIntegerField(_("persona (id)"))
    course_key = models.CharField(_("curso"), max_length=80)
    course_version = models.PositiveIntegerField(_("versión"))
    completed_at = models.DateTimeField()
    rule = models.JSONField(_("regla cumplida"))

    class Meta:
        verbose_name = _("finalización")
        verbose_name_plural = _("finalizaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "course_key", "course_version"],
                name="completion_once_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_key} v{self.course_version}"


class InPersonSession(models.Model):
    """A face-to-face session of a cohort. ``qr_secret`` signs its QR codes."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("tema"), max_length=200)
    starts_at = models.DateTimeField(_("inicio"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    qr_secret = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sesión presencial")
        verbose_name_plural = _("sesiones presenciales")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A learner attended a session (roster, QR or CSV). Holds personal data."""

    class Method(models.TextChoices):
        ROSTER = "roster", _("Lista")
        QR = "qr", _("Código QR")
        CSV = "csv", _("Planilla")

    session = models.ForeignKey(
        InPersonSession, on_delete=models.CASCADE, related_name="+"
    )
    user_id = models.BigIntegerField(_("persona (id)"))
    method = models.CharField(max_length=8, choices=Method.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("asistencia")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user_id"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · sesión {self.session_id}"


class Quiz(models.Model):
    """A native quiz (for trainers who do not use H5P); activity key ``quiz:<key>``.

    ``questions`` is a list of ``{"kind": "single"|"multiple"|"true_false"|
    "numeric", "text", "choices": [...], "answer": ..., "feedback": str,
    "tolerance": float}``.
    """

    key = models.SlugField(_("clave"), max_length=120, unique=True)
    title = models.CharField(_("título"), max_length=200)
    questions = models.JSONField(_("preguntas"))
    max_attempts = models.PositiveSmallIntegerField(_("intentos"), null=True)
    pass_percent = models.PositiveSmallIntegerField(_("aprueba con (%)"), default=60)

    class Meta:
        verbose_name = _("cuestionario")

    def __str__(self) -> str:
        return self.title


class QuizAttempt(models.Model):
    """One submitted attempt at a quiz. Holds personal data (answers)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    user_id = models.BigIntegerField(_("persona (id)"))
    answers = models.JSONField()
    score_percent = models.FloatField()
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["quiz", "user_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.quiz_id}: {self.score_percent:g} %"


class Notification(models.Model):
    """A notice for a learner, shown in the site and (unless they opted out)
    emailed. Holds personal data. Unique per person, kind and reference, so
    each notice is made once however many times the scheduler runs."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Inscripción")
        REMINDER = "reminder", _("Recordatorio de sesión")
        NUDGE = "nudge", _("Lo extrañamos")
        COMPLETED = "completed", _("Curso aprobado")
        # Civic roles (participation): told once when eligible; selectors told
        # when a selected person stops meeting a requirement.
        ROLE_ELIGIBLE = "rol_habilitado", _("Puede postularse a un rol")
        ROLE_REQUIREMENT_LOST = "rol_no_cumple", _("Persona seleccionada ya no cumple")

    user_id = models.BigIntegerField(_("persona (id)"))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    ref = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aviso")
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "kind", "ref"], name="notification_once"
            )
        ]
        indexes = [models.Index(fields=["user_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.ref}"


class EmailOptOut(models.Model):
    """The person asked (unsubscribe link) for no learning emails from this locality."""

    user_id = models.BigIntegerField(_("persona (id)"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user_id)
