"""Pages a release writes in a locality's tree: the home page they hang from,
course pages matched by key (never taking over another course's page), module
prerequisites and the campus learning paths a course is in.

Used by ``publishing`` (applying a snapshot) and ``authoring`` (the home page).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site
from wagtail.signals import page_published

from .models import CoursePage, LearningPathCourse, LearningPathPage, ModulePage

__all__ = [
    "KeyConflict",
    "add_live_child",
    "link_prerequisites",
    "locality_home_page",
    "publish_quietly",
    "set_fields",
    "sync_learning_paths",
    "upsert_child",
]


class KeyConflict(RuntimeError):
    """The locality already uses the course's key for a course of its own."""


def locality_home_page():
    """The root page of the locality's site (its home), if the site exists yet."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.specific if site else None


def set_fields(page, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(page, name, value)


def upsert_child(course, parent, model, data: dict[str, Any], names: list[str]):
    page = model.objects.filter(key=data["key"]).first()
    if page is not None and not page.is_descendant_of(course):
        # Never take over a page of another course (e.g. a local one).
        raise KeyConflict(
            _(
                "La clave «%(key)s» ya la usa otra página de esta localidad "
                "(%(title)s). Cambie esa clave para recibir el curso de la ciudad."
            )
            % {"key": data["key"], "title": page.title}
        )
    values = {name: data[name] for name in names}
    if "body" in data:
        values["body"] = data["body"]
    if page is None:
        page = model(key=data["key"], **values)
        add_live_child(parent, page)
        return page
    if page.get_parent().pk != parent.pk:
        page.move(parent, pos="last-child")
        page.refresh_from_db()
    set_fields(page, values)
    publish_quietly(page)
    return page


def add_live_child(parent, page) -> None:
    """Add a new copied page, live at once: one insert, no Wagtail revision."""
    _mark_live(page)
    parent.add_child(instance=page)
    page_published.send(sender=page.specific_class, instance=page, revision=None)


def publish_quietly(page) -> None:
    """Make a copied page's new values live, without a Wagtail revision if safe.

    A release is the copy's history (versioned and frozen at the campus), and
    locality staff cannot edit city copies, so a revision per page and
    version would only repeat the campus's. Safe while the page has no draft
    of its own; a page with one (made before copies were read-only) goes
    through Wagtail's revision and publish, which replaces that draft.
    """
    if page.has_unpublished_changes:
        page.save_revision(log_action=False).publish(log_action=None)
        return
    _mark_live(page)
    page.save()
    page_published.send(sender=page.specific_class, instance=page, revision=None)


def _mark_live(page) -> None:
    now = timezone.now()
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.first_published_at or now
    page.last_published_at = now
    # No revision holds these values: the admin shows the page itself, not an
    # older revision made by an earlier copy.
    page.latest_revision = None
    page.live_revision = None


def link_prerequisites(course: CoursePage, snapshot: dict[str, Any]) -> None:
    course.prerequisites.set(
        CoursePage.objects.filter(key__in=snapshot["prerequisites"])
    )
    for module_data in snapshot["modules"]:
        module = ModulePage.objects.get(key=module_data["key"])
        module.prerequisites.set(
            ModulePage.objects.filter(key__in=module_data["prerequisites"])
        )


def sync_learning_paths(home, paths: list[dict[str, Any]]) -> None:
    """Copy the campus paths this course is in, linking the courses the locality has."""
    for data in paths:
        present = {
            c.key: c for c in CoursePage.objects.filter(key__in=data["course_keys"])
        }
        items = [
            LearningPathCourse(course=present[key], sort_order=i)
            for i, key in enumerate(k for k in data["course_keys"] if k in present)
        ]
        path = LearningPathPage.objects.filter(key=data["key"]).first()
        if path is not None and not path.is_city_copy:
            continue  # a local path with the same key stays the locality's own
        if path is None:
            path = LearningPathPage(key=data["key"], is_city_copy=True)
            set_fields(
                path,
                {"title": data["title"], "slug": data["slug"], "intro": data["intro"]},
            )
            path.path_courses = items
            add_live_child(home, path)
        else:
            set_fields(path, {"title": data["title"], "intro": data["intro"]})
            path.path_courses = items
            publish_quietly(path)
