"""Figures as Colombians read them: $ 1.234.567 and 45,5 %."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

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
