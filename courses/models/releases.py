"""Releases of a campus course to localities, and how each locality's copy went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage


class CourseRelease(models.Model):
    """A request to copy one version of a campus course to localities.

    Lives in the campus schema (where it is requested); one target row per
    locality records how the copy went, so the admin can show progress.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En cola")
        RUNNING = "running", _("Copiando")
        DONE = "done", _("Terminada")
        FAILED = "failed", _("Con errores")

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="releases"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    # What was released, frozen when the trainer asked (courses.publishing):
    # later edits at the campus belong to the next version.
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(status__in=["pending", "running"]),
                name="one_active_release_per_course",
            ),
            models.UniqueConstraint(
                fields=["course", "version"], name="unique_release_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.key} v{self.version}"


class CourseReleaseTarget(models.Model):
    """How the copy of a release into one locality went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cola")
        COPYING = "copying", _("Copiando")
        DONE = "done", _("Publicado")
        FAILED = "failed", _("Falló (sigue la versión anterior)")

    release = models.ForeignKey(
        CourseRelease, on_delete=models.CASCADE, related_name="targets"
    )
    schema_name = models.CharField(max_length=63)
    locality_name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["locality_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "schema_name"], name="unique_release_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release} → {self.schema_name}: {self.status}"
