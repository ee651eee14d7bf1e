"""Public tables that keep what a dashboard page used to count on each build
(imported by ``models``): who was last active when, and how many people were
last active on each day, per scope (ADR 0045).
"""

from django.db import models
from django.utils.translation import gettext_lazy


class LastActiveDay(models.Model):
    """The last day a person was active in a scope: the city (``scope`` empty,
    any locality) or one locality. Holds personal data (pseudonymous activity
    dates).

    Kept by ``record_activity`` (only a day later than the kept one moves it)
    and rebuilt from ``LearnerDay`` by the nightly recount
    (``drift["last_active"]``), so "active in the last 30 days" is a sum over
    ``ActiveTally`` instead of a distinct count over every active day.
    """

    scope = models.CharField(
        gettext_lazy("ámbito (esquema; vacío: ciudad)"), max_length=63
    )
    user_id = models.BigIntegerField(gettext_lazy("persona (id)"))
    day = models.DateField(gettext_lazy("día"))

    class Meta:
        verbose_name = gettext_lazy("último día activo (reporte)")
        verbose_name_plural = gettext_lazy("últimos días activos (reporte)")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "user_id"], name="reporting_unique_last_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope or 'ciudad'} · {self.user_id} · {self.day}"


class ActiveTally(models.Model):
    """How many people of a scope were last active on ``day`` (the rows of
    ``LastActiveDay`` counted per scope and day): the people active since a day
    are the sum of the rows from that day on, a few dozen rows per scope.

    Kept in the same statement that moves a person's ``LastActiveDay`` (minus
    one on the old day, plus one on the new), rebuilt with it by the recount.
    """

    scope = models.CharField(
        gettext_lazy("ámbito (esquema; vacío: ciudad)"), max_length=63
    )
    day = models.DateField(gettext_lazy("día"))
    people = models.IntegerField(gettext_lazy("personas"), default=0)

    class Meta:
        verbose_name = gettext_lazy("personas activas por día (reporte)")
        verbose_name_plural = gettext_lazy("personas activas por día (reporte)")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "day"], name="reporting_unique_active_tally"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope or 'ciudad'} · {self.day} · {self.people}"
