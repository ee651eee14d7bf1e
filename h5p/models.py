"""H5P libraries (stored once per version) and uploaded H5P content, per locality.

Files live in the locality's media storage: ``h5p/libraries/<Machine.Name-1.2>/``
(shared by every content that uses that version) and ``h5p/content/<key>/``.
"""

from django.db import models
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class H5PLibrary(models.Model):
    """One version (major.minor) of an H5P library; its files carry JavaScript."""

    machine_name = models.CharField(gettext_lazy("nombre de máquina"), max_length=255)
    major_version = models.PositiveIntegerField(gettext_lazy("versión mayor"))
    minor_version = models.PositiveIntegerField(gettext_lazy("versión menor"))
    patch_version = models.PositiveIntegerField(gettext_lazy("parche"))
    title = models.CharField(gettext_lazy("título"), max_length=255)
    runnable = models.BooleanField(gettext_lazy("ejecutable"), default=False)
    metadata = models.JSONField(gettext_lazy("library.json"))
    installed_at = models.DateTimeField(gettext_lazy("instalada"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("librería H5P")
        verbose_name_plural = gettext_lazy("librerías H5P")
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
            (
                "add_library",
                gettext_lazy("Puede instalar librerías H5P nuevas (con JavaScript)"),
            )
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

    key = models.SlugField(gettext_lazy("clave"), max_length=64, unique=True)
    title = models.CharField(gettext_lazy("título"), max_length=255)
    main_library = models.CharField(gettext_lazy("librería principal"), max_length=255)
    h5p_json = models.JSONField(gettext_lazy("h5p.json"))
    libraries = models.ManyToManyField(H5PLibrary, related_name="contents")
    package_name = models.CharField(gettext_lazy("archivo original"), max_length=255)
    package_sha256 = models.CharField(max_length=64)
    package_size = models.PositiveBigIntegerField(default=0)
    malware_scanned = models.BooleanField(
        gettext_lazy("analizado con antivirus"), default=False
    )
    # Id of the city-wide account (public schema); not a foreign key, so deleting
    # a person from the public schema is not blocked by locality tables.
    uploaded_by_id = models.BigIntegerField(
        gettext_lazy("subido por (id)"), null=True, blank=True
    )
    created_at = models.DateTimeField(gettext_lazy("subido"), auto_now_add=True)

    panels = [FieldPanel("title")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = gettext_lazy("actividad H5P")
        verbose_name_plural = gettext_lazy("actividades H5P")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def activity_key(self) -> str:
        return f"h5p:{self.key}"


class H5PStartFailure(models.Model):
    """An activity that did not start in a learner's browser, reported by the page.

    One row per content and message, counted: a broken package seen by a whole
    class is one row, not one per visit. No person is recorded.
    """

    content = models.ForeignKey(
        H5PContent, on_delete=models.CASCADE, related_name="start_failures"
    )
    message = models.CharField(gettext_lazy("error"), max_length=300)
    count = models.PositiveIntegerField(gettext_lazy("veces"), default=1)
    first_seen = models.DateTimeField(gettext_lazy("primera vez"), auto_now_add=True)
    last_seen = models.DateTimeField(gettext_lazy("última vez"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("fallo al iniciar una actividad H5P")
        verbose_name_plural = gettext_lazy("fallos al iniciar actividades H5P")
        constraints = [
            models.UniqueConstraint(
                fields=["content", "message"], name="unique_h5p_start_failure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_id}: {self.message}"
