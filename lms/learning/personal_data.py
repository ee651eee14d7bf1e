"""What the learning records hold about one person, for their data rights (ADR 0006;
Ley 1581 de 2012): ``export_learner`` for the download, ``erase_learner`` for
anonymization; the app's ``handlers`` call them in every locality.

``PERSONAL_TABLES`` is the one list of tables holding a person's id: it is the
keys of the download's sections, erasure walks it, and a test compares it with
every model that has ``user_id``. Labels are in the language of the request (Spanish
first), dates Bogotá's wall clock, and courses, lessons, sessions and quizzes are
named by their titles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.template.defaultfilters import floatformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enrollment import promote_waiting
from .events import verb_label
from .models import (
    ActiveDay,
    ActivityState,
    Attendance,
    CourseCompletion,
    CourseRule,
    EmailOptOut,
    Enrollment,
    LessonProgress,
    Notification,
    QuizAttempt,
    XapiStatement,
)

__all__ = ["erase_learner", "export_learner"]

#: Kept on anonymization, without the person's results: the program's counts and
#: issued certificates need the completion (the accounts' rule, ADR 0006).
KEPT_ON_ERASURE = (CourseCompletion,)

# The person's own results inside a completion's rule (blanked on erasure).
_PERSONAL_RESULTS = ("score_percent", "attendance_percent")

BOGOTA = ZoneInfo("America/Bogota")

Rows = list[dict[str, str]]
Sections = dict[str, Rows]


def when(value: datetime | date | None) -> str:
    """A moment as Bogotá's wall clock (``2026-11-25 09:00``); a day as itself."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(BOGOTA).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _yes(flag: bool | None) -> str:
    return _("sí") if flag else _("no")


def _number(value: float | None) -> str:
    return "" if value is None else floatformat(value, -1)


def _answers(questions: list[dict], answers: list) -> str:
    """«1. ¿Es público? → verdadero; 2. …», choices by their text. A quiz changed
    since the attempt may not match: such answers are shown as stored."""
    parts = []
    for number, answer in enumerate(answers, start=1):
        question = questions[number - 1] if number <= len(questions) else {}
        choices = question.get("choices") or []

        def choice(index, choices=choices):
            ok = isinstance(index, int) and not isinstance(index, bool)
            return str(choices[index]) if ok and 0 <= index < len(choices) else None

        if isinstance(answer, bool):
            shown = _("verdadero") if answer else _("falso")
        elif isinstance(answer, list):
            texts = [choice(i) for i in answer]
            shown = (
                ", ".join(texts)
                if texts and None not in texts
                else json.dumps(answer, ensure_ascii=False)
            )
        else:
            shown = choice(answer) if question.get("kind") == "single" else None
            shown = shown or str(answer)
        text = question.get("text") or _("Pregunta %(n)d") % {"n": number}
        parts.append(f"{number}. {text} → {shown}")
    return "; ".join(parts)


class _Names:
    """Titles of the courses, lessons, sessions and quizzes a key points to."""

    def __init__(self, user_id: int, activity_titles: Mapping[str, str]) -> None:
        self.activity_titles = dict(activity_titles)
        self.courses: dict[str, str] = {}
        self.lessons: dict[str, str] = {}
        for rule in CourseRule.objects.only("course_key", "title", "lessons"):
            self.courses[rule.course_key] = rule.title or rule.course_key
            for lesson in rule.lessons:
                self.lessons[lesson["key"]] = lesson.get("title") or lesson["key"]
        # Sessions and quizzes only as far as the person attended or answered.
        self.sessions = {
            str(session_id): title
            for session_id, title in Attendance.objects.filter(
                user_id=user_id
            ).values_list("session_id", "session__title")
        }
        self.quizzes = dict(
            QuizAttempt.objects.filter(user_id=user_id).values_list(
                "quiz__key", "quiz__title"
            )
        )

    def course(self, key: str) -> str:
        return self.courses.get(key, key)

    def lesson(self, key: str) -> str:
        return self.lessons.get(key, key)

    def activity(self, key: str) -> str:
        """``lesson:cl1`` → «Lección: Qué es…»; unknown keys are shown as they are."""
        if key in self.activity_titles:
            return self.activity_titles[key]
        kind, _colon, rest = key.partition(":")
        if kind == "course":
            return _("Curso: %(title)s") % {"title": self.course(rest)}
        if kind == "lesson":
            return _("Lección: %(title)s") % {"title": self.lesson(rest)}
        if kind == "session" and rest in self.sessions:
            return _("Sesión presencial: %(title)s") % {"title": self.sessions[rest]}
        if kind == "quiz" and rest in self.quizzes:
            return _("Cuestionario: %(title)s") % {"title": self.quizzes[rest]}
        return key


def export_learner(
    user_id: int, *, activity_titles: Mapping[str, str] | None = None
) -> Sections:
    """Everything the learning records hold about the person in this locality,
    for their data download: ``{"section title": [row, ...]}``, Spanish labels,
    Bogotá dates, titles instead of keys; ``{}`` if they never studied here
    (sections without rows are left out).

    ``activity_titles`` names activities this app only knows by key (the caller
    that owns them, e.g. H5P, passes ``{"h5p:<key>": "title"}``).
    """
    names = _Names(user_id, activity_titles or {})
    sections = {str(title): rows(user_id, names) for title, rows in _SECTIONS.values()}
    return {title: rows for title, rows in sections.items() if rows}


def _enrollments(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("curso"): names.course(row.course_key),
            _("grupo"): row.cohort.name if row.cohort else "",
            _("estado"): row.get_status_display(),
            _("se inscribió el"): when(row.enrolled_at),
            _("con cupo desde"): when(row.activated_at),
            _("se retiró el"): when(row.withdrawn_at),
        }
        for row in Enrollment.objects.filter(user_id=user_id)
        .select_related("cohort")
        .order_by("enrolled_at", "pk")
    ]


def _lessons(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("curso"): names.course(row.course_key),
            _("lección"): names.lesson(row.lesson_key),
            _("la abrió por primera vez"): when(row.first_viewed_at),
            _("la abrió por última vez"): when(row.last_viewed_at),
            _("completada el"): when(row.completed_at),
        }
        for row in LessonProgress.objects.filter(user_id=user_id).order_by(
            "first_viewed_at", "pk"
        )
    ]


def _activities(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("actividad"): names.activity(state.activity_key),
            _("intentada"): _yes(state.attempted),
            _("completada"): _yes(state.completed),
            _("aprobada"): _yes(state.passed),
            _("mejor puntaje"): _score(state.best_score_raw, state.best_score_max),
            _("declaraciones xAPI"): str(state.statements_count),
            _("avance guardado para continuar"): _yes(bool(state.resume_state)),
            _("actualizada el"): when(state.updated_at),
        }
        for state in ActivityState.objects.filter(user_id=user_id).order_by(
            "activity_key"
        )
    ]


def _quiz_attempts(user_id: int, names: _Names) -> Rows:
    attempts = (
        QuizAttempt.objects.filter(user_id=user_id)
        .select_related("quiz")
        .order_by("submitted_at", "pk")
    )
    number: dict[int, int] = {}
    rows = []
    for attempt in attempts:
        number[attempt.quiz_id] = number.get(attempt.quiz_id, 0) + 1
        rows.append(
            {
                _("cuestionario"): attempt.quiz.title,
                _("intento"): str(number[attempt.quiz_id]),
                _("puntaje (%)"): _number(attempt.score_percent),
                _("aprobado"): _yes(attempt.passed),
                _("respuestas"): _answers(attempt.quiz.questions, attempt.answers),
                _("enviado el"): when(attempt.submitted_at),
            }
        )
    return rows


def _attendance(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("curso"): names.course(row.session.cohort.course_key),
            _("grupo"): row.session.cohort.name,
            _("sesión"): row.session.title,
            _("fecha de la sesión"): when(row.session.starts_at),
            _("lugar"): row.session.place,
            _("registrada con"): row.get_method_display(),
            _("registrada el"): when(row.recorded_at),
        }
        for row in Attendance.objects.filter(user_id=user_id)
        .select_related("session__cohort")
        .order_by("session__starts_at", "pk")
    ]


def _completions(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("curso"): names.course(row.course_key),
            _("versión del curso"): str(row.course_version),
            _("aprobado el"): when(row.completed_at),
            _("versión de la regla cumplida"): str(
                row.rule.get("version", row.course_version)
            ),
            _("puntaje (%)"): _number(row.rule.get("score_percent")),
            _("asistencia (%)"): _number(row.rule.get("attendance_percent")),
        }
        for row in CourseCompletion.objects.filter(user_id=user_id).order_by(
            "completed_at", "pk"
        )
    ]


def _active_days(user_id: int, names: _Names) -> Rows:
    return [
        {"curso": names.course(row.course_key), "día": when(row.day)}
        for row in ActiveDay.objects.filter(user_id=user_id).order_by("day", "pk")
    ]


def _notices(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("tipo"): row.get_kind_display(),
            _("título"): row.title,
            _("mensaje"): row.body,
            _("enlace"): row.link,
            _("creado el"): when(row.created_at),
            _("enviado por correo el"): when(row.emailed_at),
        }
        for row in Notification.objects.filter(user_id=user_id).order_by(
            "created_at", "pk"
        )
    ]


def _opt_outs(user_id: int, names: _Names) -> Rows:
    return [
        {
            _("preferencia"): _("no recibir correos de aprendizaje de esta localidad"),
            _("desde"): when(row.created_at),
        }
        for row in EmailOptOut.objects.filter(user_id=user_id)
    ]


def _statements(user_id: int, names: _Names) -> Rows:
    rows = (
        XapiStatement.objects.filter(user_id=user_id)
        .only(
            "statement_id",
            "verb",
            "activity_key",
            "score_raw",
            "score_max",
            "stored_at",
            "forwarded_at",
        )
        .order_by("stored_at", "pk")
    )
    return [
        {
            _("fecha"): when(row.stored_at),
            _("acción"): verb_label(row.verb),
            _("actividad"): names.activity(row.activity_key),
            _("puntaje"): _score(row.score_raw, row.score_max),
            _("identificador"): str(row.statement_id),
            _("enviada al LRS el"): when(row.forwarded_at),
        }
        for row in rows
    ]


def _score(raw: float | None, maximum: float | None) -> str:
    if raw is None or not maximum:
        return ""
    return _("%(raw)s de %(max)s") % {
        "raw": floatformat(raw, -1),
        "max": floatformat(maximum, -1),
    }


# The download's sections in order, one per table with a person's id.
_SECTIONS: dict[type[models.Model], tuple[Promise, Callable[[int, _Names], Rows]]] = {
    Enrollment: (gettext_lazy("Inscripciones"), _enrollments),
    LessonProgress: (gettext_lazy("Lecciones"), _lessons),
    ActivityState: (gettext_lazy("Actividades y resultados"), _activities),
    QuizAttempt: (gettext_lazy("Cuestionarios"), _quiz_attempts),
    Attendance: (gettext_lazy("Asistencia presencial"), _attendance),
    CourseCompletion: (gettext_lazy("Cursos aprobados"), _completions),
    ActiveDay: (gettext_lazy("Días con actividad"), _active_days),
    Notification: (gettext_lazy("Avisos"), _notices),
    EmailOptOut: (gettext_lazy("Correos de aprendizaje"), _opt_outs),
    XapiStatement: (gettext_lazy("Registro de actividad (xAPI)"), _statements),
}

#: Every table of the app with a person's id (``user_id``): each has a section in
#: the download and is erased on anonymization (blanked, if ``KEPT_ON_ERASURE``).
PERSONAL_TABLES = tuple(_SECTIONS)


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
        Enrollment.objects.filter(
            user_id=user_id,
            status=Enrollment.Status.ACTIVE,
            cohort__isnull=False,
        ).values_list("cohort_id", flat=True)
    )
    changed = 0
    for model in PERSONAL_TABLES:
        if model in KEPT_ON_ERASURE:
            continue
        count, _by_model = model.objects.filter(user_id=user_id).delete()
        changed += count
    for completion in CourseCompletion.objects.select_for_update().filter(
        user_id=user_id
    ):
        blanked = completion.rule | dict.fromkeys(_PERSONAL_RESULTS)
        if blanked != completion.rule:
            completion.rule = blanked
            completion.save(update_fields=["rule"])
            changed += 1
    for cohort_id in sorted(freed_cohorts):
        promote_waiting(cohort_id)
    # A cohort they facilitated keeps running; only the person's id is theirs.
    return changed
