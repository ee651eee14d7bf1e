"""Copying a campus course into a locality: snapshot at the campus, apply there.

A snapshot is plain JSON (it may travel in a task message): the course, its
modules and lessons with their stable keys, StreamField data, and the media they
point at (described by their storage key and hash, since image and document ids
differ between schemas; a worker on any machine opens the key through the storage). Applying a snapshot in a locality runs in one transaction:
either the whole new version is there, or the previous one keeps serving.

Pages are matched by key, never by id, so a lesson keeps its identity (and
learners their progress) from one version to the next. A lesson the new version
no longer has is retired (marked, left out of the syllabus), not deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from h5p import api as h5p_api
from tenants import api as tenants_api

from . import derived_indexes, page_cache
from .learning_rule import sync_learning_rule
from .locality_pages import (
    CopiedPages,
    KeyConflict,
    add_live_child,
    link_prerequisites,
    locality_home_page,
    publish_quietly,
    set_fields,
    sync_learning_paths,
)
from .models import (
    CoursePage,
    LearningPathPage,
    LessonPage,
    ModulePage,
)

_COURSE_FIELDS = [
    "title",
    "slug",
    "summary",
    "theme",
    "estimated_hours",
    "language",
    "level",
    "modality",
    "completion_min_score",
    "completion_min_attendance",
    "search_description",
]
_MODULE_FIELDS = ["title", "slug", "summary"]
_LESSON_FIELDS = ["title", "slug", "is_required", "estimated_minutes"]


class LocalityNotReady(RuntimeError):
    """The locality's site is still being set up (no home page yet)."""


@dataclass
class ApplyResult:
    created_lessons: int = 0
    updated_lessons: int = 0
    retired_lessons: list[str] = field(default_factory=list)


# --- Snapshot (runs in the campus schema) -----------------------------------------


def snapshot_course(course: CoursePage) -> dict[str, Any]:
    """Describe a campus course, its live modules and lessons as JSON."""
    media: dict[str, dict[str, Any]] = {}
    modules = []
    for module in ModulePage.objects.child_of(course).live().order_by("path"):
        lessons = []
        for lesson in LessonPage.objects.child_of(module).live().order_by("path"):
            body = lesson.body.get_prep_value()
            _collect_media(body, media)
            lessons.append(
                {
                    "key": lesson.key,
                    **_fields(lesson, _LESSON_FIELDS),
                    "body": body,
                }
            )
        modules.append(
            {
                "key": module.key,
                **_fields(module, _MODULE_FIELDS),
                "prerequisites": list(
                    module.prerequisites.values_list("key", flat=True)
                ),
                "lessons": lessons,
            }
        )
    cover = None
    if course.cover_image_id:
        cover = f"image:{course.cover_image_id}"
        media[cover] = _describe_image(course.cover_image)
    paths = [
        {
            "key": path.key,
            "title": path.title,
            "slug": path.slug,
            "intro": path.intro,
            "course_keys": [item.course.key for item in path.path_courses.all()],
        }
        for path in LearningPathPage.objects.live()
        .filter(path_courses__course=course)
        .distinct()
        .prefetch_related("path_courses__course")
    ]
    return {
        "key": course.key,
        "version": course.version,
        "learning_paths": paths,
        "fields": _fields(course, _COURSE_FIELDS),
        "cover": cover,
        "prerequisites": list(course.prerequisites.values_list("key", flat=True)),
        "modules": modules,
        "media": media,
    }


def _fields(page, names: list[str]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(page, name)
        values[name] = str(value) if name == "estimated_hours" else value
    return values


def _collect_media(
    stream: list[dict[str, Any]], media: dict[str, dict[str, Any]]
) -> None:
    for block in stream:
        value = block.get("value")
        if block["type"] == "h5p" and value:
            media.setdefault(f"h5p:{value}", _describe_activity(value))
            continue
        if block["type"] == "figure" and value.get("image"):
            ref = f"image:{value['image']}"
            media.setdefault(
                ref, _describe_image(get_image_model().objects.get(pk=value["image"]))
            )
        for doc_field in ("document", "captions"):
            if isinstance(value, dict) and value.get(doc_field):
                ref = f"document:{value[doc_field]}"
                media.setdefault(
                    ref,
                    _describe_document(
                        get_document_model().objects.get(pk=value[doc_field])
                    ),
                )


def _describe_image(image) -> dict[str, Any]:
    return {
        "kind": "image",
        "title": image.title,
        "stored": tenants_api.media_key(image.file.name),
        "name": Path(image.file.name).name,
        "hash": image.get_file_hash(),
    }


def _describe_activity(content_pk: int) -> dict[str, Any]:
    """An H5P activity, exported once as a package file the localities install."""
    content = h5p_api.get_content_by_id(content_pk)
    if content is None:
        raise ValueError(f"La actividad H5P {content_pk} ya no existe en el campus.")
    package = h5p_api.export_package(content.key)
    name = f"h5p-exports/{content.key}-{hashlib.sha256(package).hexdigest()[:12]}.h5p"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(package))
    return {
        "kind": "h5p",
        "key": content.key,
        "title": content.title,
        "stored": tenants_api.media_key(name),
    }


def _describe_document(document) -> dict[str, Any]:
    return {
        "kind": "document",
        "title": document.title,
        "stored": tenants_api.media_key(document.file.name),
        "name": Path(document.file.name).name,
        "hash": document.get_file_hash(),
    }


# --- Apply (runs in the locality schema) -------------------------------------------


def apply_snapshot(snapshot: dict[str, Any]) -> ApplyResult:
    """Create or update the course in the active locality from a snapshot.

    H5P activities are installed first, each on its own (checked like any upload,
    under the campus key): an activity left installed by a failed copy is simply
    reused by the next one. Then the pages change in one transaction.
    """
    if locality_home_page() is None:
        raise LocalityNotReady("La localidad aún se está creando.")
    activity_ids = {
        ref: _local_activity_id(info)
        for ref, info in snapshot["media"].items()
        if info["kind"] == "h5p"
    }
    return _apply_pages(snapshot, activity_ids)


def _local_activity_id(info: dict[str, Any]) -> int:
    existing = h5p_api.content_id(info["key"])
    if existing is not None:
        return existing
    with tenants_api.open_media(info["stored"]) as handle:
        package = handle.read()
    h5p_api.upload_package(
        package,
        name=Path(info["stored"]).name,
        may_add_libraries=True,  # the campus already checked who added them
        title=info["title"],
        key=info["key"],
    )
    return h5p_api.content_id(info["key"])


@transaction.atomic
def _apply_pages(snapshot: dict[str, Any], activity_ids: dict[str, int]) -> ApplyResult:
    home = locality_home_page()
    media_ids = {
        ref: _local_media_id(info)
        for ref, info in snapshot["media"].items()
        if info["kind"] != "h5p"
    }
    media_ids.update(activity_ids)
    # Every page of the course is saved here: the search and reference index
    # entries are written once at the end, and the locality's page cache is
    # dropped once (nothing reads it inside this transaction).
    with page_cache.changes_deferred(), derived_indexes.updated_once_per_batch():
        result = _write_pages(home, snapshot, media_ids)
    # The learning records get the new outline and rule in the same transaction.
    sync_learning_rule(snapshot["key"])
    return result


def _write_pages(home, snapshot: dict[str, Any], media_ids: dict[str, int]):
    result = ApplyResult()
    course = CoursePage.objects.filter(key=snapshot["key"]).first()
    if course is None:
        course = CoursePage(key=snapshot["key"], is_city_copy=True)
        set_fields(course, snapshot["fields"])
        course.version = snapshot["version"]
        course.cover_image_id = media_ids.get(snapshot["cover"])
        add_live_child(home, course)
    elif not course.is_city_copy:
        raise KeyConflict(
            _(
                "Esta localidad ya tiene un curso propio con la clave «%(key)s». "
                "Cambie la clave del curso local para recibir el de la ciudad."
            )
            % {"key": course.key}
        )
    else:
        set_fields(course, snapshot["fields"])
        course.version = snapshot["version"]
        course.cover_image_id = media_ids.get(snapshot["cover"])
        publish_quietly(course)

    # Every page the snapshot names, found in two queries (not one per page).
    pages = CopiedPages(course, snapshot)
    wanted_lessons = set()
    for module_data in snapshot["modules"]:
        module = pages.upsert(course, ModulePage, module_data, _MODULE_FIELDS)
        for lesson_data in module_data["lessons"]:
            wanted_lessons.add(lesson_data["key"])
            existed = pages.has(LessonPage, lesson_data["key"])
            lesson_data = {
                **lesson_data,
                "body": _remap_stream(lesson_data["body"], media_ids),
            }
            lesson = pages.upsert(module, LessonPage, lesson_data, _LESSON_FIELDS)
            if lesson.is_retired:
                lesson.is_retired = False
                lesson.save(update_fields=["is_retired"])
            if existed:
                result.updated_lessons += 1
            else:
                result.created_lessons += 1

    pages.write_child_counts()
    for lesson in LessonPage.objects.descendant_of(course).filter(is_retired=False):
        if lesson.key not in wanted_lessons:
            # Kept live: whoever is in it sees a notice and keeps their progress.
            lesson.is_retired = True
            lesson.save(update_fields=["is_retired"])
            result.retired_lessons.append(lesson.key)

    link_prerequisites(course, snapshot)
    sync_learning_paths(home, snapshot.get("learning_paths", []))
    return result


def _remap_stream(stream: list[dict[str, Any]], media_ids: dict[str, int]) -> list:
    remapped = []
    for block in stream:
        value = block.get("value")
        if block["type"] == "h5p" and value:
            value = media_ids[f"h5p:{value}"]
        elif isinstance(value, dict):
            value = dict(value)
            if block["type"] == "figure" and value.get("image"):
                value["image"] = media_ids[f"image:{value['image']}"]
            for doc_field in ("document", "captions"):
                if value.get(doc_field):
                    value[doc_field] = media_ids[f"document:{value[doc_field]}"]
        remapped.append({**block, "value": value})
    return remapped


def _local_media_id(info: dict[str, Any]) -> int:
    """Find the same file in this locality's library (by hash), or copy it in."""
    model = get_image_model() if info["kind"] == "image" else get_document_model()
    existing = model.objects.filter(file_hash=info["hash"]).first()
    if existing:
        return existing.pk
    with tenants_api.open_media(info["stored"]) as handle:
        item = model(title=info["title"])
        # Saved to the active locality's storage folder (per-tenant storage).
        item.file.save(info["name"], File(handle), save=False)
    item.file_hash = info["hash"]
    item.file_size = item.file.size
    if info["kind"] == "image":
        item.width, item.height = _image_size(item)
    item.save()
    return item.pk


def _image_size(image) -> tuple[int, int]:
    with image.get_willow_image() as willow:
        return willow.get_size()
