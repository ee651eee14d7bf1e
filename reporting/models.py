"""Reporting tables: city-wide figures for the program dashboards (public schema).

The app is SHARED only: these tables exist once, in the public schema, and every
locality's search path reaches them. Locality events (``lms.learning.signals``)
keep them current; the nightly recount (``api.recount``) rebuilds what it can read
from each locality schema and corrects drift. Dashboards read only these tables:
a page never queries the 20 locality schemas.

Rows name the locality by ``schema_name`` on purpose: they are a city-wide summary,
not domain data, so the usual "the schema isolates" rule does not apply here; the
access checks in ``api.py`` decide who sees which locality's rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class LearnerCourse(models.Model):
    """One person's standing in one course of one locality. Holds personal data
    (who enrolled in, completed and was certified in what; pseudonymous user id).

    State, not a log: each event moves the row forward, so replaying an event
    changes nothing (idempotent) and events arriving out of order still end right
    (``enrollment_changed_at`` decides between an enrollment and a withdrawal).
    """

    schema_name = models.CharField(gettext_lazy("localidad (esquema)"), max_length=63)
    user_id = models.BigIntegerField(gettext_lazy("persona (id)"))
    course_key = models.CharField(gettext_lazy("curso"), max_length=120)
    is_enrolled = models.BooleanField(gettext_lazy("inscrita"), default=False)
    first_enrolled_at = models.DateTimeField(
        gettext_lazy("primera inscripción"), null=True
    )
    enrollment_changed_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(gettext_lazy("completó"), null=True)
    certified_at = models.DateTimeField(gettext_lazy("certificada"), null=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("persona en curso (reporte)")
        verbose_name_plural = gettext_lazy("personas en cursos (reporte)")
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "user_id", "course_key"],
                name="reporting_unique_learner_course",
            )
        ]
        indexes = [models.Index(fields=["user_id"])]
        # Defined here because a permission needs a model; checked in the active
        # schema (roles are groups per locality, ADR 0002). See README.md.
        permissions = [
            ("view_city_dashboard", gettext_lazy("Puede ver el tablero de la ciudad")),
            (
                "view_locality_dashboard",
                gettext_lazy("Puede ver el tablero de su localidad"),
            ),
            ("change_targets", gettext_lazy("Puede cambiar las metas del programa")),
        ]

    def __str__(self) -> str:
        return f"{self.schema_name} · {self.user_id} · {self.course_key}"


class PersonSummary(models.Model):
    """One person's standing across all the courses of a scope: the city
    (``schema_name`` empty) or one locality. Holds personal data (pseudonymous).

    Derived from ``LearnerCourse`` in the same transaction as each event (under a
    per-person lock, ``api._refresh_summary``) and rebuilt by the recount, so the
    dashboards count people with plain counts over one row per person instead of
    distinct counts over every enrollment. Same column meanings as
    ``LearnerCourse``: ``is_enrolled`` is "enrolled in or completed some course",
    the dates are the first of each kind.
    """

    schema_name = models.CharField(
        gettext_lazy("ámbito (esquema; vacío: ciudad)"), max_length=63
    )
    user_id = models.BigIntegerField(gettext_lazy("persona (id)"))
    is_enrolled = models.BooleanField(gettext_lazy("inscrita o formada"), default=False)
    first_enrolled_at = models.DateTimeField(
        gettext_lazy("primera inscripción"), null=True
    )
    completed_at = models.DateTimeField(gettext_lazy("primera finalización"), null=True)
    certified_at = models.DateTimeField(gettext_lazy("primer certificado"), null=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("resumen de persona (reporte)")
        verbose_name_plural = gettext_lazy("resúmenes de personas (reporte)")
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "user_id"], name="reporting_unique_summary"
            )
        ]
        # One person's rows (their city and locality scopes), read by each event.
        indexes = [models.Index(fields=["user_id"], name="reporting_summary_user")]

    def __str__(self) -> str:
        return f"{self.schema_name or 'ciudad'} · {self.user_id}"


class LearnerDay(models.Model):
    """A day on which a person was active in a locality. Holds personal data
    (pseudonymous activity dates).

    One row per (locality, person, day): a repeated ``learner_active`` event or a
    replay inserts nothing. The recount rebuilds these rows from the locality's
    xAPI statements (every learning event is also a statement).
    """

    schema_name = models.CharField(gettext_lazy("localidad (esquema)"), max_length=63)
    user_id = models.BigIntegerField(gettext_lazy("persona (id)"))
    day = models.DateField(gettext_lazy("día"))

    class Meta:
        verbose_name = gettext_lazy("día activo (reporte)")
        verbose_name_plural = gettext_lazy("días activos (reporte)")
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "user_id", "day"],
                name="reporting_unique_learner_day",
            )
        ]
        # The activity of the last days is counted from the index alone.
        indexes = [
            models.Index(fields=["day", "schema_name"]),
            models.Index(
                fields=["day", "schema_name", "user_id"], name="reporting_day_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schema_name} · {self.user_id} · {self.day}"


class PersonProfile(models.Model):
    """What the differential breakdowns need about a person. Holds sensitive
    personal data (gender, age, ethnic group, disability, victim status, LGBTIQ+,
    rural residence), copied only when the person consented (accounts).

    Empty fields mean "no answer"; they are counted as "Sin dato", never guessed.
    Only aggregated, suppressed (< 5) counts ever leave this table.
    """

    user_id = models.BigIntegerField(gettext_lazy("persona (id)"), primary_key=True)
    registered_at = models.DateTimeField(gettext_lazy("registro"), null=True)
    # The locality the person said they live in (schema name; empty: not said).
    residence_schema = models.CharField(
        gettext_lazy("localidad de residencia"),
        max_length=63,
        blank=True,
        db_index=True,
    )
    gender = models.CharField(gettext_lazy("género"), max_length=40, blank=True)
    birth_date = models.DateField(gettext_lazy("fecha de nacimiento"), null=True)
    ethnic_group = models.CharField(
        gettext_lazy("grupo étnico"), max_length=60, blank=True
    )
    has_disability = models.BooleanField(gettext_lazy("discapacidad"), null=True)
    is_victim = models.BooleanField(gettext_lazy("víctima del conflicto"), null=True)
    is_lgbtiq = models.BooleanField(gettext_lazy("LGBTIQ+"), null=True)
    is_rural = models.BooleanField(gettext_lazy("rural"), null=True)
    # Holds a civic role in some locality (participation's role_selected/left
    # events, corrected by the recount).
    has_participation_role = models.BooleanField(
        gettext_lazy("en rol de participación"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("perfil diferencial (reporte)")
        verbose_name_plural = gettext_lazy("perfiles diferenciales (reporte)")

    def __str__(self) -> str:
        return f"Perfil {self.user_id}"


class Target(models.Model):
    """A target of people trained: the city's (``schema_name`` empty) or a
    locality's. ``people`` is always positive (checked in ``api.set_target``)."""

    schema_name = models.CharField(
        gettext_lazy("localidad (esquema)"), max_length=63, unique=True
    )
    people = models.PositiveIntegerField(gettext_lazy("personas"))
    target_date = models.DateField(gettext_lazy("fecha meta"), null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("meta")
        verbose_name_plural = gettext_lazy("metas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people__gt=0), name="reporting_target_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name or 'Ciudad'}: {self.people}"


class RecountRun(models.Model):
    """One run of the full recount: when, how long, and how much drift it fixed."""

    started_at = models.DateTimeField()
    seconds = models.FloatField()
    drift = models.JSONField(default=dict)

    class Meta:
        verbose_name = gettext_lazy("recuento")
        verbose_name_plural = gettext_lazy("recuentos")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Recuento {self.started_at:%Y-%m-%d %H:%M}"


class LocalityFunnel(models.Model):
    """The civic funnel's stages after «trained» in one locality (distinct
    people, any of its roles), as ``participation.api.funnel_counts_here`` gives
    them. Kept by the role events and the nightly recount, so that building a
    dashboard never reads a locality schema."""

    schema_name = models.CharField(
        gettext_lazy("localidad (esquema)"), max_length=63, unique=True
    )
    eligible = models.PositiveIntegerField(gettext_lazy("habilitadas"), default=0)
    applied = models.PositiveIntegerField(gettext_lazy("postuladas"), default=0)
    selected = models.PositiveIntegerField(gettext_lazy("seleccionadas"), default=0)
    in_role = models.PositiveIntegerField(gettext_lazy("en ejercicio"), default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("embudo cívico de una localidad")
        verbose_name_plural = gettext_lazy("embudos cívicos de las localidades")

    def __str__(self) -> str:
        return f"Embudo {self.schema_name}"


class CourseTitle(models.Model):
    """A course's title as the localities' learning records name it, so that
    filters, charts and downloads show titles, never keys. Filled when a course
    first gets an enrollment and refreshed by the nightly recount."""

    course_key = models.CharField(gettext_lazy("curso"), max_length=120, unique=True)
    title = models.CharField(gettext_lazy("título"), max_length=255)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("título de curso (reporte)")
        verbose_name_plural = gettext_lazy("títulos de cursos (reporte)")

    def __str__(self) -> str:
        return self.title


class Tally(models.Model):
    """Precomputed people counts of one scope (the city, empty, or a locality)
    per dimension and category: the dashboards' totals, courses, weeks and
    differential breakdowns without counting every person on each build.

    Kept by the same events as ``PersonSummary``: each event adds the change of
    the person's own contribution (after minus before, under the per-person
    lock), so the rows stay sums over people; rebuilt and checked by the nightly
    recount (``drift["tallies"]``). Dimensions (``tallies.DIMENSIONS``): ``all``
    (category empty), ``course`` (a course key), ``week_enrolled`` and
    ``week_completed`` (a Monday, ISO), ``birth`` (an ISO date of birth: age
    groups depend on the day they are read), the breakdowns' answers (the code
    stored, empty for no answer). Only suppressed aggregates leave the app.
    """

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
        verbose_name = gettext_lazy("conteo precalculado (reporte)")
        verbose_name_plural = gettext_lazy("conteos precalculados (reporte)")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "dimension", "category"], name="reporting_unique_tally"
            )
        ]
        # The city's build reads every locality's totals (dimension first).
        indexes = [
            models.Index(
                fields=["dimension", "scope"], name="reporting_tally_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope or 'ciudad'} · {self.dimension} · {self.category}"


class FunnelBreakdown(models.Model):
    """The civic funnel of one locality broken down by role, investment line and
    population group: distinct people per category and stage (a person counts
    once per role, line or group). Copied with ``LocalityFunnel`` from
    ``participation.api.funnel_entries_here`` and the breakdown profiles."""

    schema_name = models.CharField(gettext_lazy("localidad (esquema)"), max_length=63)
    dimension = models.CharField(gettext_lazy("dimensión"), max_length=20)
    category = models.CharField(gettext_lazy("categoría"), max_length=200, blank=True)
    eligible = models.PositiveIntegerField(gettext_lazy("habilitadas"), default=0)
    applied = models.PositiveIntegerField(gettext_lazy("postuladas"), default=0)
    selected = models.PositiveIntegerField(gettext_lazy("seleccionadas"), default=0)
    in_role = models.PositiveIntegerField(gettext_lazy("en ejercicio"), default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("desglose del embudo cívico")
        verbose_name_plural = gettext_lazy("desgloses del embudo cívico")
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "dimension", "category"],
                name="reporting_unique_funnel_breakdown",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name} · {self.dimension} · {self.category}"


# The filtered dashboards' counts (ADR 0039).
from .facet_models import FacetTally, FacetTallyDay  # noqa: E402, F401

# Citizen monitoring's figures (workshops' barrios, the monitoring funnel).
from .monitoring_models import (  # noqa: E402, F401
    LocalityBarrioCoverage,
    LocalityMonitoringFunnel,
)

# What a page used to count on each build, kept by the events (ADR 0045).
from .page_models import ActiveTally, LastActiveDay  # noqa: E402, F401
