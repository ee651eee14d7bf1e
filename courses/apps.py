from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = gettext_lazy("Cursos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from tenants.signals import locality_provisioned

        from . import handlers, page_permissions, quizzes
        from .models import LessonPage

        # Every publish of a lesson (admin, API, scheduled, a release applied in
        # a locality) saves its quizzes to that schema's learning records.
        page_published.connect(
            quizzes.on_lesson_published,
            sender=LessonPage,
            dispatch_uid="courses.quizzes.on_lesson_published",
        )

        handlers.connect()

        # Runs after lms.portal's receiver (app order), so the home page exists.
        locality_provisioned.connect(
            page_permissions.on_locality_provisioned,
            dispatch_uid="courses.page_permissions",
        )
