"""Public tables of the filtered dashboards' counts (imported by ``models``):
people per scope, dimension and category under each combination of the
dashboard's filters, and the day their age groups are counted on (ADR 0039).
"""

from django.db import models
from django.utils.translation import gettext_lazy


class FacetTally(models.Model):
    """Precomputed people counts of one scope under one combination of the
    dashboard's filters (a course, a gender, an age group; empty: not
    filtered), per dimension and category: a filtered dashboard reads these
    rows instead of counting every person. The combination with no filter at all
    lives in ``Tally``.

    Kept by the same events and in the same statements as ``Tally`` (the change
    of the person's own contribution); rebuilt and checked by the nightly
    recount (``drift["facet_tallies"]``). Age groups (as a filter and as the
    ``age`` dimension, stored by their key) are counted on the day kept in
    ``FacetTallyDay``. Only suppressed aggregates leave the app.
    """

    course_key = models.CharField(gettext_lazy("curso"), max_length=120, blank=True)
    gender = models.CharField(gettext_lazy("género"), max_length=40, blank=True)
    age_group = models.CharField(
        gettext_lazy("grupo de edad"), max_length=20, blank=True
    )
    scope = models.CharField(
        gettext_lazy("ámbito (esquema; vacío: ciudad)"), max_length=63
    )
    dimension = models.CharField(gettext_lazy("dimensión"), max_length=20)
    category = models.CharField(gettext_lazy("categoría"), max_length=120, blank=True)
    people = models.IntegerField(gettext_lazy("personas"), default=0)
    enrolled = models.IntegerField(gettext_lazy("inscritas"), default=0)
    completed = models.IntegerField(gettext_lazy("formadas"), default=0)
    certified = models.IntegerField(gettext_lazy("certificadas"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("conteo precalculado con filtros (reporte)")
        verbose_name_plural = gettext_lazy(
            "conteos precalculados con filtros (reporte)"
        )
        constraints = [
            # Filters first: a build reads one combination's rows.
            models.UniqueConstraint(
                fields=[
                    "course_key",
                    "gender",
                    "age_group",
                    "scope",
                    "dimension",
                    "category",
                ],
                name="reporting_unique_facet_tally",
            )
        ]

    def __str__(self) -> str:
        facet = "/".join(filter(None, [self.course_key, self.gender, self.age_group]))
        return (
            f"{facet} · {self.scope or 'ciudad'} · {self.dimension} · {self.category}"
        )


class FacetTallyDay(models.Model):
    """The day on which ``FacetTally`` counts ages (one row). Age groups change
    as people have birthdays: the first dashboard of a new day moves the few
    people whose group changed (``facets.count_ages_on``); the recount sets it
    to the day it rebuilds."""

    day = models.DateField(gettext_lazy("día"))

    class Meta:
        verbose_name = gettext_lazy("día de las edades de los conteos con filtros")
        verbose_name_plural = gettext_lazy(
            "días de las edades de los conteos con filtros"
        )

    def __str__(self) -> str:
        return str(self.day)
