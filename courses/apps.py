from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = gettext_lazy("Cursos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published

        from tenants.signals import locality_provisioned

        from . import (
            derived_indexes,
            page_cache,
            page_context,
            page_permissions,
            quizzes,
        )
        from .models import CoursePage, LearningPathPage, LessonPage, ModulePage

        # The pages' context comes from the topic modules, which query the page
        # models: plugged in here so that the models import none of them.
        CoursePage.page_context = page_context.course_page_context
        LessonPage.page_context = page_context.lesson_page_context
        LearningPathPage.page_context = page_context.path_page_context

        # Every publish of a lesson (admin, API, scheduled, a release applied in
        # a locality) saves its quizzes to that schema's learning records.
        page_published.connect(
            quizzes.on_lesson_published,
            sender=LessonPage,
            dispatch_uid="courses.quizzes.on_lesson_published",
        )

        # Search entries as Wagtail's own receivers make them, but once per
        # release's copy instead of once per page (the models opt out of
        # Wagtail's with search_auto_update = False).
        for model in (CoursePage, ModulePage, LessonPage, LearningPathPage):
            post_save.connect(
                derived_indexes.index_on_save,
                sender=model,
                dispatch_uid=f"courses.index.save.{model.__name__}",
            )
            post_delete.connect(
                derived_indexes.unindex_on_delete,
                sender=model,
                dispatch_uid=f"courses.index.delete.{model.__name__}",
            )

        # Cached routes, syllabi and lesson bodies follow every change to the
        # page tree, wherever it is made (ADR 0026).
        page_cache.connect()

        # Runs after lms.portal's receiver (app order), so the home page exists.
        locality_provisioned.connect(
            page_permissions.on_locality_provisioned,
            dispatch_uid="courses.page_permissions",
        )
