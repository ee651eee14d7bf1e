"""A lab's key names one lab: two live lessons here must not share it.

Results hang on the key (the learning records' ``lab:<key>``) and the published
lab is kept under it, so a lesson copied in Wagtail, or a lab block duplicated in
the editor, would otherwise mix two labs' answers and overwrite one with the
other on publish. ``courses`` runs this check when a lesson is validated (the
editor's save, and lessons written by code), with the live lessons this one must
not share keys with, the same rule as for quizzes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .labs import LAB_BLOCK_NAME

__all__ = ["lab_keys_used_elsewhere"]


def _lesson_labs(lesson: Any) -> list[Any]:
    body = getattr(lesson, "body", None)
    if not body:
        return []
    return [child.value for child in body if child.block_type == LAB_BLOCK_NAME]


def lab_keys_used_elsewhere(lesson: Any, others: Any) -> list[str]:
    """Problems (Spanish) when a lab key of ``lesson`` is repeated in it or is
    used by a lab of one of ``others`` (live lessons)."""
    problems: list[str] = []
    seen: set[str] = set()
    for lab in _lesson_labs(lesson):
        key = lab.get("key") or ""
        if not key:  # a draft: the key is made when the lab is saved whole
            continue
        if key in seen:
            problems.append(
                _(
                    "Dos laboratorios de esta lección tienen la clave «%(key)s»: "
                    "borre la clave del que agregó después (en la configuración "
                    "del laboratorio) para que se genere una nueva."
                )
                % {"key": key}
            )
            continue
        seen.add(key)
        taken = (
            others.filter(
                body__contains=[{"type": LAB_BLOCK_NAME, "value": {"key": key}}]
            )
            .only("title")
            .first()
        )
        if taken is not None:
            problems.append(
                _(
                    "La clave «%(key)s» del laboratorio «%(lab)s» ya la usa un "
                    "laboratorio de la lección «%(lesson)s»: sus resultados se "
                    "mezclarían. Borre la clave (en la configuración del "
                    "laboratorio) para que se genere una nueva, o quite primero el "
                    "laboratorio de esa lección."
                )
                % {"key": key, "lab": lab.get("title") or "", "lesson": taken.title}
            )
    return problems
