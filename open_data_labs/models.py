"""Datasets and their pinned snapshots, per locality (and at the city campus).

A ``Dataset`` is what a learner recognises ("Participación electoral 2018"); each
``Snapshot`` is one immutable version of its table, stored as a Parquet file in
the locality's media storage and identified by its SHA-256, so an exercise that
names a snapshot always runs on the same rows. Rows here are written only after
the file is stored; see ``snapshots.py`` for the order and the clean-up.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    """Open data published by someone (``publisher``) under a licence.

    Has many ``Snapshot`` versions; the latest is what pages show by default.
    """

    key = models.SlugField(_("clave"), max_length=80, unique=True)
    title = models.CharField(_("título"), max_length=255)
    description = models.TextField(_("descripción"), blank=True)
    licence = models.CharField(_("licencia"), max_length=255, blank=True)
    source_url = models.URLField(
        _("dirección de la fuente"), max_length=1000, blank=True
    )
    publisher = models.CharField(_("quién publica"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    # Id of the city-wide account (public schema), not a foreign key (as in h5p).
    created_by_id = models.BigIntegerField(_("creado por (id)"), null=True, blank=True)

    class Meta:
        verbose_name = _("conjunto de datos")
        verbose_name_plural = _("conjuntos de datos")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Snapshot(models.Model):
    """Version ``version`` of a dataset: one Parquet file and what describes it.

    ``storage_name`` is a name in Django's default storage (per-locality prefix);
    ``columns`` is the list of ``{"name", "type", "unit"}``; ``profile`` caches the
    computed profile (snapshots never change, so neither does their profile).
    ``derived_from`` links a turned or re-typed table to the version it came from.
    """

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="snapshots"
    )
    version = models.PositiveIntegerField(_("versión"))
    storage_name = models.CharField(_("archivo"), max_length=500, unique=True)
    sha256 = models.CharField(_("SHA-256 del Parquet"), max_length=64)
    size_bytes = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    row_count = models.PositiveBigIntegerField(_("filas"))
    column_count = models.PositiveIntegerField(_("columnas"))
    columns = models.JSONField(_("columnas y tipos"))
    source_url = models.URLField(
        _("dirección de la fuente"), max_length=1000, blank=True
    )
    licence = models.CharField(_("licencia"), max_length=255, blank=True)
    retrieved_on = models.DateField(_("fecha de obtención"))
    origin = models.CharField(_("origen"), max_length=20)
    origin_detail = models.CharField(
        _("detalle del origen"), max_length=500, blank=True
    )
    notes = models.JSONField(_("notas"), default=list)
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    profile = models.JSONField(_("perfil calculado"), null=True, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    created_by_id = models.BigIntegerField(_("creado por (id)"), null=True, blank=True)

    class Meta:
        verbose_name = _("versión de datos")
        verbose_name_plural = _("versiones de datos")
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "version"], name="unique_snapshot_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset.title} v{self.version}"


class Lab(models.Model):
    """A lab activity of a lesson as it was last published here: what answers are
    checked against.

    Written when a lesson with the lab is published (``labs.save_lesson_labs``),
    from the block's value, which already holds the expected answers computed on
    the pinned version (``dataset_key`` v``version``, file ``sha256``) where the
    data lives (``data_schema``: the campus, for a city course). Learners' answers
    are not kept here: they are learning records (xAPI statements).
    """

    key = models.SlugField(_("clave"), max_length=120, unique=True)
    title = models.CharField(_("título"), max_length=255)
    dataset_key = models.SlugField(_("conjunto de datos"), max_length=80)
    version = models.PositiveIntegerField(_("versión"))
    sha256 = models.CharField(_("SHA-256 de la versión"), max_length=64)
    data_schema = models.CharField(_("sitio de los datos"), max_length=63)
    pass_percent = models.PositiveSmallIntegerField(_("aprueba con (%)"), default=60)
    questions = models.JSONField(_("preguntas y respuestas esperadas"))
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("laboratorio")
        verbose_name_plural = _("laboratorios")

    def __str__(self) -> str:
        return self.title
