"""The catalog on a locality's home page: search and filters from the query string."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from courses import api as courses_api

# Length filter: a person on a phone thinks in "an afternoon", not decimals.
LENGTHS = {"corto": 4.0, "medio": 12.0}


def catalog_context(request: HttpRequest) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    choices = courses_api.catalog_filter_choices()
    theme = request.GET.get("tema", "")
    modality = request.GET.get("modalidad", "")
    length = request.GET.get("duracion", "")
    courses = courses_api.list_catalog(
        query=query or None,
        theme=theme if theme in dict(choices["themes"]) else None,
        modality=modality if modality in dict(choices["modalities"]) else None,
        max_hours=LENGTHS.get(length),
    )
    return {
        "courses": courses,
        "filters": {
            "q": query,
            "tema": theme,
            "modalidad": modality,
            "duracion": length,
        },
        "is_filtered": bool(query or theme or modality or length),
        "themes": choices["themes"],
        "modalities": choices["modalities"],
        "lengths": [("corto", _("Hasta 4 horas")), ("medio", _("Hasta 12 horas"))],
    }
