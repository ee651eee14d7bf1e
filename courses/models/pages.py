"""Course, module, lesson and learning-path pages (one page tree per locality).

Every course, module and lesson has a stable ``key`` that survives new versions;
pages of a city course copied into a locality are frozen there (``city_copies``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from tenants.data import control_characters

from .. import quizzes
from ..lesson_blocks import LessonBodyBlock, run_lesson_checks
from .choices import Level, Modality, Theme
from .city_copies import _CityCopyAware


class CoursePage(_CityCopyAware, Page):
    """A course offered in this locality; a child of the locality's home page.

    ``key`` is stable across versions and equal in every locality that has the
    course. ``version`` is the last version released (campus) or copied (locality).
    """

    # Indexed by courses.derived_indexes (once per release's copy).
    search_auto_update = False

    key = models.SlugField(
        gettext_lazy("clave del curso"),
        max_length=80,
        unique=True,
        help_text=gettext_lazy(
            "Identificador estable del curso en todas las localidades y versiones."
        ),
    )
    version = models.PositiveIntegerField(
        gettext_lazy("versión"), default=0, editable=False
    )
    is_city_copy = models.BooleanField(
        gettext_lazy("copia de un curso de la ciudad"), default=False, editable=False
    )
    is_hidden_locally = models.BooleanField(
        gettext_lazy("oculto en esta localidad"), default=False, editable=False
    )
    summary = models.TextField(gettext_lazy("resumen"), max_length=600, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=gettext_lazy("imagen de portada"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    theme = models.CharField(
        gettext_lazy("línea o tema"),
        max_length=32,
        choices=Theme.choices,
        default=Theme.OPEN_GOVERNMENT,
    )
    estimated_hours = models.DecimalField(
        gettext_lazy("horas estimadas"), max_digits=5, decimal_places=1, default=1
    )
    language = models.CharField(
        gettext_lazy("idioma"),
        max_length=8,
        choices=[("es-co", "Español"), ("en", "English")],
        default="es-co",
    )
    level = models.CharField(
        gettext_lazy("nivel"), max_length=16, choices=Level.choices, default=Level.BASIC
    )
    modality = models.CharField(
        gettext_lazy("modalidad"),
        max_length=16,
        choices=Modality.choices,
        default=Modality.VIRTUAL,
    )
    # Completion rule (evaluated by the learning records): every required lesson,
    # plus these minimums where set.
    completion_min_score = models.PositiveSmallIntegerField(
        gettext_lazy("puntaje mínimo (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=gettext_lazy(
            "Promedio mínimo en actividades calificadas. Vacío: no se exige."
        ),
    )
    completion_min_attendance = models.PositiveSmallIntegerField(
        gettext_lazy("asistencia mínima (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=gettext_lazy(
            "Porcentaje de sesiones presenciales. Vacío: no se exige."
        ),
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=gettext_lazy("cursos previos"),
        blank=True,
        symmetrical=False,
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
            heading=gettext_lazy("Ficha del curso"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("completion_min_score"),
                FieldPanel("completion_min_attendance"),
                FieldPanel("prerequisites"),
            ],
            heading=gettext_lazy("Regla de aprobación y requisitos"),
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
        verbose_name = gettext_lazy("curso")
        permissions = [
            (
                "release_course",
                gettext_lazy("Puede publicar cursos de la ciudad en las localidades"),
            ),
            (
                "hide_city_course",
                gettext_lazy("Puede ocultar o mostrar cursos de la ciudad aquí"),
            ),
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

    # Plugged in by CoursesConfig.ready (courses.page_context): the topic
    # modules it uses query these models, so they cannot be imported here.
    page_context: ClassVar[Callable[[CoursePage, HttpRequest], dict[str, Any]]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(type(self).page_context(self, request))
        return context


class ModulePage(_CityCopyAware, Page):
    """A module of a course: an ordered group of lessons."""

    # Indexed by courses.derived_indexes (once per release's copy).
    search_auto_update = False

    key = models.SlugField(
        gettext_lazy("clave del módulo"), max_length=120, unique=True
    )
    summary = models.TextField(gettext_lazy("resumen"), max_length=600, blank=True)
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=gettext_lazy("módulos previos"),
        blank=True,
        symmetrical=False,
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
        verbose_name = gettext_lazy("módulo")

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

    # Indexed by courses.derived_indexes (once per release's copy).
    search_auto_update = False

    key = models.SlugField(
        gettext_lazy("clave de la lección"), max_length=160, unique=True
    )
    # Built on first use, after every app registered its blocks (lesson_blocks).
    body = StreamField(
        LessonBodyBlock, verbose_name=gettext_lazy("contenido"), blank=True
    )
    is_required = models.BooleanField(
        gettext_lazy("obligatoria para aprobar"), default=True
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("minutos estimados"), default=15, validators=[MinValueValidator(1)]
    )
    is_retired = models.BooleanField(
        gettext_lazy("retirada"), default=False, editable=False
    )

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
        verbose_name = gettext_lazy("lección")
        verbose_name_plural = gettext_lazy("lecciones")

    def belongs_to_city_copy(self) -> bool:
        course = CoursePage.objects.ancestor_of(self).first()
        return bool(course and course.is_city_copy)

    def clean(self):
        super().clean()
        problems = quizzes.assign_quiz_keys(self)
        problems += self._quiz_keys_used_elsewhere()
        # Activities other apps add (the open-data labs) check their own keys.
        problems += run_lesson_checks(self, self._lessons_sharing_no_keys())
        if problems:
            raise ValidationError(problems)

    def _lessons_sharing_no_keys(self):
        """The live lessons here whose activity keys this one must not reuse."""
        others = LessonPage.objects.live().exclude(pk=self.pk)
        course = CoursePage.objects.ancestor_of(self).first() if self.path else None
        if course is not None and course.is_city_copy:
            # A release may move an activity between lessons of the course; the
            # campus checked its keys. Local lessons must still not share them.
            others = others.exclude(path__startswith=course.path)
        return others

    def _quiz_keys_used_elsewhere(self) -> list[str]:
        """A quiz key names one quiz: another live lesson here must not reuse it."""
        quiz_list = quizzes.lesson_quizzes(self)
        if not quiz_list:
            return []
        others = self._lessons_sharing_no_keys()
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
                    _(
                        "La clave «%(key)s» del cuestionario «%(quiz)s» ya la usa un "
                        "cuestionario de la lección «%(lesson)s». Borre la clave para "
                        "que se genere una nueva, o quite primero el cuestionario de "
                        "esa lección."
                    )
                    % {"key": quiz["key"], "quiz": quiz["title"], "lesson": taken.title}
                )
        return problems

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("cuestionario"):
            return quizzes.answer_quiz(self, request)
        return super().serve(request, *args, **kwargs)

    # Plugged in by CoursesConfig.ready, as CoursePage.page_context.
    page_context: ClassVar[Callable[[LessonPage, HttpRequest], dict[str, Any]]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(type(self).page_context(self, request))
        return context


class LearningPathPage(_CityCopyAware, Page):
    """A "ruta de formación": courses to take in order."""

    # Indexed by courses.derived_indexes (once per release's copy).
    search_auto_update = False

    key = models.SlugField(gettext_lazy("clave de la ruta"), max_length=80, unique=True)
    intro = RichTextField(gettext_lazy("presentación"), blank=True)
    is_city_copy = models.BooleanField(default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("key"),
        FieldPanel("intro"),
        InlinePanel("path_courses", label=gettext_lazy("cursos de la ruta"), min_num=1),
    ]
    parent_page_types = ["portal.LocalityHomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = gettext_lazy("ruta de formación")
        verbose_name_plural = gettext_lazy("rutas de formación")

    # Plugged in by CoursesConfig.ready, as CoursePage.page_context.
    page_context: ClassVar[Callable[[LearningPathPage, HttpRequest], dict[str, Any]]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(type(self).page_context(self, request))
        return context

    def belongs_to_city_copy(self) -> bool:
        return self.is_city_copy


class LearningPathCourse(Orderable):
    path = ParentalKey(
        LearningPathPage, related_name="path_courses", on_delete=models.CASCADE
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("course")]
