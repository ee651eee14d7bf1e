"""Figures as Colombians read them: $ 1.234.567 and 45,5 %."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext

register = template.Library()


@register.filter
def cop(value: Decimal | None) -> str:
    """Pesos with points for thousands; cents only when there are any."""
    if value is None:
        return "—"
    amount = Decimal(value)
    whole = int(amount)
    cents = int((amount - whole) * 100)
    text = f"{whole:,}".replace(",", ".")
    return f"$ {text},{cents:02d}" if cents else f"$ {text}"


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} %"


@register.filter
def bar_width(value: Decimal | None) -> int:
    """A whole number 0-100 for the width of a progress bar."""
    return int(value or 0)


@register.filter
def points(value: Decimal | None) -> str:
    """A difference in percentage points, without its sign (the text says which)."""
    if value is None:
        return "—"
    return percent(abs(Decimal(value))).removesuffix(" %")


@register.filter
def label(value, labels: dict) -> str:
    """The label of an enum value from a labels dict: ``{{ v|label:labels }}``."""
    return str(labels.get(value, value))


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """The locale's long date ("15 de marzo de 2025", "March 15, 2025").

    Spanish writes month names in lower case, but Django's Spanish catalog
    capitalises them ("Marzo"), so Spanish is lowered; English keeps "March".
    """
    if not value:
        return "—"
    text = formats.date_format(value, "DATE_FORMAT")
    return text.lower() if get_language().startswith("es") else text


@register.filter
def translated(value) -> str:
    """A label kept untranslated in ``data.py`` (stdlib only), translated now."""
    return gettext(str(value)) if value else ""
