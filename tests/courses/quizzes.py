"""A quiz as a lesson block, and helpers the quiz tests share (quiz_course in
conftest.py builds a Kennedy course with it)."""

from __future__ import annotations

from courses.models import LessonPage
from lms.learning.models import CourseRule
from tenants import api as tenants_api

QUIZ = {
    "key": "",
    "title": "Repaso: acceso a la información",
    "pass_percent": 60,
    "max_attempts": 2,
    "questions": [
        {
            "type": "single",
            "value": {
                "text": "¿Qué ley garantiza el acceso a la información?",
                "options": [
                    {"text": "Ley 1712 de 2014", "is_correct": True},
                    {"text": "Ley 100 de 1993", "is_correct": False},
                ],
                "feedback": "Es la Ley 1712 de 2014.",
            },
        },
        {
            "type": "multiple",
            "value": {
                "text": "¿Qué es público en un contrato?",
                "options": [
                    {"text": "El valor", "is_correct": True},
                    {"text": "Las actas", "is_correct": True},
                    {"text": "La clave bancaria", "is_correct": False},
                ],
            },
        },
        {
            "type": "true_false",
            "value": {"text": "Solo los periodistas pueden pedirla.", "answer": "no"},
        },
        {
            "type": "numeric",
            "value": {
                "text": "¿En cuántos días hábiles responde la entidad?",
                "answer": "10",
                "tolerance": "0",
                "feedback": "Diez días hábiles.",
            },
        },
    ],
}
ALL_RIGHT = {
    "pregunta-1": "0",
    "pregunta-2": ["0", "1"],
    "pregunta-3": "no",
    "pregunta-4": "10",
}


def quiz_keys(lesson_key: str) -> list[str]:
    lesson = LessonPage.objects.get(key=lesson_key)
    return [b.value["key"] for b in lesson.body if b.block_type == "quiz"]


def graded(course_key: str) -> list[str]:
    return CourseRule.objects.get(course_key=course_key).graded_activity_keys


def quiz_section(html: str, key: str) -> str:
    return html.split(f'id="cuestionario-{key}"')[1].split("</section>")[0]


def signed_in(client, schema, person):
    with tenants_api.in_locality(schema):  # sessions are kept per locality
        client.force_login(person)
    return client
