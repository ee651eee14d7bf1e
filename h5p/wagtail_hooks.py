"""Admin wiring: H5P activities as a snippet (upload, list, chooser for lessons)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
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
    list_display = ["title", "main_library", "package_name", "created_at"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [FieldPanel("package"), FieldPanel("title")], base_form_class=H5PUploadForm
    )


register_snippet(H5PContentViewSet)
