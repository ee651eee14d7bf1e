"""Pages a release writes in a locality's tree: the home page they hang from,
course pages matched by key (never taking over another course's page), module
prerequisites and the campus learning paths a course is in.

Used by ``publishing`` (applying a snapshot) and ``authoring`` (the home page).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Site
from wagtail.signals import page_published

from .models import (
    CoursePage,
    LearningPathCourse,
    LearningPathPage,
    LessonPage,
    ModulePage,
)

__all__ = [
    "CopiedPages",
    "KeyConflict",
    "add_live_child",
    "link_prerequisites",
    "locality_home_page",
    "publish_quietly",
    "set_fields",
    "sync_learning_paths",
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


class CopiedPages:
    """The modules and lessons a snapshot names, as they are in this locality,
    read in two queries instead of one or two per page.

    The instances are saved again as the copy goes, so they must stay what
    the database holds: a page moved to another module changes the paths and
    child counts of others, and everything is read again after a move.
    """

    def __init__(self, course, snapshot: dict[str, Any]) -> None:
        self.course = course
        self._keys = {
            ModulePage: [m["key"] for m in snapshot["modules"]],
            LessonPage: [
                lesson["key"]
                for module in snapshot["modules"]
                for lesson in module["lessons"]
            ],
        }
        # Per parent: the last child added so far (the next one's path follows
        # it) and how many were added since the parent's child count was written.
        self._last_child: dict[int, Any] = {}
        self._added: dict[int, int] = {}
        self._read()

    def _read(self) -> None:
        self._found = {
            model: {page.key: page for page in model.objects.filter(key__in=keys)}
            for model, keys in self._keys.items()
        }

    def has(self, model, key: str) -> bool:
        return key in self._found[model]

    def upsert(self, parent, model, data: dict[str, Any], names: list[str]):
        """The page with ``data["key"]`` under ``parent``, added or updated live."""
        page = self._found[model].get(data["key"])
        if page is not None and not page.is_descendant_of(self.course):
            # Never take over a page of another course (e.g. a local one).
            raise KeyConflict(
                _(
                    "La clave «%(key)s» ya la usa otra página de esta localidad "
                    "(%(title)s). Cambie esa clave para recibir el curso de la "
                    "ciudad."
                )
                % {"key": data["key"], "title": page.title}
            )
        values = {name: data[name] for name in names}
        if "body" in data:
            values["body"] = data["body"]
        if page is None:
            page = model(key=data["key"], **values)
            self._add_live_child(parent, page)
            self._found[model][page.key] = page
            return page
        if not _is_child_of(page, parent):
            self.write_child_counts()  # the move reads them
            page.move(parent, pos="last-child")
            self._last_child.clear()
            self._read()  # paths and child counts of other pages changed
            page = self._found[model][data["key"]]
        page._cached_parent_obj = parent  # checked above: no query for it
        set_fields(page, values)
        publish_quietly(page)
        return page

    def _add_live_child(self, parent, page) -> None:
        """``add_live_child`` with the tree's bookkeeping once per parent.

        Treebeard's ``add_child`` locks the parent's row, reads its last child
        and adds one to its child count for every page; a copy adds a
        course's pages in a row under the same few parents, so the lock and
        the read are done once per parent (the lock holds until the copy
        commits) and the counts are written once, by ``write_child_counts``.
        """
        last = self._last_child.get(parent.pk)
        if parent.pk not in self._last_child:
            locked = Page.objects.select_for_update().get(pk=parent.pk)
            last = locked.get_last_child()
            parent.numchild = locked.numchild
        page.depth = parent.depth + 1
        page.path = (
            last._inc_path()
            if last is not None
            else Page._get_path(parent.path, page.depth, 1)
        )
        page._cached_parent_obj = parent
        _mark_live(page)
        _save_copied(page, new=True)
        self._last_child[parent.pk] = page
        self._added[parent.pk] = self._added.get(parent.pk, 0) + 1
        parent.numchild += 1
        page_published.send(sender=page.specific_class, instance=page, revision=None)

    def write_child_counts(self) -> None:
        for pk, added in self._added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + added)
        self._added.clear()


def _is_child_of(page, parent) -> bool:
    # A materialised path: a child's path is its parent's plus one step.
    return page.depth == parent.depth + 1 and page.path.startswith(parent.path)


def add_live_child(parent, page) -> None:
    """Add a new copied page, live at once: one insert, no Wagtail revision."""
    _mark_live(page)
    page.locale_id = parent.locale_id  # Wagtail would read the parent again
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
    _save_copied(page)
    page_published.send(sender=page.specific_class, instance=page, revision=None)


def _save_copied(page, *, new: bool = False) -> None:
    """Wagtail's save with its checks of the fields and of the slug among the
    page's siblings, but not the checks that rows exist (each foreign key) or
    are unique, a query each per page: the database's constraints refuse the
    same, and the copy, one transaction, fails whole, as a failed check would
    make it."""
    if new:
        page.locale_id = page.get_parent().locale_id
        page._is_site_root = False  # a new page (its own translation key)
    relations = [f.name for f in page._meta.concrete_fields if f.is_relation]
    page.full_clean(
        exclude=relations, validate_unique=False, validate_constraints=False
    )
    page.save(clean=False)


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
    # A ParentalManyToManyField's set() only changes the page object in memory
    # (modelcluster writes it on the page's next save); the pages are saved
    # already, so the rows are written here with commit().
    course.prerequisites.set(
        CoursePage.objects.filter(key__in=snapshot["prerequisites"])
    )
    course.prerequisites.commit()
    for module_data in snapshot["modules"]:
        module = ModulePage.objects.get(key=module_data["key"])
        module.prerequisites.set(
            ModulePage.objects.filter(key__in=module_data["prerequisites"])
        )
        module.prerequisites.commit()


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
