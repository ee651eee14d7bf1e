"""The catalog on a locality's home page: search and filters from the query
string, and the learning paths with the signed-in person's progress.

The unfiltered catalog (courses and paths) is the same for every visitor of a
locality, so it is cached per locality and language (``django_tenants`` keys
the cache by schema) and dropped whenever a page of the site changes
(``handlers.forget_catalog``); a short lifetime bounds what a change committed
while a request was filling the cache can leave behind. The person's own
progress is one query (``learning.api.summarize_courses``), only when signed in
and the site has paths.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from courses import api as courses_api
from lms.learning import api as learning_api

# Length filter: a person on a phone thinks in "an afternoon", not decimals.
LENGTHS = {"corto": 4.0, "medio": 12.0}
CACHE_SECONDS = 60


def catalog_cache_keys() -> list[str]:
    """The active locality's cached catalog, one per language."""
    return [f"portal:catalog:{code}" for code, _name in settings.LANGUAGES]


def _unfiltered() -> dict[str, Any]:
    key = f"portal:catalog:{translation.get_language()}"
    # Only keys that ``catalog_cache_keys`` names, so a page change drops them.
    cached = cache.get(key) if key in catalog_cache_keys() else None
    if cached is None:
        cached = {
            "courses": courses_api.list_catalog(),
            "paths": courses_api.list_path_outlines(),
        }
        if key in catalog_cache_keys():
            cache.set(key, cached, CACHE_SECONDS)
    return cached


def catalog_context(request: HttpRequest) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    choices = courses_api.catalog_filter_choices()
    theme = request.GET.get("tema", "")
    modality = request.GET.get("modalidad", "")
    length = request.GET.get("duracion", "")
    is_filtered = bool(query or theme or modality or length)
    paths: list[dict[str, Any]] = []
    if is_filtered:
        courses = courses_api.list_catalog(
            query=query or None,
            theme=theme if theme in dict(choices["themes"]) else None,
            modality=modality if modality in dict(choices["modalities"]) else None,
            max_hours=LENGTHS.get(length),
        )
    else:
        catalog = _unfiltered()
        courses = catalog["courses"]
        paths = path_cards(catalog["paths"], courses, request.user)
    return {
        "courses": courses,
        "paths": paths,
        "filters": {
            "q": query,
            "tema": theme,
            "modalidad": modality,
            "duracion": length,
        },
        "is_filtered": is_filtered,
        "themes": choices["themes"],
        "modalities": choices["modalities"],
        "lengths": [("corto", _("Hasta 4 horas")), ("medio", _("Hasta 12 horas"))],
    }


def path_cards(paths: list, courses: list, user: Any) -> list[dict[str, Any]]:
    """Each path with its courses and, for a signed-in person, how far they are."""
    by_key = {course.key: course for course in courses}
    standings = {}
    if paths and getattr(user, "is_authenticated", False):
        keys = sorted({key for path in paths for key in path.course_keys})
        standings = learning_api.summarize_courses(user.pk, keys)
    cards = []
    for path in paths:
        offered = [by_key[key] for key in path.course_keys if key in by_key]
        if not offered:
            continue
        mine = [standings[c.key] for c in offered if c.key in standings]
        cards.append(
            {
                "outline": path,
                "items": [(c, standings.get(c.key)) for c in offered],
                "completed": sum(1 for s in mine if s.state == "completed"),
                "percent": sum(s.percent for s in mine) // len(offered),
                "is_started": any(s.state != "not_started" for s in mine),
            }
        )
    return cards
