"""Cohorts and waiting lists, attendance by roster, QR and CSV, native quizzes, and
the issue's "done when": a blended course completed exactly once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lms.learning import api
from lms.learning.models import Attendance, CourseCompletion, Enrollment

from .test_api import statement

QUIZ = [
    {"kind": "single", "text": "¿Quién vota?", "choices": ["A", "B"], "answer": 1},
    {
        "kind": "multiple",
        "text": "Líneas",
        "choices": ["a", "b", "c"],
        "answer": [0, 2],
    },
    {"kind": "true_false", "text": "¿Es público?", "answer": True, "feedback": "Sí."},
    {"kind": "numeric", "text": "¿Cuántas localidades?", "answer": 20},
]


def make_cohort(course, facilitator, capacity=2):
    return api.create_cohort(
        course,
        "Grupo sábados",
        facilitator_id=facilitator.pk,
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 2, 1),
        capacity=capacity,
        schedule="Sábados 9:00",
        place="Biblioteca El Tintal",
    )


def make_session(cohort, days=1):
    start = timezone.now() + timedelta(days=days)
    return api.schedule_session(
        cohort.cohort_id,
        "Sesión",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def test_a_full_cohort_has_a_waiting_list_that_moves_up(
    course, make_person, received, django_capture_on_commit_callbacks
):
    cohort = make_cohort(course, make_person(), capacity=1)
    first, second = make_person(), make_person()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.enroll(first.pk, course, cohort_id=cohort.cohort_id).status == (
            "active"
        )
        waiting = api.enroll(second.pk, course, cohort_id=cohort.cohort_id)
        assert waiting.status == "waiting"
        with pytest.raises(api.LearningError, match="lista de espera"):
            api.enroll(second.pk, course, cohort_id=cohort.cohort_id)
        api.withdraw(first.pk, course)

    assert api.get_enrollment(second.pk, course).status == "active"
    assert api.list_cohort_roster(cohort.cohort_id) == [(second.pk, "active")]
    created = [kw["user_id"] for n, kw in received if n == "enrollment_created"]
    assert created == [first.pk, second.pk]  # the waiting list is not enrolled yet


def test_qr_check_in_refuses_expired_forged_and_other_cohort_codes(course, make_person):
    facilitator, learner, outsider = make_person(), make_person(), make_person()
    cohort = make_cohort(course, facilitator)
    other = make_cohort(course, facilitator)
    api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
    api.enroll(outsider.pk, course, cohort_id=other.cohort_id)
    session = make_session(cohort)

    old = api.qr_token(
        session.session_id, issued_at=timezone.now() - timedelta(minutes=10)
    )
    with pytest.raises(api.LearningError, match="El código venció"):
        api.check_in_with_qr(learner.pk, old)
    token = api.qr_token(session.session_id)
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    with pytest.raises(api.LearningError, match="no es válido"):
        api.check_in_with_qr(learner.pk, forged)
    with pytest.raises(api.LearningError, match="otro grupo"):
        api.check_in_with_qr(outsider.pk, token)
    with pytest.raises(api.LearningError, match="no es de una sesión"):
        api.check_in_with_qr(learner.pk, "cualquier-cosa")

    api.check_in_with_qr(learner.pk, token)
    api.check_in_with_qr(learner.pk, token)  # scanning twice counts once
    assert list(Attendance.objects.values_list("user_id", "method")) == [
        (learner.pk, "qr")
    ]


def test_roster_and_csv_sheet_count_each_person_once(course, make_person):
    facilitator = make_person()
    ana = make_person(email="ana@example.org")
    beto = make_person(email="beto@example.org")
    stranger = make_person(email="otra@example.org")
    cohort = make_cohort(course, facilitator)
    for person in (ana, beto):
        api.enroll(person.pk, course, cohort_id=cohort.cohort_id)
    session = make_session(cohort)

    with pytest.raises(
        api.LearningError, match="1 persona de la lista no está en este grupo"
    ):
        api.record_attendance(session.session_id, [ana.pk, stranger.pk])
    assert api.record_attendance(session.session_id, [ana.pk]) == 1
    result = api.import_attendance_csv(
        session.session_id,
        "nombre,correo\nAna,ANA@example.org\nBeto,beto@example.org\n"
        "Nadie,nadie@example.org\nOtra,otra@example.org\nSin correo,\n",
    )
    assert (result.recorded, result.already) == (1, 1)
    assert result.errors == (
        "Fila 4: nadie tiene la cuenta «nadie@example.org»; revise el correo.",
        "Fila 5: «otra@example.org» no hace parte de este grupo.",
        "Fila 6: falta el correo.",
    )
    assert Attendance.objects.count() == 2
    with pytest.raises(api.LearningError, match="columna «correo»"):
        api.import_attendance_csv(session.session_id, "nombre\nAna\n")


def test_quiz_grades_gives_feedback_and_limits_attempts(in_town_a, make_person):
    learner = make_person()
    key = api.save_quiz("votos", "Votación", questions=QUIZ, max_attempts=2)
    assert key == "quiz:votos"

    first = api.submit_quiz(learner.pk, "votos", [0, [2, 0], True, "20,0"])
    assert (first.score_percent, first.passed, first.attempts_left) == (75.0, True, 1)
    assert first.feedback[2] == "Correcto. Sí."
    assert first.feedback[0] == "Incorrecto."
    with pytest.raises(api.LearningError, match="Responda las 4 preguntas"):
        api.submit_quiz(learner.pk, "votos", [1])
    api.submit_quiz(learner.pk, "votos", [1, [0, 2], True, 20])
    with pytest.raises(api.LearningError, match="Ya usó sus 2 intento"):
        api.submit_quiz(learner.pk, "votos", [1, [0, 2], True, 20])
    state = api.get_activity_state(learner.pk, key)
    assert (state.passed, state.best_score_scaled, state.statements_count) == (
        True,
        1.0,
        2,
    )
    with pytest.raises(api.LearningError, match="tipo desconocido"):
        api.save_quiz("mal", "Mal", questions=[{"kind": "ensayo", "text": "?"}])


def test_a_quiz_tells_the_right_answers_only_after_a_pass_or_the_last_attempt(
    in_town_a, make_person
):
    api.save_quiz("votos", "Votación", questions=QUIZ, max_attempts=2)
    failing = [0, [0], False, "20"]  # three wrong: 25 %

    first = api.submit_quiz(make_person().pk, "votos", failing)
    assert (first.passed, first.attempts_left) == (False, 1)
    assert not first.answers_revealed and first.right_answers == ()
    assert first.feedback[2] == "Incorrecto."  # not «Incorrecto. Sí.»

    learner = make_person()
    api.submit_quiz(learner.pk, "votos", failing)
    last = api.submit_quiz(learner.pk, "votos", failing)
    assert (last.passed, last.attempts_left, last.answers_revealed) == (False, 0, True)
    assert last.feedback[2] == "Incorrecto. Sí."
    assert last.right_answers == ("B", "a y c", "Verdadero", "20")

    passed = api.submit_quiz(make_person().pk, "votos", [1, [0, 2], True, 3])
    assert (passed.passed, passed.attempts_left, passed.answers_revealed) == (
        True,
        1,
        True,
    )
    api.save_quiz(
        "medida",
        "Medida",
        questions=[
            {"kind": "numeric", "text": "¿Cuánto?", "answer": 3.5, "tolerance": 0.5}
        ],
    )
    unlimited = api.submit_quiz(make_person().pk, "medida", ["1"])
    assert unlimited.attempts_left is None and not unlimited.answers_revealed
    won = api.submit_quiz(learner.pk, "medida", ["3,5"])
    assert won.right_answers == ("3,5 (se acepta ± 0,5)",)


def test_a_blended_course_is_completed_exactly_once(
    course, make_person, received, django_capture_on_commit_callbacks
):
    """H5P activity, native quiz and two in-person sessions attended by QR."""
    quiz_key = api.save_quiz("votos", "Votación", questions=QUIZ)
    api.set_course_rule(
        course,
        version=3,
        title="Control social",
        url="/control-social/",
        lessons=[
            api.LessonRef(key="cl1", title="Uno", url="/uno/"),
            api.LessonRef(key="cl2", title="Dos", url="/dos/"),
        ],
        graded_activity_keys=["h5p:votar", quiz_key],
        min_score=70,
        min_attendance=80,
    )
    facilitator, learner = make_person(), make_person()
    cohort = make_cohort(course, facilitator)
    sessions = [make_session(cohort, days=1), make_session(cohort, days=8)]

    with django_capture_on_commit_callbacks(execute=True):
        api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
        api.record_lesson_view(learner.pk, course, "cl1")
        api.record_lesson_view(learner.pk, course, "cl2")
        api.record_statements(
            learner.pk,
            [statement("completed", raw=9, max_=10, completion=True)],
            activity_key="h5p:votar",
        )
        api.submit_quiz(learner.pk, "votos", [1, [0, 2], True, 20])
        api.check_in_with_qr(learner.pk, api.qr_token(sessions[0].session_id))
        halfway = api.evaluate_completion(learner.pk, course)
        api.check_in_with_qr(learner.pk, api.qr_token(sessions[1].session_id))
        # Later events re-evaluate but never complete twice.
        api.submit_quiz(learner.pk, "votos", [1, [0, 2], True, 20])
        final = api.evaluate_completion(learner.pk, course)

    assert halfway.missing == (
        "Asistir al menos al 80 % de las sesiones (lleva 50 %).",
    )
    assert final.met and final.attendance_percent == 100.0
    assert final.score_percent == 95.0
    [done] = CourseCompletion.objects.filter(user_id=learner.pk)
    assert done.course_version == 3 and done.rule["min_attendance"] == 80
    completed = [kw for n, kw in received if n == "course_completed"]
    assert [(kw["user_id"], kw["course_version"]) for kw in completed] == [
        (learner.pk, 3)
    ]
    # A waiting learner or a withdrawn one would not complete; this one stays active.
    assert Enrollment.objects.get(user_id=learner.pk).status == "active"


def test_only_a_facilitator_of_the_locality_opens_a_cohort(course, make_person):
    from courses import api as courses_api
    from lms.locality_roles import api as roles_api

    person = make_person()
    with pytest.raises(courses_api.CourseError, match="no tiene el rol de facilitador"):
        courses_api.open_cohort(
            course,
            "Grupo",
            facilitator_id=person.pk,
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 31),
            capacity=5,
        )
    roles_api.grant_role(person.pk, roles_api.Role.FACILITATOR)
    cohort = courses_api.open_cohort(
        course,
        "Grupo",
        facilitator_id=person.pk,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        capacity=5,
        place="Casa de la participación",
    )
    assert (cohort.facilitator_id, cohort.place, cohort.enrolled) == (
        person.pk,
        "Casa de la participación",
        0,
    )
