from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = gettext_lazy("Cursos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from tenants.signals import locality_provisioned

        from . import page_cache, page_context, page_permissions, quizzes
        from .models import CoursePage, LessonPage

        # The pages' context comes from the topic modules, which query the page
        # models: plugged in here so that the models import none of them.
        CoursePage.page_context = page_context.course_page_context
        LessonPage.page_context = page_context.lesson_page_context

        # Every publish of a lesson (admin, API, scheduled, a release applied in
        # a locality) saves its quizzes to that schema's learning records.
        page_published.connect(
            quizzes.on_lesson_published,
            sender=LessonPage,
            dispatch_uid="courses.quizzes.on_lesson_published",
        )

        # Cached routes, syllabi and lesson bodies follow every change to the
        # page tree, wherever it is made (ADR 0026).
        page_cache.connect()

        # Runs after lms.portal's receiver (app order), so the home page exists.
        locality_provisioned.connect(
            page_permissions.on_locality_provisioned,
            dispatch_uid="courses.page_permissions",
        )
