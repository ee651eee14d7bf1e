"""Courses as Wagtail pages, one page tree per locality.

Tree: LocalityHomePage → CoursePage → ModulePage → LessonPage, and
LocalityHomePage → LearningPathPage (an ordered list of courses).

City courses are authored once at the city campus and copied into each locality
by a release (``CourseRelease``; ``courses.publishing``). Every course, module and
lesson has a stable ``key`` that survives new versions, so learners' progress (kept
by key) is never lost. In a locality, a copied course has ``is_city_copy=True``:
staff there cannot edit it (only hide it); local courses are theirs to edit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from tenants.data import control_characters

from .blocks import LESSON_BODY_BLOCKS


class Theme(models.TextChoices):
    """The five investment lines of the Local Development Funds, and cross themes."""

    LOCAL_ECONOMY = "economia_local", "Economía local"
    INFRASTRUCTURE = "infraestructura", "Infraestructura"
    SOCIAL_REACTIVATION = (
        "reactivacion",
        "Reactivación social y económica con enfoque de género y diferencial",
    )
    ENVIRONMENT = "ambiente", "Ambiente"
    RURALITY = "ruralidad", "Ruralidad"
    PARTICIPATORY_BUDGETING = "presupuestos", "Presupuestos participativos"
    OPEN_GOVERNMENT = "gobierno_abierto", "Gobierno abierto y control social"
    OPEN_DATA = "datos_abiertos", "Datos abiertos"
    DIGITAL_DEMOCRACY = "democracia_digital", "Democracia digital"


class Modality(models.TextChoices):
    VIRTUAL = "virtual", "Virtual"
    IN_PERSON = "presencial", "Presencial"
    BLENDED = "mixta", "Mixta (virtual y presencial)"


class Level(models.TextChoices):
    BASIC = "basico", "Básico"
    INTERMEDIATE = "intermedio", "Intermedio"
    ADVANCED = "avanzado", "Avanzado"


class CityCopyPermissionTester(PagePermissionTester):
    """Nobody edits a city course inside a locality: the next version would undo it.

    The campus is where city courses change. Platform administrators keep their
    rights (to repair), everyone else may only view and hide the course.
    """

    def _frozen(self) -> bool:
        return not self.user.is_superuser

    def can_edit(self):
        return not self._frozen() and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return not self._frozen() and super().can_delete(ignore_bulk)

    def can_publish(self):
        return not self._frozen() and super().can_publish()

    def can_unpublish(self):
        return not self._frozen() and super().can_unpublish()

    def can_add_subpage(self):
        return not self._frozen() and super().can_add_subpage()

    def can_move(self):
        return not self._frozen() and super().can_move()


class _CityCopyAware:
    """Pages of a copied city course get the frozen permission tester."""

    def belongs_to_city_copy(self) -> bool:
        raise NotImplementedError

    def permissions_for_user(self, user):
        if self.belongs_to_city_copy():
            return CityCopyPermissionTester(user, self)
        return super().permissions_for_user(user)


class CoursePage(_CityCopyAware, Page):
    """A course offered in this locality; a child of the locality's home page.

    ``key`` is stable across versions and equal in every locality that has the
    course. ``version`` is the last version released (campus) or copied (locality).
    """

    key = models.SlugField(
        "clave del curso",
        max_length=80,
        unique=True,
        help_text="Identificador estable del curso en todas las localidades y versiones.",
    )
    version = models.PositiveIntegerField("versión", default=0, editable=False)
    is_city_copy = models.BooleanField(
        "copia de un curso de la ciudad", default=False, editable=False
    )
    is_hidden_locally = models.BooleanField(
        "oculto en esta localidad", default=False, editable=False
    )
    summary = models.TextField("resumen", max_length=600, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="imagen de portada",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    theme = models.CharField(
        "línea o tema",
        max_length=32,
        choices=Theme.choices,
        default=Theme.OPEN_GOVERNMENT,
    )
    estimated_hours = models.DecimalField(
        "horas estimadas", max_digits=5, decimal_places=1, default=1
    )
    language = models.CharField(
        "idioma",
        max_length=8,
        choices=[("es-co", "Español"), ("en", "English")],
        default="es-co",
    )
    level = models.CharField(
        "nivel", max_length=16, choices=Level.choices, default=Level.BASIC
    )
    modality = models.CharField(
        "modalidad", max_length=16, choices=Modality.choices, default=Modality.VIRTUAL
    )
    # Completion rule (evaluated by the learning records): every required lesson,
    # plus these minimums where set.
    completion_min_score = models.PositiveSmallIntegerField(
        "puntaje mínimo (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Promedio mínimo en actividades calificadas. Vacío: no se exige.",
    )
    completion_min_attendance = models.PositiveSmallIntegerField(
        "asistencia mínima (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Porcentaje de sesiones presenciales. Vacío: no se exige.",
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name="cursos previos", blank=True, symmetrical=False
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("key"),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("estimated_hours"),
                FieldPanel("language"),
                FieldPanel("level"),
                FieldPanel("modality"),
            ],
            heading="Ficha del curso",
        ),
        MultiFieldPanel(
            [
                FieldPanel("completion_min_score"),
                FieldPanel("completion_min_attendance"),
                FieldPanel("prerequisites"),
            ],
            heading="Regla de aprobación y requisitos",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("theme"),
        index.FilterField("modality"),
        index.FilterField("is_hidden_locally"),
    ]
    parent_page_types = ["portal.LocalityHomePage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = "curso"
        permissions = [
            ("release_course", "Puede publicar cursos de la ciudad en las localidades"),
            ("hide_city_course", "Puede ocultar o mostrar cursos de la ciudad aquí"),
        ]

    def belongs_to_city_copy(self) -> bool:
        return self.is_city_copy

    def clean(self):
        super().clean()
        # The title is printed on certificates and signed into their credentials:
        # an invisible control character (pasted from a PDF or a spreadsheet)
        # has no place there. Wagtail runs this for the admin form and for
        # courses.api.create_course alike.
        found = control_characters(self.title)
        if found:
            raise ValidationError(
                {
                    "title": _(
                        "El título contiene un carácter de control invisible "
                        "(%(codes)s). Bórrelo y vuelva a escribir el texto."
                    )
                    % {"codes": ", ".join(found)}
                }
            )

    def get_context(self, request, *args, **kwargs):
        from . import catalog, learner

        context = super().get_context(request, *args, **kwargs)
        context["syllabus"] = catalog.get_syllabus(self.key)
        context.update(learner.learner_course_context(self.key, request.user))
        return context


class ModulePage(_CityCopyAware, Page):
    """A module of a course: an ordered group of lessons."""

    key = models.SlugField("clave del módulo", max_length=120, unique=True)
    summary = models.TextField("resumen", max_length=600, blank=True)
    prerequisites = ParentalManyToManyField(
        "self", verbose_name="módulos previos", blank=True, symmetrical=False
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("key"),
        FieldPanel("summary"),
        FieldPanel("prerequisites"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = "módulo"

    def belongs_to_city_copy(self) -> bool:
        parent = self.get_parent()
        return bool(parent and getattr(parent.specific, "is_city_copy", False))

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        # A module has no page of its own: it is a section of the course page.
        return redirect(self.get_parent().url)


class LessonPage(_CityCopyAware, Page):
    """A lesson: rich content, media and activities, with previous/next.

    ``is_retired`` marks a lesson that a newer version of the course removed: it
    stays (so progress and links keep meaning) but is no longer offered.
    """

    key = models.SlugField("clave de la lección", max_length=160, unique=True)
    body = StreamField(LESSON_BODY_BLOCKS, verbose_name="contenido", blank=True)
    is_required = models.BooleanField("obligatoria para aprobar", default=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        "minutos estimados", default=15, validators=[MinValueValidator(1)]
    )
    is_retired = models.BooleanField("retirada", default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("key"),
        FieldPanel("body"),
        FieldPanel("is_required"),
        FieldPanel("estimated_minutes"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "lección"
        verbose_name_plural = "lecciones"

    def belongs_to_city_copy(self) -> bool:
        course = CoursePage.objects.ancestor_of(self).first()
        return bool(course and course.is_city_copy)

    def clean(self):
        super().clean()
        from . import quizzes

        problems = quizzes.assign_quiz_keys(self)
        problems += self._quiz_keys_used_elsewhere()
        if problems:
            raise ValidationError(problems)

    def _quiz_keys_used_elsewhere(self) -> list[str]:
        """A quiz key names one quiz: another live lesson here must not reuse it."""
        from . import quizzes

        quiz_list = quizzes.lesson_quizzes(self)
        if not quiz_list:
            return []
        others = LessonPage.objects.live().exclude(pk=self.pk)
        course = CoursePage.objects.ancestor_of(self).first() if self.path else None
        if course is not None and course.is_city_copy:
            # A release may move a quiz between lessons of the course; the campus
            # checked its keys. Local lessons must still not share them.
            others = others.exclude(path__startswith=course.path)
        problems = []
        for quiz in quiz_list:
            taken = (
                others.filter(
                    body__contains=[
                        {"type": quizzes.QUIZ_BLOCK_NAME, "value": {"key": quiz["key"]}}
                    ]
                )
                .only("title")
                .first()
            )
            if taken is not None:
                problems.append(
                    f"La clave «{quiz['key']}» del cuestionario «{quiz['title']}» ya "
                    f"la usa un cuestionario de la lección «{taken.title}». Borre la "
                    "clave para que se genere una nueva, o quite primero el "
                    "cuestionario de esa lección."
                )
        return problems

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("cuestionario"):
            from . import quizzes

            return quizzes.answer_quiz(self, request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import catalog, learner

        context = super().get_context(request, *args, **kwargs)
        context["navigation"] = catalog.get_lesson_navigation(self.key)
        # An editor's preview in the admin is not studying: it records nothing.
        if not self.is_retired and not getattr(request, "is_preview", False):
            learner.record_lesson_view(
                context["navigation"].course_key, self.key, request.user
            )
        return context


class LearningPathPage(_CityCopyAware, Page):
    """A "ruta de formación": courses to take in order."""

    key = models.SlugField("clave de la ruta", max_length=80, unique=True)
    intro = RichTextField("presentación", blank=True)
    is_city_copy = models.BooleanField(default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("key"),
        FieldPanel("intro"),
        InlinePanel("path_courses", label="cursos de la ruta", min_num=1),
    ]
    parent_page_types = ["portal.LocalityHomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "ruta de formación"
        verbose_name_plural = "rutas de formación"

    def belongs_to_city_copy(self) -> bool:
        return self.is_city_copy


class LearningPathCourse(Orderable):
    path = ParentalKey(
        LearningPathPage, related_name="path_courses", on_delete=models.CASCADE
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("course")]


class CourseRelease(models.Model):
    """A request to copy one version of a campus course to localities.

    Lives in the campus schema (where it is requested); one target row per
    locality records how the copy went, so the admin can show progress.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "En cola"
        RUNNING = "running", "Copiando"
        DONE = "done", "Terminada"
        FAILED = "failed", "Con errores"

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
        PENDING = "pending", "En cola"
        COPYING = "copying", "Copiando"
        DONE = "done", "Publicado"
        FAILED = "failed", "Falló (sigue la versión anterior)"

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
