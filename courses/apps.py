from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Cursos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenants.signals import locality_provisioned

        from . import page_permissions

        # Runs after lms.portal's receiver (app order), so the home page exists.
        locality_provisioned.connect(
            page_permissions.on_locality_provisioned,
            dispatch_uid="courses.page_permissions",
        )
