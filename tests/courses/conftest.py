"""Course fixtures: a small city course authored at the campus through the API,
and a Kennedy course with a quiz."""

from __future__ import annotations

import copy
import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from courses import api

from .quizzes import QUIZ, quiz_keys


def make_image(title: str = "Mapa de Bogotá", color: str = "red"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), color).save(buffer, format="PNG")
    buffer.seek(0)
    image = get_image_model()(title=title)
    image.file.save(
        f"{title.lower().replace(' ', '-')}.png", ImageFile(buffer), save=False
    )
    image.width, image.height = 40, 30
    image.save()
    return image


@pytest.fixture
def city_course(in_campus, settings, tmp_path):
    """A campus course: 2 modules, 3 lessons, one lesson with an image."""
    settings.MEDIA_ROOT = tmp_path
    image = make_image()
    api.create_course(
        "Presupuestos participativos",
        key="presupuestos",
        summary="Cómo se decide el 50 % de los Fondos de Desarrollo Local.",
        theme="presupuestos",
        estimated_hours=6,
        modality="mixta",
        completion_min_score=70,
    )
    m1 = api.add_module("presupuestos", "Las cinco líneas de inversión", key="m1")
    api.add_lesson(
        m1,
        "Qué son los Fondos de Desarrollo Local",
        key="l1",
        body=[
            ("text", "<p>Cada localidad tiene un fondo.</p>"),
            (
                "figure",
                {
                    "image": image.pk,
                    "alt_text": "Mapa",
                    "caption": "Las 20 localidades",
                },
            ),
        ],
    )
    api.add_lesson(m1, "Economía local e infraestructura", key="l2")
    m2 = api.add_module("presupuestos", "Votar y vigilar", key="m2")
    api.add_lesson(m2, "Cómo votar los proyectos", key="l3")
    return "presupuestos"


@pytest.fixture
def quiz_course(in_town_a):
    """A Kennedy course graded by a minimum score: one reading, one lesson with a quiz."""
    api.create_course("Acceso a la información", key="acceso", completion_min_score=60)
    api.add_module("acceso", "La ley", key="acceso-m1")
    api.add_lesson("acceso-m1", "Lectura", key="acceso-lectura")
    api.add_lesson(
        "acceso-m1",
        "El derecho de acceso",
        key="acceso-derecho",
        body=[("text", "<p>La Ley 1712 de 2014.</p>"), ("quiz", copy.deepcopy(QUIZ))],
    )
    [key] = quiz_keys("acceso-derecho")
    return key
