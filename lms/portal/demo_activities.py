"""Spanish civic H5P activities for the demo, built from the shared real packages.

Each activity keeps the libraries of a real exported package (../shared) and
replaces its content with Spanish content JSON written here, about the demo
lessons (participatory budgeting, veedurías, open data), with the players'
interface strings in Spanish («Comprobar», «Obtuvo 1 de 1 puntos»). The
English sample content and its pictures are left out. The result is an ordinary
``.h5p`` package, checked and installed like any upload.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ACTIVITIES", "DemoActivity", "spanish_package"]

_CONFIRM_CHECK = {
    "header": "¿Terminar?",
    "body": "¿Seguro que quiere terminar?",
    "cancelLabel": "Cancelar",
    "confirmLabel": "Terminar",
}
_CONFIRM_RETRY = {
    "header": "¿Reintentar?",
    "body": "¿Seguro que quiere volver a empezar?",
    "cancelLabel": "Cancelar",
    "confirmLabel": "Confirmar",
}
_A11Y = {
    "a11yCheck": "Comprobar las respuestas: se marcarán como correctas, "
    "incorrectas o sin responder.",
    "a11yShowSolution": "Mostrar la solución: la actividad se marcará con la "
    "respuesta correcta.",
    "a11yRetry": "Reintentar: se borran las respuestas y la actividad empieza de nuevo.",
}
_SCORE_BAR = "Obtuvo :num de :total puntos"


def _p(text: str) -> str:
    return f"<p>{text}</p>\n"


TRUE_FALSE = {
    "question": _p(
        "La ciudadanía decide en qué se invierte la mitad (el 50 %) del Fondo de "
        "Desarrollo Local de su localidad."
    ),
    "correct": "true",
    "l10n": {
        "trueText": "Verdadero",
        "falseText": "Falso",
        "score": "Obtuvo @score de @total puntos",
        "checkAnswer": "Comprobar",
        "showSolutionButton": "Mostrar la solución",
        "tryAgain": "Reintentar",
        "wrongAnswerMessage": "Respuesta incorrecta",
        "correctAnswerMessage": "Respuesta correcta",
        "scoreBarLabel": _SCORE_BAR,
        **_A11Y,
    },
    "behaviour": {
        "enableRetry": True,
        "enableSolutionsButton": True,
        "enableCheckButton": True,
        "confirmCheckDialog": False,
        "confirmRetryDialog": False,
        "autoCheck": False,
    },
    "confirmCheck": _CONFIRM_CHECK,
    "confirmRetry": _CONFIRM_RETRY,
}

MULTI_CHOICE = {
    "question": _p("¿Qué pasa con las propuestas más votadas de su localidad?"),
    "answers": [
        {
            "correct": True,
            "text": "<div>Se convierten en proyectos de inversión que la Alcaldía "
            "Local contrata.</div>\n",
            "tipsAndFeedback": {
                "tip": "",
                "chosenFeedback": "<div>Así es: y la ciudadanía puede hacer "
                "seguimiento a su ejecución.</div>\n",
                "notChosenFeedback": "",
            },
        },
        {
            "correct": False,
            "text": "<div>Se archivan hasta el año siguiente.</div>\n",
            "tipsAndFeedback": {
                "tip": "",
                "chosenFeedback": "<div>No: el voto decide la inversión de ese "
                "periodo.</div>\n",
                "notChosenFeedback": "",
            },
        },
        {
            "correct": False,
            "text": "<div>Las ejecuta directamente quien las propuso.</div>\n",
            "tipsAndFeedback": {
                "tip": "",
                "chosenFeedback": "<div>No: la Alcaldía Local contrata la "
                "ejecución; quien propuso puede vigilarla.</div>\n",
                "notChosenFeedback": "",
            },
        },
    ],
    "overallFeedback": [
        {
            "from": 0,
            "to": 0,
            "feedback": "Revise la lección «Cómo se votan las propuestas».",
        },
        {"from": 1, "to": 99, "feedback": "¡Casi!"},
        {"from": 100, "to": 100, "feedback": "¡Correcto!"},
    ],
    "UI": {
        "checkAnswerButton": "Comprobar",
        "showSolutionButton": "Mostrar la solución",
        "tryAgainButton": "Reintentar",
        "tipsLabel": "Mostrar una pista",
        "scoreBarLabel": _SCORE_BAR,
        "tipAvailable": "Hay una pista",
        "feedbackAvailable": "Hay una retroalimentación",
        "readFeedback": "Leer la retroalimentación",
        "wrongAnswer": "Respuesta incorrecta",
        "correctAnswer": "Respuesta correcta",
        "shouldCheck": "Debía marcarse",
        "shouldNotCheck": "No debía marcarse",
        "noInput": "Responda antes de ver la solución",
        **_A11Y,
    },
    "behaviour": {
        "enableRetry": True,
        "enableSolutionsButton": True,
        "enableCheckButton": True,
        "type": "auto",
        "singlePoint": True,
        "randomAnswers": True,
        "showSolutionsRequiresInput": True,
        "confirmCheckDialog": False,
        "confirmRetryDialog": False,
        "autoCheck": False,
        "passPercentage": 100,
        "showScorePoints": True,
    },
    "confirmCheck": _CONFIRM_CHECK,
    "confirmRetry": _CONFIRM_RETRY,
}

SUMMARY = {
    "intro": "Elija la afirmación correcta.",
    "summaries": [
        {
            "summary": [
                _p(
                    "Para seguir un contrato de la localidad se busca en SECOP y se "
                    "revisan su objeto, valor, plazos y actas de avance."
                ),
                _p("Para seguir un contrato hay que pedir permiso al contratista."),
                _p("Los contratos de la localidad son reservados y no se consultan."),
            ],
            "tip": "Piense en el sistema público de compras del Estado.",
        },
        {
            "summary": [
                _p(
                    "Una veeduría compara lo que se prometió con lo que se ve en el terreno."
                ),
                _p("Una veeduría revisa solo documentos, nunca la obra."),
            ],
            "tip": "",
        },
        {
            "summary": [
                _p(
                    "Cualquier persona puede pedir información pública; la entidad "
                    "debe responder en 10 días hábiles."
                ),
                _p("Solo los ediles pueden pedir información sobre un contrato."),
            ],
            "tip": "Recuerde la Ley 1712 de 2014.",
        },
    ],
    "overallFeedback": [
        {
            "from": 0,
            "to": 100,
            "feedback": "Acertó @score de @total afirmaciones (@percent %).",
        }
    ],
    "solvedLabel": "Progreso:",
    "scoreLabel": "Respuestas incorrectas:",
    "resultLabel": "Su resultado",
    "labelCorrect": "Correcto.",
    "labelIncorrect": "Incorrecto. Intente de nuevo.",
    "alternativeIncorrectLabel": "Incorrecto",
    "labelCorrectAnswers": "Respuestas correctas.",
    "tipButtonLabel": "Mostrar una pista",
    "scoreBarLabel": _SCORE_BAR,
    "progressText": "Progreso :num de :total",
}

BLANKS = {
    "text": _p("Complete las palabras que faltan sobre los datos abiertos."),
    "questions": [
        _p(
            "Un dato abierto se descarga en un formato que cualquier programa lee, "
            "por ejemplo *CSV*."
        ),
        _p(
            "Según su licencia, un dato abierto se puede *reutilizar/reusar/usar* libremente."
        ),
        _p(
            "Los formularios E-26 de la *Registraduría* muestran los votos de cada "
            "localidad."
        ),
    ],
    "overallFeedback": [
        {"from": 0, "to": 100, "feedback": "Acertó @score de @total espacios."}
    ],
    "showSolutions": "Mostrar la solución",
    "tryAgain": "Reintentar",
    "checkAnswer": "Comprobar",
    "notFilledOut": "Llene todos los espacios para ver la solución",
    "answerIsCorrect": "«:ans» es correcto",
    "answerIsWrong": "«:ans» no es correcto",
    "answeredCorrectly": "Respondido correctamente",
    "answeredIncorrectly": "Respondido incorrectamente",
    "solutionLabel": "Respuesta correcta:",
    "inputLabel": "Espacio @num de @total",
    "inputHasTipLabel": "Hay una pista",
    "tipLabel": "Pista",
    "scoreBarLabel": _SCORE_BAR,
    "a11yCheckingModeHeader": "Modo de revisión",
    **_A11Y,
    "behaviour": {
        "enableRetry": True,
        "enableSolutionsButton": True,
        "enableCheckButton": True,
        "autoCheck": False,
        "caseSensitive": False,
        "showSolutionsRequiresInput": True,
        "separateLines": False,
        "confirmCheckDialog": False,
        "confirmRetryDialog": False,
        "acceptSpellingErrors": False,
    },
    "confirmCheck": _CONFIRM_CHECK,
    "confirmRetry": _CONFIRM_RETRY,
}


def _event(year: str, headline: str, text: str) -> dict[str, Any]:
    return {"startDate": year, "endDate": year, "headline": headline, "text": _p(text)}


TIMELINE = {
    "timeline": {
        "headline": "Transparencia, participación y datos abiertos en Colombia",
        "text": _p("Las normas que abren la información pública a la ciudadanía."),
        "language": "es",
        "defaultZoomLevel": "0",
        "height": 600,
        "era": [{"text": ""}],
        "date": [
            _event(
                "2003",
                "Ley 850: veedurías ciudadanas",
                "Reglamenta cómo la ciudadanía se organiza para vigilar la gestión "
                "pública.",
            ),
            _event(
                "2011",
                "Alianza para el Gobierno Abierto",
                "Colombia se une a la alianza internacional y adquiere compromisos de "
                "transparencia.",
            ),
            _event(
                "2012",
                "Ley 1581: datos personales",
                "Los datos abiertos no incluyen datos personales: esta ley los protege.",
            ),
            _event(
                "2014",
                "Ley 1712: transparencia y acceso a la información",
                "Cualquier persona puede pedir información pública, y las entidades "
                "deben publicar sus datos.",
            ),
            _event(
                "2015",
                "Ley 1757: participación democrática",
                "Promueve y protege el derecho a participar, también en los "
                "presupuestos participativos.",
            ),
            _event(
                "2018",
                "Formularios E-26 de las elecciones al Senado",
                "Los resultados por localidad se pueden descargar y analizar: son los "
                "datos de la lección sobre participación electoral.",
            ),
        ],
    }
}


@dataclass(frozen=True)
class DemoActivity:
    """One demo activity: where it goes, its stable key and Spanish content."""

    module_key: str
    lesson_key: str
    lesson_title: str
    package: str  # the shared real package whose libraries it uses
    key: str
    title: str
    content: dict[str, Any]


ACTIVITIES = [
    DemoActivity(
        "pp-fondos",
        "pp-actividad-vf",
        "Actividad: ¿verdadero o falso?",
        "H5P.TrueFalse.h5p",
        "demo-es-fondos-vf",
        "¿Quién decide el 50 % de los Fondos de Desarrollo Local?",
        TRUE_FALSE,
    ),
    DemoActivity(
        "pp-votar",
        "pp-actividad-opciones",
        "Actividad: ¿qué pasa después del voto?",
        "H5P.MultiChoice.h5p",
        "demo-es-despues-del-voto",
        "¿Qué pasa después del voto?",
        MULTI_CHOICE,
    ),
    DemoActivity(
        "ga-veeduria",
        "ga-actividad-resumen",
        "Actividad: resumen de la veeduría",
        "H5P.Summary.h5p",
        "demo-es-veeduria-resumen",
        "Resumen: cómo se hace una veeduría",
        SUMMARY,
    ),
    DemoActivity(
        "da-que-son",
        "da-actividad-linea",
        "Actividad: línea de tiempo de los datos abiertos",
        "H5P.Timeline.h5p",
        "demo-es-datos-linea",
        "Línea de tiempo: transparencia y datos abiertos",
        TIMELINE,
    ),
    DemoActivity(
        "da-que-son",
        "da-actividad-espacios",
        "Actividad: complete los espacios",
        "H5P.Blanks.h5p",
        "demo-es-datos-espacios",
        "Complete los espacios: datos abiertos",
        BLANKS,
    ),
]


def spanish_package(source: Path, activity: DemoActivity) -> bytes:
    """The package ``source`` with the activity's Spanish content and title.

    The libraries are copied as they are; the sample content (and its pictures)
    is replaced.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        meta = json.loads(original.read("h5p.json"))
        for info in original.infolist():
            if info.filename == "h5p.json" or info.filename.startswith("content/"):
                continue
            package.writestr(info, original.read(info))
        meta.update(title=activity.title, language="es", defaultLanguage="es")
        package.writestr("h5p.json", json.dumps(meta, ensure_ascii=False))
        package.writestr(
            "content/content.json", json.dumps(activity.content, ensure_ascii=False)
        )
    return out.getvalue()
