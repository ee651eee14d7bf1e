"""Checks shared by registration, corrections and bulk import (internal).

Every message is in Spanish and says what is wrong and how to fix it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tenants.data import control_characters

from .data import DOCUMENT_TYPE_LABELS, MAX_AGE, MIN_AGE, DocumentType, age_on

# Digits only for documents issued by the Registraduría; foreign ones may carry letters.
_DOCUMENT_RULES: dict[str, tuple[str, int, int]] = {
    DocumentType.CC: ("digits", 3, 10),
    DocumentType.TI: ("digits", 10, 11),
    DocumentType.CE: ("alnum", 3, 12),
    DocumentType.PPT: ("digits", 4, 12),
    DocumentType.PASSPORT: ("alnum", 5, 12),
}
_DOCUMENT_ALIASES = {
    "cc": DocumentType.CC,
    "cedula": DocumentType.CC,
    "cedula de ciudadania": DocumentType.CC,
    "ti": DocumentType.TI,
    "tarjeta de identidad": DocumentType.TI,
    "ce": DocumentType.CE,
    "cedula de extranjeria": DocumentType.CE,
    "ppt": DocumentType.PPT,
    "pep": DocumentType.PPT,
    "pa": DocumentType.PASSPORT,
    "pasaporte": DocumentType.PASSPORT,
    "passport": DocumentType.PASSPORT,
}
_SEPARATORS = re.compile(r"[\s.\-,]")


def fold(text: str) -> str:
    """Lowercase without accents or extra spaces ("Ciudad Bolívar" → "ciudad bolivar")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.lower().replace("_", " ").split())


def clean_document_type(raw: str) -> str:
    doc_type = _DOCUMENT_ALIASES.get(fold(raw or ""))
    if doc_type is None:
        options = ", ".join(
            f"{code} ({label})" for code, label in DOCUMENT_TYPE_LABELS.items()
        )
        raise ValidationError(
            f"El tipo de documento «{raw}» no existe. Use uno de: {options}."
        )
    return doc_type.value


def clean_document_number(doc_type: str, raw: str) -> str:
    """The number without dots, spaces or dashes, uppercase; or a Spanish error."""
    number = _SEPARATORS.sub("", raw or "").upper()
    kind, shortest, longest = _DOCUMENT_RULES[doc_type]
    label = DOCUMENT_TYPE_LABELS[doc_type].lower()
    if not number:
        raise ValidationError("Falta el número de documento. Escríbalo sin puntos.")
    if kind == "digits" and not number.isdigit():
        raise ValidationError(
            f"El número de {label} «{raw}» tiene caracteres que no son dígitos. "
            "Escriba solo números, sin letras."
        )
    if kind == "alnum" and not (number.isascii() and number.isalnum()):
        raise ValidationError(
            f"El número de {label} «{raw}» solo puede tener letras y números."
        )
    if not shortest <= len(number) <= longest:
        raise ValidationError(
            f"El número de {label} debe tener entre {shortest} y {longest} "
            f"caracteres; «{raw}» tiene {len(number)}. Revíselo en el documento."
        )
    if kind == "digits" and (number.startswith("0") or len(set(number)) == 1):
        raise ValidationError(
            f"El número de {label} «{raw}» no es válido (empieza por cero o repite "
            "un solo dígito). Revíselo en el documento."
        )
    return number


def clean_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise ValidationError("Falta el correo electrónico.")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            f"El correo «{raw}» no es válido. Escríbalo completo, como "
            "nombre@dominio.com."
        ) from None
    return email


def clean_birth_date(value: date | None, *, today: date) -> date:
    if value is None:
        raise ValidationError("Falta la fecha de nacimiento (AAAA-MM-DD).")
    if value > today:
        raise ValidationError(
            f"La fecha de nacimiento {value:%Y-%m-%d} está en el futuro. Revise el año."
        )
    age = age_on(value, today)
    if age < MIN_AGE:
        raise ValidationError(
            f"La Escuela recibe personas desde los {MIN_AGE} años; con la fecha "
            f"{value:%Y-%m-%d} la persona tiene {age}. Revise la fecha."
        )
    if age > MAX_AGE:
        raise ValidationError(
            f"La fecha {value:%Y-%m-%d} da una edad de {age} años, que no es "
            "plausible. Revise el año."
        )
    return value


_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    re.compile(r"^(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})$"),
)


def parse_date(raw: str) -> date:
    """AAAA-MM-DD or DD/MM/AAAA (how Colombian forms write dates)."""
    text = (raw or "").strip().split(" ")[0]
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise ValidationError(
        f"La fecha «{raw}» no se entiende o no existe. Use AAAA-MM-DD "
        "(por ejemplo 1990-05-31) o DD/MM/AAAA."
    )


def clean_name(raw: str, *, what: str) -> str:
    # Names are printed on certificates and signed into their credentials. Tab,
    # newline and return (a paste, a CSV cell) become spaces as always; any other
    # control character is invisible and meaningless in a name: refuse it.
    found = control_characters(re.sub(r"[\t\n\r]", " ", raw or ""))
    if found:
        raise ValidationError(
            _(
                "Los %(what)s contienen un carácter de control invisible "
                "(%(codes)s). Bórrelo y vuelva a escribir los %(what)s."
            )
            % {"what": what, "codes": ", ".join(found)}
        )
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError(f"Faltan los {what}.")
    if len(name) > 150:
        raise ValidationError(f"Los {what} tienen más de 150 caracteres; acórtelos.")
    return name
