"""Values of the accounts app that other apps may hold (stdlib only).

Questions and answers of the differential approach are defined here once, so the
forms, the export and the dashboards (reporting) speak the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

PREFER_NOT_TO_SAY = "prefiero_no_decir"


class DocumentType(StrEnum):
    """Colombian identity documents accepted at registration."""

    CC = "CC"  # cédula de ciudadanía
    TI = "TI"  # tarjeta de identidad (14-17 años)
    CE = "CE"  # cédula de extranjería
    PPT = "PPT"  # permiso por protección temporal (migrantes venezolanos)
    PASSPORT = "PA"  # pasaporte


DOCUMENT_TYPE_LABELS: dict[str, str] = {
    DocumentType.CC: "Cédula de ciudadanía",
    DocumentType.TI: "Tarjeta de identidad",
    DocumentType.CE: "Cédula de extranjería",
    DocumentType.PPT: "Permiso por protección temporal (PPT)",
    DocumentType.PASSPORT: "Pasaporte",
}


class Question(StrEnum):
    """Sensitive questions (Ley 1581 de 2012, art. 5: datos sensibles)."""

    GENDER = "genero"
    ETHNIC_GROUP = "grupo_etnico"
    DISABILITY = "discapacidad"
    CONFLICT_VICTIM = "victima_conflicto"
    LGBTIQ = "lgbtiq"
    RURAL = "rural"


_YES_NO = {"si": "Sí", "no": "No", PREFER_NOT_TO_SAY: "Prefiero no decir"}

#: Allowed answers per question: code → label shown to the person.
ANSWER_CHOICES: dict[Question, dict[str, str]] = {
    Question.GENDER: {
        "mujer": "Mujer",
        "hombre": "Hombre",
        "no_binario": "Persona no binaria",
        "otro": "Otro",
        PREFER_NOT_TO_SAY: "Prefiero no decir",
    },
    Question.ETHNIC_GROUP: {
        "indigena": "Indígena",
        "afrocolombiano": "Negro, afrocolombiano o afrodescendiente",
        "raizal": "Raizal",
        "palenquero": "Palenquero",
        "rrom": "Rrom (gitano)",
        "ninguno": "Ninguno",
        PREFER_NOT_TO_SAY: "Prefiero no decir",
    },
    Question.DISABILITY: dict(_YES_NO),
    Question.CONFLICT_VICTIM: dict(_YES_NO),
    Question.LGBTIQ: dict(_YES_NO),
    Question.RURAL: dict(_YES_NO),
}

QUESTION_LABELS: dict[Question, str] = {
    Question.GENDER: "¿Con qué género se identifica?",
    Question.ETHNIC_GROUP: "¿Se reconoce como parte de un grupo étnico?",
    Question.DISABILITY: "¿Tiene alguna discapacidad?",
    Question.CONFLICT_VICTIM: "¿Es víctima del conflicto armado?",
    Question.LGBTIQ: "¿Se reconoce como persona LGBTIQ+?",
    Question.RURAL: "¿Vive en zona rural?",
}

#: Why each answer is asked; shown next to the question and stored with consent.
_PURPOSE = (
    "Dato sensible (Ley 1581 de 2012). Es opcional y puede responder "
    "«Prefiero no decir». Lo usamos solo para medir, en cifras agregadas y "
    "sin nombres, si la Escuela de Participación llega a todas las poblaciones "
    "(enfoque diferencial). No condiciona su acceso a ningún curso. Puede "
    "cambiar la respuesta o retirar la autorización cuando quiera en «Mis datos»; "
    "al retirarla borramos la respuesta."
)
PURPOSE_TEXT: dict[Question, str] = dict.fromkeys(Question, _PURPOSE)


class AgeGroup(StrEnum):
    """Age groups the program reports on (14-27, 28-59, 60+)."""

    YOUTH = "14-27"
    ADULT = "28-59"
    SENIOR = "60+"


MIN_AGE = 14
MAX_AGE = 110

#: Youngest and oldest age (inclusive; None: no limit) of each reporting group.
#: The one definition of the bands: dashboards, counts and lottery quotas use it.
AGE_GROUP_SPANS: dict[AgeGroup, tuple[int, int | None]] = {
    AgeGroup.YOUTH: (MIN_AGE, 27),
    AgeGroup.ADULT: (28, 59),
    AgeGroup.SENIOR: (60, None),
}

#: Cells with fewer people than this are suppressed in aggregate tables (the
#: accounts' counts and the dashboards), so a small group (e.g. two Rrom people
#: in Sumapaz) cannot be singled out.
MIN_CELL = 5


def age_on(birth_date: date, today: date) -> int:
    """Whole years between ``birth_date`` and ``today``."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def age_group(age: int) -> AgeGroup | None:
    """The reporting group of an age, or None under 14."""
    for group, (youngest, oldest) in AGE_GROUP_SPANS.items():
        if age >= youngest and (oldest is None or age <= oldest):
            return group
    return None


@dataclass(frozen=True, slots=True)
class PersonData:
    user_id: int
    username: str
    first_name: str
    last_name: str
    email: str | None
    document_type: str
    document_number: str
    residence_schema: str | None
    birth_date: date | None
    is_email_verified: bool
    is_anonymized: bool
    date_joined: datetime | None = None


@dataclass(frozen=True, slots=True)
class SensitiveAnswerData:
    question: Question
    answer: str
    consent_given_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in an imported file: line (1 = header), column, why."""

    line: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do; nothing is stored when this is built."""

    columns: list[str]
    valid_count: int
    duplicate_count: int
    errors: list[RowError]
    rejected_lines: list[int]
    file_error: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    already_registered: int
    rejected: int
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None


@dataclass(frozen=True, slots=True)
class CountCell:
    """One cell of an aggregate table; ``count`` is None when suppressed."""

    value: str
    count: int | None


#: Version of the data-processing policy shown at /cuenta/politica-de-datos/.
#: A new text gets a new version; each acceptance records the one the person saw.
DATA_POLICY_VERSION = "2026-11"
