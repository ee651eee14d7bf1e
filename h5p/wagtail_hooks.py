"""Admin wiring: H5P activities as a snippet (upload, list, chooser for lessons)."""

from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import H5PUploadForm
from .models import H5PContent


class H5PContentViewSet(SnippetViewSet):
    model = H5PContent
    icon = "form"
    menu_label = _("Actividades H5P")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "title",
        "main_library",
        "package_name",
        "created_at",
        # How often learners' browsers reported it would not start (failures.py).
        Column("failed_starts", label=_("Fallos al iniciar")),
    ]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [FieldPanel("package"), FieldPanel("title")], base_form_class=H5PUploadForm
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[H5PContent]:
        # One query for the whole page, not one per row.
        return H5PContent.objects.annotate(failed_starts=Sum("start_failures__count"))


register_snippet(H5PContentViewSet)
