from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataLabsConfig(AppConfig):
    name = "open_data_labs"
    verbose_name = _("Laboratorios de datos abiertos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from courses import api as courses_api

        from .lab_blocks import LabBlock, on_page_published
        from .lab_keys import lab_keys_used_elsewhere
        from .labs import LAB_BLOCK_NAME

        # Courses sit below the labs (pyproject's layers): they cannot import
        # this block, so it is offered to lesson bodies from here.
        courses_api.register_lesson_block(LAB_BLOCK_NAME, LabBlock())
        # A lab key names one lab: the lesson's validation refuses a key that
        # another live lesson (or another lab of the same lesson) uses.
        courses_api.register_lesson_check(lab_keys_used_elsewhere)
        # Every publish of a lesson (admin, code, a release applied in a
        # locality) keeps its labs here, with their expected answers.
        page_published.connect(
            on_page_published, dispatch_uid="open_data_labs.lab_blocks.published"
        )
