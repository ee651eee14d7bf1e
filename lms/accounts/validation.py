"""Checks shared by registration, corrections and bulk import (internal).

Every message (translated; Spanish first) says what is wrong and how to fix it.
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
            f"{code} ({_(label)})" for code, label in DOCUMENT_TYPE_LABELS.items()
        )
        raise ValidationError(
            _("El tipo de documento «%(raw)s» no existe. Use uno de: %(options)s.")
            % {"raw": raw, "options": options}
        )
    return doc_type.value


def clean_document_number(doc_type: str, raw: str) -> str:
    """The number without dots, spaces or dashes, uppercase; or a Spanish error."""
    number = _SEPARATORS.sub("", raw or "").upper()
    kind, shortest, longest = _DOCUMENT_RULES[doc_type]
    facts = {"label": _(DOCUMENT_TYPE_LABELS[doc_type]).lower(), "raw": raw}
    if not number:
        raise ValidationError(_("Falta el número de documento. Escríbalo sin puntos."))
    if kind == "digits" and not number.isdigit():
        raise ValidationError(
            _(
                "El número de %(label)s «%(raw)s» tiene caracteres que no son "
                "dígitos. Escriba solo números, sin letras."
            )
            % facts
        )
    if kind == "alnum" and not (number.isascii() and number.isalnum()):
        raise ValidationError(
            _("El número de %(label)s «%(raw)s» solo puede tener letras y números.")
            % facts
        )
    if not shortest <= len(number) <= longest:
        raise ValidationError(
            _(
                "El número de %(label)s debe tener entre %(shortest)s y %(longest)s "
                "caracteres; «%(raw)s» tiene %(length)s. Revíselo en el documento."
            )
            % {
                **facts,
                "shortest": shortest,
                "longest": longest,
                "length": len(number),
            }
        )
    if kind == "digits" and (number.startswith("0") or len(set(number)) == 1):
        raise ValidationError(
            _(
                "El número de %(label)s «%(raw)s» no es válido (empieza por cero o "
                "repite un solo dígito). Revíselo en el documento."
            )
            % facts
        )
    return number


def clean_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise ValidationError(_("Falta el correo electrónico."))
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _(
                "El correo «%(raw)s» no es válido. Escríbalo completo, como "
                "nombre@dominio.com."
            )
            % {"raw": raw}
        ) from None
    return email


def clean_birth_date(value: date | None, *, today: date) -> date:
    if value is None:
        raise ValidationError(_("Falta la fecha de nacimiento (AAAA-MM-DD)."))
    # The date as it was typed (year first), so the person recognises it.
    facts = {"date": f"{value:%Y-%m-%d}", "minimum": MIN_AGE}
    if value > today:
        raise ValidationError(
            _("La fecha de nacimiento %(date)s está en el futuro. Revise el año.")
            % facts
        )
    age = age_on(value, today)
    if age < MIN_AGE:
        raise ValidationError(
            _(
                "La Escuela recibe personas desde los %(minimum)s años; con la fecha "
                "%(date)s la persona tiene %(age)s. Revise la fecha."
            )
            % {**facts, "age": age}
        )
    if age > MAX_AGE:
        raise ValidationError(
            _(
                "La fecha %(date)s da una edad de %(age)s años, que no es plausible. "
                "Revise el año."
            )
            % {**facts, "age": age}
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
        _(
            "La fecha «%(raw)s» no se entiende o no existe. Use AAAA-MM-DD "
            "(por ejemplo 1990-05-31) o DD/MM/AAAA."
        )
        % {"raw": raw}
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
        raise ValidationError(_("Faltan los %(what)s.") % {"what": what})
    if len(name) > 150:
        raise ValidationError(
            _("Los %(what)s tienen más de 150 caracteres; acórtelos.") % {"what": what}
        )
    return name
