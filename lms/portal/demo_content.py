"""Demo courses for `make run`: authored at the campus, released to every locality.

Real-looking civic content in Spanish. Loading is idempotent: a course that exists
at the campus is not recreated, and a release happens only if some locality lacks
the course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from courses import api as courses_api
from h5p import api as h5p_api
from tenants import api as tenants_api

from .demo_activities import ACTIVITIES, DemoActivity, spanish_package

# Real H5P packages shipped beside the project (../shared); without them the demo
# courses simply have no interactive activities.
H5P_FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "h5p" / "valid"


@dataclass(frozen=True)
class DemoLesson:
    key: str
    title: str
    html: str
    minutes: int = 15
    # Raw value of a quiz block (courses.quiz_blocks.QuizBlock) after the text.
    quiz: dict | None = None


# A native quiz graded by its course's rule (minimum score 60 %). Its key is fixed
# so a second `make run` recognises it.
ACCESS_QUIZ = {
    "key": "demo-acceso-informacion",
    "title": "Repaso: el derecho de acceso a la información",
    "pass_percent": 60,
    "max_attempts": 3,
    "questions": [
        {
            "type": "single",
            "value": {
                "text": "¿Qué ley garantiza el acceso a la información pública?",
                "options": [
                    {"text": "La Ley 1712 de 2014", "is_correct": True},
                    {"text": "La Ley 100 de 1993", "is_correct": False},
                    {"text": "El Código de Policía", "is_correct": False},
                ],
                "feedback": "La Ley 1712 de 2014 es la ley de transparencia y del "
                "derecho de acceso a la información pública.",
            },
        },
        {
            "type": "true_false",
            "value": {
                "text": "Solo los periodistas pueden pedir información pública.",
                "answer": "no",
                "feedback": "Cualquier persona puede pedirla, sin explicar para qué.",
            },
        },
        {
            "type": "numeric",
            "value": {
                "text": "¿En cuántos días hábiles debe responder la entidad?",
                "answer": "10",
                "tolerance": "0",
                "feedback": "La entidad tiene 10 días hábiles para responder.",
            },
        },
        {
            "type": "multiple",
            "value": {
                "text": "¿Qué puede pedir sobre un contrato de su localidad?",
                "options": [
                    {"text": "El valor y el objeto del contrato", "is_correct": True},
                    {"text": "Las actas de avance", "is_correct": True},
                    {"text": "La clave bancaria del contratista", "is_correct": False},
                ],
                "feedback": "Lo que dice el contrato y cómo avanza es público; los "
                "datos bancarios personales no.",
            },
        },
    ],
}


@dataclass(frozen=True)
class DemoModule:
    key: str
    title: str
    summary: str
    lessons: list[DemoLesson] = field(default_factory=list)


@dataclass(frozen=True)
class DemoCourse:
    key: str
    title: str
    summary: str
    theme: str
    hours: float
    modality: str
    min_score: int | None
    modules: list[DemoModule]


COURSES = [
    DemoCourse(
        key="presupuestos-participativos",
        title="Presupuestos participativos: somos parte de la planeación local",
        summary=(
            "Cómo la ciudadanía decide y vigila el 50 % de los Fondos de Desarrollo "
            "Local de su localidad, en las cinco líneas de inversión."
        ),
        theme="presupuestos",
        hours=8,
        modality="mixta",
        min_score=70,
        modules=[
            DemoModule(
                "pp-fondos",
                "Los Fondos de Desarrollo Local",
                "De dónde sale el dinero de la localidad y quién lo decide.",
                [
                    DemoLesson(
                        "pp-que-es-el-50",
                        "¿Qué es el 50 % de los Fondos de Desarrollo Local?",
                        "<p>Cada una de las 20 localidades de Bogotá tiene un Fondo de "
                        "Desarrollo Local. Con el compromiso «Democratización del "
                        "desarrollo local», la ciudadanía decide en qué se invierte la "
                        "mitad de ese fondo y hace seguimiento a su ejecución.</p>",
                    ),
                    DemoLesson(
                        "pp-cinco-lineas",
                        "Las cinco líneas de inversión",
                        "<ol><li>Economía local.</li><li>Infraestructura.</li><li>"
                        "Reactivación social y económica con enfoque de género y "
                        "diferencial.</li><li>Ambiente.</li><li>Ruralidad.</li></ol>"
                        "<p>Cada propuesta ciudadana se inscribe en una de ellas.</p>",
                    ),
                ],
            ),
            DemoModule(
                "pp-votar",
                "Del voto al proyecto",
                "Cómo se votan las propuestas y qué pasa después.",
                [
                    DemoLesson(
                        "pp-como-votar",
                        "Cómo se votan las propuestas",
                        "<p>Las propuestas se votan en línea y en puntos presenciales. "
                        "Las más votadas se convierten en proyectos de inversión que la "
                        "Alcaldía Local contrata.</p>",
                    ),
                    DemoLesson(
                        "pp-delegados",
                        "Delegados y delegadas de presupuestos participativos",
                        "<p>Quien termina esta ruta puede postularse como delegado o "
                        "delegada: acompaña la priorización y vigila que los acuerdos "
                        "se cumplan.</p>",
                    ),
                ],
            ),
        ],
    ),
    DemoCourse(
        key="gobierno-abierto-control-social",
        title="Gobierno abierto y control social",
        summary=(
            "Transparencia, rendición de cuentas y veeduría ciudadana a los acuerdos "
            "de inversión local."
        ),
        theme="gobierno_abierto",
        hours=6,
        modality="virtual",
        min_score=60,
        modules=[
            DemoModule(
                "ga-transparencia",
                "Transparencia y rendición de cuentas",
                "Qué información pública puede pedir y cómo.",
                [
                    DemoLesson(
                        "ga-derecho-acceso",
                        "El derecho de acceso a la información",
                        "<p>La Ley 1712 de 2014 garantiza que cualquier persona pueda "
                        "pedir información pública. La entidad debe responder en 10 "
                        "días hábiles.</p>",
                        quiz=ACCESS_QUIZ,
                    ),
                ],
            ),
            DemoModule(
                "ga-veeduria",
                "Veeduría a los acuerdos de inversión",
                "Cómo hacer seguimiento a un contrato de la localidad.",
                [
                    DemoLesson(
                        "ga-seguir-un-contrato",
                        "Seguir un contrato paso a paso",
                        "<p>Busque el contrato en SECOP, revise el objeto, el valor, "
                        "los plazos y las actas de avance. Anote qué se prometió y "
                        "qué se ve en el terreno.</p>",
                    ),
                ],
            ),
        ],
    ),
    DemoCourse(
        key="datos-abiertos-participacion",
        title="Datos abiertos para la participación",
        summary=(
            "Encontrar, leer y cuestionar datos públicos de su localidad para "
            "participar con evidencia."
        ),
        theme="datos_abiertos",
        hours=4,
        modality="virtual",
        min_score=None,
        modules=[
            DemoModule(
                "da-que-son",
                "Qué son los datos abiertos",
                "Formatos, licencias y dónde encontrarlos.",
                [
                    DemoLesson(
                        "da-formatos",
                        "Formatos y licencias",
                        "<p>Un dato abierto se puede descargar en un formato que "
                        "cualquier programa lee (CSV, por ejemplo) y reutilizar "
                        "libremente.</p>",
                    ),
                    DemoLesson(
                        "da-participacion-electoral",
                        "La participación electoral por localidad",
                        "<p>Los formularios E-26 de la Registraduría muestran votos "
                        "nulos, no marcados, válidos y el censo de cada localidad. Los "
                        "datos reales tienen errores: aprender a verlos es parte del "
                        "oficio.</p>",
                    ),
                ],
            ),
        ],
    ),
]

LEARNING_PATH = (
    "ruta-participacion-informada",
    "Ruta: participación informada",
    [course.key for course in COURSES],
)


def load_demo_courses() -> list[str]:
    """Author the demo courses at the campus and copy them to every locality.

    Returns one line per action taken, for the command's output.
    """
    done: list[str] = []
    with tenants_api.in_locality("campus"):
        existing = {c.key for c in courses_api.list_catalog()}
        for course in COURSES:
            if course.key not in existing:
                _author(course)
                done.append(f"curso creado en el campus: {course.title}")
        if not courses_api.list_learning_paths():
            key, title, course_keys = LEARNING_PATH
            courses_api.create_learning_path(title, key=key, course_keys=course_keys)
        # Demo data made before quizzes existed gets them in a new version.
        with_new_quizzes = _add_missing_quizzes()
        for course in COURSES:
            if course.key in with_new_quizzes:
                targets = None  # every locality takes the new version
            else:
                targets = _localities_without(course.key)
                if not targets:
                    continue
            with tenants_api.in_locality("campus"):
                release = courses_api.release_course(course.key, schema_names=targets)
                result = courses_api.run_release(release.release_id)
            done.append(
                f"{course.title}: versión {result.version} en "
                f"{result.done_count} localidades"
            )
    return done


def _author(course: DemoCourse) -> None:
    courses_api.create_course(
        course.title,
        key=course.key,
        summary=course.summary,
        theme=course.theme,
        estimated_hours=course.hours,
        modality=course.modality,
        completion_min_score=course.min_score,
    )
    for module in course.modules:
        courses_api.add_module(
            course.key, module.title, key=module.key, summary=module.summary
        )
        for lesson in module.lessons:
            body: list[tuple[str, object]] = [("text", lesson.html)]
            if lesson.quiz:
                body.append(("quiz", lesson.quiz))
            courses_api.add_lesson(
                module.key,
                lesson.title,
                key=lesson.key,
                body=body,
                estimated_minutes=lesson.minutes,
            )
        for activity in ACTIVITIES:
            if activity.module_key != module.key:
                continue
            content_id = _demo_activity(activity)
            if content_id is not None:
                courses_api.add_lesson(
                    module.key,
                    activity.lesson_title,
                    key=activity.lesson_key,
                    body=[("h5p", content_id)],
                    estimated_minutes=5,
                )


def _add_missing_quizzes() -> set[str]:
    """Add each demo quiz its campus lesson lacks; the keys of the courses changed."""
    changed = set()
    for course in COURSES:
        for module in course.modules:
            for lesson in module.lessons:
                if lesson.quiz and courses_api.add_quiz_to_lesson(
                    lesson.key, lesson.quiz
                ):
                    changed.add(course.key)
    return changed


def _demo_activity(activity: DemoActivity) -> int | None:
    """Install one Spanish demo activity at the campus (once); its id, or None
    when the shared package it is built from is absent."""
    existing = h5p_api.content_id(activity.key)
    if existing is not None:
        return existing
    path = H5P_FIXTURES / activity.package
    if not path.exists():
        return None
    h5p_api.upload_package(
        spanish_package(path, activity),
        name=f"{activity.key}.h5p",
        may_add_libraries=True,
        key=activity.key,
    )
    return h5p_api.content_id(activity.key)


def _localities_without(course_key: str) -> list[str]:
    missing = []
    for schema in tenants_api.locality_schemas(include_campus=False):
        with tenants_api.in_locality(schema):
            if not courses_api.has_course(course_key):
                missing.append(schema)
    return missing
