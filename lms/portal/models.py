"""Site-wide Wagtail pieces: the home page every locality's site starts from.

Presentation only: what the page lists comes from the domain apps' ``api.py``.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction


class LocalityHomePage(Page):
    """Root page of a locality's site (and of the city campus).

    Its children are the courses the locality offers.
    """

    intro = RichTextField(_("presentación"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage", "courses.LearningPathPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("página de inicio de la localidad")

    def get_view_restrictions(self):
        """Restrictions on this home page or the tree's root, in one query.

        A site's home sits right under the root, which is never an alias, so
        Wagtail's own reading of the ancestors (an extra query on every view of
        the busiest page) finds nothing more.
        """
        if self.depth != 2 or self.alias_of_id:
            return super().get_view_restrictions()
        return PageViewRestriction.objects.filter(Q(page_id=self.pk) | Q(page__depth=1))

    def get_context(self, request, *args, **kwargs):
        from .catalog import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request))
        return context
