"""The demo's open dataset for `make run`: a real file, loaded at the campus.

The Registraduría's Senate 2018 turnout per locality (../shared, like the H5P
packages), one column per place, with its real errors: the labs' demo exercise.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from courses import api as courses_api
from open_data_labs import api as open_data_api
from tenants import api as tenants_api

REGISTRADURIA_CSV = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "datasets"
    / "registraduria-senado-2018-participacion-localidades.csv"
)
DEMO_DATASET_KEY = "registraduria-senado-2018"


def load_demo_datasets() -> list[str]:
    """The Registraduría file as a campus dataset: the file, then the long version.

    Idempotent: each step runs only if its version is missing. Without ../shared
    the demo simply has no dataset.
    """
    if not REGISTRADURIA_CSV.exists():
        return []
    done: list[str] = []
    with tenants_api.in_locality("campus"):
        if DEMO_DATASET_KEY not in {d.key for d in open_data_api.list_datasets()}:
            open_data_api.create_dataset(
                "Participación electoral en el Senado 2018, por localidad",
                key=DEMO_DATASET_KEY,
                description=(
                    "Votos nulos, no marcados, válidos y potencial de votantes de "
                    "cada localidad de Bogotá (formularios E-26 de la Registraduría). "
                    "Tiene errores reales: aprender a verlos es parte del ejercicio."
                ),
                publisher="Registraduría Nacional del Estado Civil",
                licence="Datos públicos (Ley 1712 de 2014)",
            )
        versions = open_data_api.list_snapshots(DEMO_DATASET_KEY)
        if not versions:
            open_data_api.upload_snapshot(
                DEMO_DATASET_KEY,
                REGISTRADURIA_CSV.read_bytes(),
                filename=REGISTRADURIA_CSV.name,
            )
            done.append("datos abiertos en el campus: Registraduría 2018 (v1, ancha)")
        if len(versions) < 2:
            suggestion = open_data_api.suggest_turn(DEMO_DATASET_KEY, 1)
            long = open_data_api.turn_table(
                DEMO_DATASET_KEY,
                1,
                id_columns=list(suggestion.id_columns),
                value_columns=list(suggestion.value_columns),
                names_to="lugar",
                values_to="votos",
            )
            done.append(
                f"datos abiertos en el campus: tabla volteada (v{long.version}, larga)"
            )
    return done + _add_demo_lab()


DEMO_COURSE_KEY = "datos-abiertos-participacion"
DEMO_MODULE_KEY = "da-que-son"
DEMO_LAB_LESSON_KEY = "da-laboratorio-participacion"
# The lab's reference queries, written out: the trainer's own words. Three places
# in the file are not localities (the city total, a prison, a fairground).
_TURNOUT = """
WITH t AS (
  SELECT lugar,
    max(CASE WHEN columna_1 LIKE 'Total Votantes%' THEN votos END) AS votantes,
    max(CASE WHEN columna_1 = 'Potencial votantes' THEN votos END) AS potencial
  FROM datos GROUP BY lugar)
SELECT lugar FROM t {where}ORDER BY votantes / potencial LIMIT 1
"""
_LOWEST_TURNOUT = _TURNOUT.format(
    where="WHERE upper(lugar) NOT IN ('CARCELES', 'CORFERIAS', 'TOTAL BOGOTA') "
)
_LOWEST_TURNOUT_ANY_PLACE = _TURNOUT.format(where="")
_LARGEST = (
    "SELECT lugar FROM datos WHERE columna_1 = 'Potencial votantes' "
    "AND upper(lugar) NOT IN ('CARCELES', 'CORFERIAS', 'TOTAL BOGOTA') "
    "ORDER BY votos DESC LIMIT 3"
)
_LARGEST_ANY_PLACE = (
    "SELECT lugar FROM datos WHERE columna_1 = 'Potencial votantes' "
    "ORDER BY votos DESC LIMIT 3"
)


def demo_lab() -> dict:
    """The demo lab on the long version (v2): what the profile flags, as questions.

    Every answer can be found with the guided builder (filters, a percentage
    per place, an order); the hints say which steps.
    """
    return {
        "title": "Laboratorio: la participación por localidad",
        "instructions": (
            "<p>Abra el constructor guiado sobre la versión 2 (la tabla volteada: "
            "<b>columna_1</b> dice qué se cuenta, <b>lugar</b> dónde y <b>votos</b> "
            "cuántos). Ojo: el archivo trae un total y dos lugares que no son "
            "localidades. Con un resultado por lugar, el constructor dibuja el "
            "mapa de las localidades.</p>"
        ),
        "dataset": DEMO_DATASET_KEY,
        "version": 2,
        "pass_percent": 75,
        "questions": [
            {
                "text": "¿Cuántos votos nulos hubo en Kennedy?",
                "check": "numero",
                "reference_sql": "SELECT votos FROM datos WHERE columna_1 = 'Nulos' "
                "AND upper(lugar) = 'KENNEDY'",
                "tolerance": "0",
                "wrong": [
                    {
                        "query": "SELECT votos FROM datos WHERE columna_1 = 'Nulos' "
                        "AND upper(lugar) = 'TOTAL BOGOTA'",
                        "message": "Ese es el total de Bogotá: filtre el lugar Kennedy.",
                    }
                ],
                "hints": [
                    "Filtre «columna_1» igual a Nulos y «lugar» igual a KENNEDY."
                ],
            },
            {
                "text": "¿Qué localidad tuvo la participación más baja "
                "(votantes ÷ potencial)?",
                "check": "categoria",
                "reference_sql": _LOWEST_TURNOUT,
                "wrong": [
                    {
                        "query": _LOWEST_TURNOUT_ANY_PLACE,
                        "message": "CORFERIAS es un puesto de votación, no una "
                        "localidad: quítelo antes de comparar.",
                    }
                ],
                "hints": [
                    "En el constructor: agrupe por «lugar» y calcule «Porcentaje» de "
                    "«votos», con «columna_1» como la columna que dice qué se cuenta, "
                    "la parte «Total Votantes» y el total «Potencial»; ordene por el "
                    "valor calculado, de menor a mayor.",
                    "Compare el potencial de votantes de Antonio Nariño y de Rafael "
                    "Uribe Uribe: ¿es creíble que sea el mismo?",
                ],
                "feedback": "Sí, aunque el dato es sospechoso: Antonio Nariño tiene "
                "el mismo potencial que Rafael Uribe Uribe.",
            },
            {
                "text": "Escriba, en orden, las 3 localidades con más potencial de "
                "votantes.",
                "check": "orden",
                "reference_sql": _LARGEST,
                "wrong": [
                    {
                        "query": _LARGEST_ANY_PLACE,
                        "message": "El primero es el total de Bogotá: un total no "
                        "es una localidad.",
                    }
                ],
                "hints": [
                    "Filtre «columna_1» igual a Potencial votantes y ordene «votos» "
                    "de mayor a menor."
                ],
            },
            {
                "text": "Pegue la dirección del constructor (o su SQL) con un "
                "resultado que deje solo las localidades.",
                "check": "propiedad",
                "property": "solo_localidades",
                "hints": [
                    "Use filtros «lugar» distinto de CARCELES, CORFERIAS y "
                    "Total Bogota."
                ],
            },
        ],
    }


def _add_demo_lab() -> list[str]:
    """The demo lab, once, in the open-data course; the course released again."""
    with tenants_api.in_locality("campus"):
        if not courses_api.has_course(DEMO_COURSE_KEY):
            return []
        lessons = courses_api.get_syllabus(DEMO_COURSE_KEY).lessons
        if DEMO_LAB_LESSON_KEY in {lesson.key for lesson in lessons}:
            return []
        courses_api.add_lesson(
            DEMO_MODULE_KEY,
            "Laboratorio: participación por localidad",
            key=DEMO_LAB_LESSON_KEY,
            body=[("lab", open_data_api.prepare_lab_block(demo_lab()))],
            estimated_minutes=20,
        )
        release = courses_api.release_course(DEMO_COURSE_KEY)
        result = courses_api.run_release(release.release_id)
    return [
        f"laboratorio de datos en «{DEMO_COURSE_KEY}»: versión {result.version} "
        f"en {result.done_count} localidades"
    ]
