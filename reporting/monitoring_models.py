"""Public tables of citizen monitoring's figures (imported by ``models``):
barrios reached by collective-intelligence workshops and the monitoring funnel,
per locality. Counts only, no person; kept by monitoring's events and the
nightly recount, so a dashboard never reads a locality schema.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class LocalityBarrioCoverage(models.Model):
    """Barrios (cadastral sectors) of one locality reached by its workshops, out
    of all its sectors, as ``monitoring.api.barrio_coverage_here`` gives them."""

    schema_name = models.CharField(
        gettext_lazy("localidad (esquema)"), max_length=63, unique=True
    )
    reached = models.PositiveIntegerField(gettext_lazy("barrios alcanzados"))
    total = models.PositiveIntegerField(gettext_lazy("barrios de la localidad"))
    workshops = models.PositiveIntegerField(gettext_lazy("talleres"), default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("barrios alcanzados por talleres")
        verbose_name_plural = gettext_lazy("barrios alcanzados por talleres")

    def __str__(self) -> str:
        return f"{self.schema_name}: {self.reached}/{self.total}"


class LocalityMonitoringFunnel(models.Model):
    """The monitoring funnel of one locality and investment line (``line``
    empty: the locality as a whole, each person once), as
    ``monitoring.api.funnel_here`` gives it."""

    schema_name = models.CharField(gettext_lazy("localidad (esquema)"), max_length=63)
    line = models.CharField(
        gettext_lazy("línea de inversión"), max_length=20, blank=True
    )
    active = models.PositiveIntegerField(gettext_lazy("activas en un rol"), default=0)
    filed = models.PositiveIntegerField(gettext_lazy("reportes enviados"), default=0)
    published = models.PositiveIntegerField(
        gettext_lazy("reportes publicados"), default=0
    )
    answered_on_time = models.PositiveIntegerField(
        gettext_lazy("respondidos a tiempo"), default=0
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("embudo del seguimiento ciudadano")
        verbose_name_plural = gettext_lazy("embudos del seguimiento ciudadano")
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "line"],
                name="reporting_unique_monitoring_funnel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name} · {self.line or 'total'}"
