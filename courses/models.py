"""Courses as Wagtail pages, one page tree per locality.

This first slice holds the course page a locality's catalog lists. Modules,
lessons, learning paths and publishing from the city campus come with the
courses issue (#4).
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class CoursePage(Page):
    """A course offered in this locality; a child of the locality's home page."""

    summary = models.TextField("resumen", max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["portal.LocalityHomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "curso"
