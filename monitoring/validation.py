"""Checks shared by the spreadsheet import, the admin form and the outside feeds.

Every check returns a clean value or raises ``ValidationError`` with a Spanish
message that says what is wrong and how to fix it. Money is read the way
Colombians write it: points for thousands, a comma for decimals
("$ 1.234.567,50").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .data import (
    INVESTMENT_LINE_LABELS,
    PROJECT_STATUS_LABELS,
    InvestmentLine,
    ProjectStatus,
)
from .reference import (
    LocalityPlaces,
    find_locality_of_barrio,
    find_locality_of_upz,
)

_MONEY_EXAMPLE = gettext_lazy("por ejemplo $ 1.234.567,50 o 1234567")
# Default subjects of the messages ("El presupuesto debe…"), translated lazily.
_BUDGET = gettext_lazy("El presupuesto")
_PROGRESS = gettext_lazy("El avance")
_DATE = gettext_lazy("La fecha")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_MAX_BUDGET = Decimal("1e15")  # above the whole district budget: a typo


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how free text is compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").split())


def parse_cop(value: Any, *, what: str = _BUDGET) -> Decimal:
    """Pesos from a number or from text in Colombian format."""
    if isinstance(value, bool):
        raise ValidationError(
            _("%(what)s debe ser un valor en pesos (%(example)s).")
            % {"what": what, "example": _MONEY_EXAMPLE}
        )
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        amount = _parse_cop_text(str(value or ""), what)
    if amount < 0:
        raise ValidationError(
            _("%(what)s no puede ser negativo (se leyó %(value)s).")
            % {"what": what, "value": value}
        )
    if amount >= _MAX_BUDGET:
        raise ValidationError(
            _("%(what)s es demasiado grande (%(value)s): revise que no sobren dígitos.")
            % {"what": what, "value": value}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            _("%(what)s tiene más de dos decimales (%(value)s).")
            % {"what": what, "value": value}
        )
    return amount.quantize(Decimal("0.01"))


def _parse_cop_text(raw: str, what: str) -> Decimal:
    text = raw.replace("\u00a0", " ").strip()
    text = re.sub(r"(?i)^(cop|\$)\s*|\s*(cop)$", "", text).strip()
    text = text.removeprefix("$").replace(" ", "")
    if not text:
        raise ValidationError(
            _("%(what)s está vacío. Escríbalo en pesos (%(example)s).")
            % {"what": what, "example": _MONEY_EXAMPLE}
        )
    whole, _comma, cents = text.partition(",")
    if "," in cents or (cents and not cents.isdigit()) or len(cents) > 2:
        raise ValidationError(
            _(
                "%(what)s «%(raw)s» no se entiende: use coma solo para los "
                "centavos (%(example)s)."
            )
            % {"what": what, "raw": raw, "example": _MONEY_EXAMPLE}
        )
    if _THOUSANDS.match(whole):
        whole = whole.replace(".", "")
    elif not _PLAIN.match(whole):
        raise ValidationError(
            _(
                "%(what)s «%(raw)s» no se entiende: escriba puntos para los miles "
                "y coma para los centavos (%(example)s)."
            )
            % {"what": what, "raw": raw, "example": _MONEY_EXAMPLE}
        )
    try:
        return Decimal(f"{whole}.{cents or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the patterns above guard it
        raise ValidationError(
            _("%(what)s «%(raw)s» no es un valor en pesos.")
            % {"what": what, "raw": raw}
        ) from exc


def parse_percent(value: Any, *, what: str = _PROGRESS) -> Decimal:
    """A percentage between 0 and 100 ("45", "45,5", "45.5 %", 0.455 is not 45.5)."""
    text = str(value).replace("%", "").replace(",", ".").strip()
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(
            _(
                "%(what)s «%(value)s» no es un número. Escriba un porcentaje de 0 "
                "a 100, por ejemplo 45 o 45,5."
            )
            % {"what": what, "value": value}
        ) from exc
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationError(
            _(
                "%(what)s debe estar entre 0 y 100 (se leyó %(value)s). Escríbalo "
                "como porcentaje, sin multiplicar ni dividir."
            )
            % {"what": what, "value": value}
        )
    return number.quantize(Decimal("0.01"))


def parse_date(value: Any, *, what: str = _DATE) -> date:
    """A date as ISO (2025-03-01), as Colombians write it (01/03/2025), or a cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValidationError(
        _(
            "%(what)s «%(value)s» no se entiende. Use día/mes/año (01/03/2025) o "
            "año-mes-día (2025-03-01)."
        )
        % {"what": what, "value": value}
    )


_LINE_WORDS = {fold(label): line for line, label in INVESTMENT_LINE_LABELS.items()}
_LINE_WORDS.update({fold(line.value): line for line in InvestmentLine})
_LINE_WORDS.update({str(n): line for n, line in enumerate(InvestmentLine, start=1)})
_LINE_WORDS.update(
    {
        "economia local": InvestmentLine.LOCAL_ECONOMY,
        "reactivacion economica": InvestmentLine.REACTIVATION,
        "ambiente": InvestmentLine.ENVIRONMENT,
        "inversion ambiental": InvestmentLine.ENVIRONMENT,
        "rural": InvestmentLine.RURALITY,
    }
)


def clean_line(value: Any) -> InvestmentLine:
    """One of the five lines, by code, number (1-5) or name."""
    line = _LINE_WORDS.get(fold(str(value)))
    if line is None:
        choices = "; ".join(
            f"{n}. {label}"
            for n, label in enumerate(INVESTMENT_LINE_LABELS.values(), start=1)
        )
        raise ValidationError(
            _(
                "Línea de inversión desconocida: «%(value)s». Use el número o el "
                "nombre de una de las cinco líneas: %(choices)s."
            )
            % {"value": value, "choices": choices}
        )
    return line


_STATUS_WORDS = {fold(label): status for status, label in PROJECT_STATUS_LABELS.items()}
_STATUS_WORDS.update({fold(status.value): status for status in ProjectStatus})
# Wording used by SECOP II contracts and by Decidim status keys.
_STATUS_WORDS.update(
    {
        "activo": ProjectStatus.IN_PROGRESS,
        "en ejecucion": ProjectStatus.IN_PROGRESS,
        "modificado": ProjectStatus.IN_PROGRESS,
        "prorrogado": ProjectStatus.IN_PROGRESS,
        "cedido": ProjectStatus.IN_PROGRESS,
        "ongoing": ProjectStatus.IN_PROGRESS,
        "in progress": ProjectStatus.IN_PROGRESS,
        "execution": ProjectStatus.IN_PROGRESS,
        "borrador": ProjectStatus.PLANNED,
        "firmado": ProjectStatus.PLANNED,
        "planned": ProjectStatus.PLANNED,
        "not started": ProjectStatus.PLANNED,
        "suspendido": ProjectStatus.SUSPENDED,
        "terminado": ProjectStatus.FINISHED,
        "cerrado": ProjectStatus.FINISHED,
        "liquidado": ProjectStatus.FINISHED,
        "finalizado": ProjectStatus.FINISHED,
        "finished": ProjectStatus.FINISHED,
        "completed": ProjectStatus.FINISHED,
        "cancelado": ProjectStatus.CANCELLED,
        "anulado": ProjectStatus.CANCELLED,
        "cancelled": ProjectStatus.CANCELLED,
        "canceled": ProjectStatus.CANCELLED,
    }
)


def clean_status(value: Any) -> ProjectStatus:
    status = _STATUS_WORDS.get(fold(str(value)))
    if status is None:
        choices = ", ".join(_(label) for label in PROJECT_STATUS_LABELS.values())
        raise ValidationError(
            _("Estado desconocido: «%(value)s». Use uno de: %(choices)s.")
            % {"value": value, "choices": choices}
        )
    return status


def status_from_source(value: Any) -> ProjectStatus | None:
    """An outside service's wording mapped to ours, or None when it is new to us."""
    return _STATUS_WORDS.get(fold(str(value or "")))


def clean_upz(value: Any, places: LocalityPlaces) -> str:
    """A UPZ/UPR code of this locality ("UPZ82", "82" and "upz 82" all work)."""
    text = _cell(value).upper().replace(" ", "")
    if text.isdigit():
        text = f"UPZ{int(text)}"
    if text in places.upz:
        return text
    elsewhere = find_locality_of_upz(text)
    if elsewhere:
        raise ValidationError(
            _(
                "La UPZ %(upz)s es de %(elsewhere)s, no de %(here)s. Use una UPZ de "
                "esta localidad: %(some)s."
            )
            % {
                "upz": text,
                "elsewhere": elsewhere,
                "here": places.name,
                "some": _some(places.upz),
            }
        )
    raise ValidationError(
        _(
            "UPZ desconocida: «%(value)s». Use el código oficial (por ejemplo "
            "%(example)s); las de %(here)s son: %(some)s."
        )
        % {
            "value": value,
            "example": next(iter(places.upz)),
            "here": places.name,
            "some": _some(places.upz),
        }
    )


def clean_barrio(value: Any, upz_code: str, places: LocalityPlaces) -> str:
    """A cadastral sector code of this locality, inside the project's UPZ."""
    text = _cell(value)
    if text.isdigit() and len(text) < 6:
        text = text.zfill(6)  # spreadsheets drop the leading zeros
    barrio = places.barrios.get(text)
    if barrio is None:
        elsewhere = find_locality_of_barrio(text)
        if elsewhere:
            raise ValidationError(
                _(
                    "El barrio %(barrio)s es de %(elsewhere)s, no de %(here)s. Use "
                    "el código de sector catastral de un barrio de esta localidad."
                )
                % {"barrio": text, "elsewhere": elsewhere, "here": places.name}
            )
        raise ValidationError(
            _(
                "Barrio desconocido: «%(value)s». Use el código de sector catastral "
                "de seis dígitos (por ejemplo 004512), no el nombre: varios barrios "
                "se llaman igual."
            )
            % {"value": value}
        )
    if upz_code and barrio.upz_code != upz_code:
        raise ValidationError(
            _(
                "El barrio %(barrio)s (%(name)s) está en la %(its_upz)s, no en la "
                "%(upz)s. Corrija la UPZ o el barrio."
            )
            % {
                "barrio": text,
                "name": barrio.name,
                "its_upz": barrio.upz_code,
                "upz": upz_code,
            }
        )
    return text


def _cell(value: Any) -> str:
    """Text of a code as typed; spreadsheets turn 004512 into the number 4512.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _some(codes: dict[str, Any]) -> str:
    return ", ".join(sorted(codes, key=lambda c: int(re.sub(r"\D", "", c) or 0)))
