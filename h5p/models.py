"""H5P libraries (stored once per version) and uploaded H5P content, per locality.

Files live in the locality's media storage: ``h5p/libraries/<Machine.Name-1.2>/``
(shared by every content that uses that version) and ``h5p/content/<key>/``.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class H5PLibrary(models.Model):
    """One version (major.minor) of an H5P library; its files carry JavaScript."""

    machine_name = models.CharField("nombre de máquina", max_length=255)
    major_version = models.PositiveIntegerField("versión mayor")
    minor_version = models.PositiveIntegerField("versión menor")
    patch_version = models.PositiveIntegerField("parche")
    title = models.CharField("título", max_length=255)
    runnable = models.BooleanField("ejecutable", default=False)
    metadata = models.JSONField("library.json")
    installed_at = models.DateTimeField("instalada", auto_now_add=True)

    class Meta:
        verbose_name = "librería H5P"
        verbose_name_plural = "librerías H5P"
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="unique_h5p_library_version",
            )
        ]
        # Installing a library adds JavaScript every learner's browser runs, so it
        # is a permission of its own: trainers have it, facilitators do not
        # (granted per role by the roles work; see h5p/README.md).
        permissions = [
            ("add_library", "Puede instalar librerías H5P nuevas (con JavaScript)")
        ]

    def __str__(self) -> str:
        return f"{self.folder} ({self.patch_version})"

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class H5PContent(index.Indexed, models.Model):
    """An uploaded H5P activity. ``uploaded_by_id`` is a person (personal data).

    ``key`` is stable (not the database id): learner progress is recorded against
    ``h5p:<key>``, so a copy of the content with the same key keeps its meaning.
    """

    key = models.SlugField("clave", max_length=64, unique=True)
    title = models.CharField("título", max_length=255)
    main_library = models.CharField("librería principal", max_length=255)
    h5p_json = models.JSONField("h5p.json")
    libraries = models.ManyToManyField(H5PLibrary, related_name="contents")
    package_name = models.CharField("archivo original", max_length=255)
    package_sha256 = models.CharField(max_length=64)
    package_size = models.PositiveBigIntegerField(default=0)
    malware_scanned = models.BooleanField("analizado con antivirus", default=False)
    # Id of the city-wide account (public schema); not a foreign key, so deleting
    # a person from the public schema is not blocked by locality tables.
    uploaded_by_id = models.BigIntegerField("subido por (id)", null=True, blank=True)
    created_at = models.DateTimeField("subido", auto_now_add=True)

    panels = [FieldPanel("title")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = "actividad H5P"
        verbose_name_plural = "actividades H5P"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def activity_key(self) -> str:
        return f"h5p:{self.key}"
