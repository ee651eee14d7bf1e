"""A person's learning records follow the accounts' data rights (ADR 0006): the data
download lists every record, readable, from every locality where they studied; being
forgotten erases them, keeping only the completion without the person's results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.utils import timezone

from courses import api as courses_api
from lms.accounts import api as accounts_api
from lms.learning import api
from lms.learning.models import (
    CourseCompletion,
    CourseRule,
    Enrollment,
    LessonProgress,
    Notification,
    XapiStatement,
)
from tenants import api as tenants_api

from .test_api import statement

# 2026-03-01 02:30 UTC is the evening before in Bogotá (UTC-5).
ENROLLED_UTC = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
ENROLLED_BOGOTA = "2026-02-28 21:30"


def _personal_tables() -> list:
    """Every learning table that names a person (has ``user_id``)."""
    return [
        model
        for model in apps.get_app_config("learning").get_models()
        if any(field.name == "user_id" for field in model._meta.get_fields())
    ]


def _seed_everything(learner, waiting, facilitator, course) -> dict:
    """One record of every kind for ``learner`` in the active locality.

    The course grades the H5P activity and the quiz and asks for attendance, so
    the completion carries the person's score and attendance.
    """
    CourseRule.objects.filter(course_key=course).update(
        graded_activity_keys=["h5p:votar", "quiz:repaso"], min_attendance=50
    )
    first = api.enroll(learner.pk, course)
    api.withdraw(learner.pk, course)
    Enrollment.objects.filter(pk=first.enrollment_id).update(enrolled_at=ENROLLED_UTC)
    cohort = api.create_cohort(
        course,
        "Grupo de la tarde",
        facilitator_id=facilitator.pk,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        capacity=1,
    )
    api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
    api.enroll(waiting.pk, course, cohort_id=cohort.cohort_id)  # cohort is full
    start = timezone.now() + timedelta(days=3)
    session = api.schedule_session(
        cohort.cohort_id,
        "Taller de veeduría",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Biblioteca El Tintal",
    )
    api.record_attendance(session.session_id, [learner.pk])
    api.record_statements(
        learner.pk,
        [statement("passed", raw=8, max_=10, success=True, completion=True)],
        activity_key="h5p:votar",
    )
    api.save_resume_state(learner.pk, "h5p:votar", state='{"pagina": 2}')
    api.save_quiz(
        "repaso",
        "Repaso de control social",
        questions=[
            {"kind": "true_false", "text": "¿Es público?", "answer": True},
            {
                "kind": "single",
                "text": "¿Quién vigila?",
                "choices": ["Nadie", "La veeduría"],
                "answer": 1,
            },
            {
                "kind": "multiple",
                "text": "¿Qué se puede pedir?",
                "choices": ["Contratos", "Actas", "Claves"],
                "answer": [0, 1],
            },
            {"kind": "numeric", "text": "¿Cuántas localidades?", "answer": 20},
        ],
    )
    api.submit_quiz(learner.pk, "repaso", [True, 1, [0, 1], "20"])
    api.record_lesson_view(learner.pk, course, "cl1")
    api.record_lesson_view(learner.pk, course, "cl2")  # completes the course
    api.unsubscribe(api.unsubscribe_token(learner.pk))
    return {"cohort": cohort, "session": session}


def test_download_lists_every_learning_record_readably_from_every_locality(
    course, town_b, make_person, client_a
):
    learner, waiting, facilitator = make_person(), make_person(), make_person()
    _seed_everything(learner, waiting, facilitator, course)
    # Every table holding a person's id has a row for them: the export below is
    # checked against all of them (a new personal table fails here until it is
    # seeded and exported).
    personal = _personal_tables()
    assert {m.__name__ for m in personal} >= {
        "XapiStatement",
        "Enrollment",
        "Attendance",
        "QuizAttempt",
        "CourseCompletion",
        "Notification",
    }
    for model in personal:
        assert model.objects.filter(user_id=learner.pk).exists(), model.__name__
    with tenants_api.in_locality(town_b):
        courses_api.create_course("Presupuestos participativos", key="presupuestos")
        courses_api.add_module("presupuestos", "Inicio", key="pm1")
        courses_api.add_lesson("pm1", "Cómo se decide", key="pl1")
        courses_api.add_lesson("pm1", "Cómo se vota", key="pl2")
        api.record_lesson_view(learner.pk, "presupuestos", "pl1")

    exported = accounts_api.export_person_data(learner.pk)["localidades"]

    kennedy = exported["test_kennedy"]
    assert set(kennedy) >= {
        "Inscripciones",
        "Lecciones",
        "Actividades y resultados",
        "Cuestionarios",
        "Asistencia presencial",
        "Cursos aprobados",
        "Días con actividad",
        "Avisos",
        "Correos de aprendizaje",
        "Registro de actividad (xAPI)",
    }
    assert kennedy["Inscripciones"] == [
        {
            "curso": "Control social",
            "grupo": "",
            "estado": "Retirada",
            "se inscribió el": ENROLLED_BOGOTA,
            "con cupo desde": kennedy["Inscripciones"][0]["con cupo desde"],
            "se retiró el": kennedy["Inscripciones"][0]["se retiró el"],
        },
        {
            "curso": "Control social",
            "grupo": "Grupo de la tarde",
            "estado": "Activa",
            "se inscribió el": kennedy["Inscripciones"][1]["se inscribió el"],
            "con cupo desde": kennedy["Inscripciones"][1]["se inscribió el"],
            "se retiró el": "",
        },
    ]
    withdrawn = Enrollment.objects.get(user_id=learner.pk, status="withdrawn")
    assert kennedy["Inscripciones"][0]["se retiró el"] == timezone.localtime(
        withdrawn.withdrawn_at
    ).strftime("%Y-%m-%d %H:%M")
    assert [row["lección"] for row in kennedy["Lecciones"]] == [
        "Qué es el control social",
        "Veedurías ciudadanas",
    ]
    assert all(row["completada el"] for row in kennedy["Lecciones"])
    activities = {row["actividad"]: row for row in kennedy["Actividades y resultados"]}
    assert activities["h5p:votar"]["mejor puntaje"] == "8 de 10"
    assert activities["h5p:votar"]["avance guardado para continuar"] == "sí"
    assert activities["Cuestionario: Repaso de control social"]["aprobada"] == "sí"
    [attempt] = kennedy["Cuestionarios"]
    assert attempt["cuestionario"] == "Repaso de control social"
    assert (attempt["intento"], attempt["puntaje (%)"], attempt["aprobado"]) == (
        "1",
        "100",
        "sí",
    )
    assert attempt["respuestas"] == (
        "1. ¿Es público? → verdadero; 2. ¿Quién vigila? → La veeduría; "
        "3. ¿Qué se puede pedir? → Contratos, Actas; 4. ¿Cuántas localidades? → 20"
    )
    assert attempt["enviado el"]
    [present] = kennedy["Asistencia presencial"]
    assert present["sesión"] == "Taller de veeduría"
    assert present["grupo"] == "Grupo de la tarde"
    assert present["registrada con"] == "Lista"
    assert present["lugar"] == "Biblioteca El Tintal" and present["fecha de la sesión"]
    [completed] = kennedy["Cursos aprobados"]
    assert completed["curso"] == "Control social" and completed["aprobado el"]
    rule_version = str(CourseCompletion.objects.get(user_id=learner.pk).course_version)
    assert completed["versión de la regla cumplida"] == rule_version
    assert completed["puntaje (%)"] == "90"  # H5P 80 % and quiz 100 %
    assert completed["asistencia (%)"] == "100"
    assert {row["tipo"] for row in kennedy["Avisos"]} == {
        "Inscripción",
        "Curso aprobado",
    }
    assert kennedy["Correos de aprendizaje"][0]["desde"]
    actions = {
        (row["acción"], row["actividad"])
        for row in kennedy["Registro de actividad (xAPI)"]
    }
    assert {
        ("se inscribió", "Curso: Control social"),
        ("se retiró", "Curso: Control social"),
        ("asistió", "Sesión presencial: Taller de veeduría"),
        ("vio", "Lección: Qué es el control social"),
        ("completó", "Curso: Control social"),
        ("aprobó", "Cuestionario: Repaso de control social"),
    } <= actions
    # Bosa, where the person also studied, has its own part.
    bosa = exported["test_bosa"]
    assert bosa["Lecciones"][0]["lección"] == "Cómo se decide"
    assert bosa["Inscripciones"][0]["curso"] == "Presupuestos participativos"
    assert "Cuestionarios" not in bosa  # nothing there: no empty sections

    # The download a person gets from the site carries the same.
    client_a.force_login(learner)
    csv_text = client_a.get("/cuenta/mis-datos/descargar.csv").content.decode(
        "utf-8-sig"
    )
    assert "localidades.test_kennedy.Asistencia presencial[0]" in csv_text
    assert "Taller de veeduría" in csv_text and ENROLLED_BOGOTA in csv_text


def test_activity_titles_from_their_owner_name_the_activity(in_town_a, make_person):
    learner = make_person()
    api.record_statements(learner.pk, [statement("answered")], activity_key="h5p:x")
    exported = api.export_learner(
        learner.pk, activity_titles={"h5p:x": "Actividad H5P: Votar"}
    )
    assert exported["Actividades y resultados"][0]["actividad"] == (
        "Actividad H5P: Votar"
    )
    assert exported["Registro de actividad (xAPI)"][0]["acción"] == "respondió"
    assert api.export_learner(make_person().pk) == {}


def test_being_forgotten_erases_the_records_and_keeps_a_completion_without_results(
    course, town_b, make_person
):
    learner, waiting, facilitator = make_person(), make_person(), make_person()
    other = make_person()
    seeded = _seed_everything(learner, waiting, facilitator, course)
    api.record_lesson_view(other.pk, course, "cl1")
    with tenants_api.in_locality(town_b):
        courses_api.create_course("Presupuestos participativos", key="presupuestos")
        courses_api.add_module("presupuestos", "Inicio", key="pm1")
        courses_api.add_lesson("pm1", "Cómo se decide", key="pl1")
        courses_api.add_lesson("pm1", "Cómo se vota", key="pl2")
        api.record_lesson_view(learner.pk, "presupuestos", "pl1")
    assert api.get_enrollment(waiting.pk, course).status == "waiting"

    accounts_api.anonymize_person(learner.pk)

    for schema in ("test_kennedy", "test_bosa"):
        with tenants_api.in_locality(schema):
            for model in _personal_tables():
                left = model.objects.filter(user_id=learner.pk)
                if model is CourseCompletion:
                    continue
                assert not left.exists(), f"{schema}: {model.__name__}"
    # The completion counts toward the program's figures and backs the
    # certificate; the person's own results in it are gone.
    completion = CourseCompletion.objects.get(user_id=learner.pk)
    assert completion.rule["score_percent"] is None
    assert completion.rule["attendance_percent"] is None
    assert completion.rule["required_lesson_keys"] == ["cl1", "cl2"]
    assert completion.completed_at is not None
    assert api.export_learner(learner.pk) == {
        "Cursos aprobados": [
            {
                "curso": "Control social",
                "versión del curso": str(completion.course_version),
                "aprobado el": timezone.localtime(completion.completed_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "versión de la regla cumplida": str(completion.course_version),
                "puntaje (%)": "",
                "asistencia (%)": "",
            }
        ]
    }
    with tenants_api.in_locality(town_b):
        assert api.export_learner(learner.pk) == {}
    # The freed place in the cohort went to the one waiting; others keep theirs.
    assert api.get_enrollment(waiting.pk, course).status == "active"
    assert Notification.objects.filter(user_id=waiting.pk, kind="enrolled").exists()
    assert LessonProgress.objects.filter(user_id=other.pk).count() == 1
    assert api.get_cohort(seeded["cohort"].cohort_id).facilitator_id == facilitator.pk
    # Erasing again changes nothing.
    assert api.erase_learner(learner.pk) == 0
    assert not XapiStatement.objects.filter(user_id=learner.pk).exists()
    assert list(accounts_api.export_person_data(learner.pk)["localidades"]) == [
        "test_kennedy"
    ]
