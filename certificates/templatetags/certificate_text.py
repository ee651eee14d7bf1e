"""How a certificate writes its hours and dates, in the active language.

``{% load certificate_text %}`` then ``{{ c.hours|hours_label }}`` («1 hora»,
«12,5 horas») and ``{{ c.issued_at|long_date }}`` («30 de noviembre de 2026»).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import get_language, ngettext

register = template.Library()


@register.filter
def hours_label(hours: Decimal | float | str) -> str:
    """The hours as the locale writes the number, with the noun agreeing."""
    amount = Decimal(str(hours))
    # ngettext counts whole things. A fraction of an hour takes the plural in
    # Spanish and English («0,5 horas», "1.5 hours"), as any count but 1 does.
    count = int(amount) if amount == amount.to_integral_value() else 0
    return ngettext("%(hours)s hora", "%(hours)s horas", count) % {
        "hours": floatformat(amount, -1)
    }


@register.filter(expects_localtime=True)
def long_date(value: date | None) -> str:
    """The locale's long date: «30 de noviembre de 2026», "November 30, 2026".

    Spanish writes month names in lower case, but Django's Colombian catalog
    capitalises them («Noviembre»), so Spanish is lowered; English keeps its
    capital.
    """
    if not value:
        return ""
    text = formats.date_format(value, "DATE_FORMAT")
    return text.lower() if (get_language() or "").startswith("es") else text
