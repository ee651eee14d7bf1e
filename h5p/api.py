"""Python API of H5P: check and install packages, find content, play it.

Invariants:
- A package is checked completely (malware scan when configured, archive safety,
  H5P structure, SVG images) before any file is written; a refused package
  writes nothing and changes nothing that was uploaded before.
- Libraries are stored once per version (major.minor) in the locality and shared
  by every content that needs them. Installing a library that is not stored yet
  (or a newer patch of one) needs the permission ``h5p.add_library``.
- Learner progress is recorded by ``lms.learning`` under ``h5p:<content key>``.
- Everything acts on the active locality's schema and media folder.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lms.learning import api as learning_api

from . import scanning, storage
from .blocks import H5PActivityBlock
from .data import H5PContentData, PlayerPaths
from .failures import record_start_failure
from .models import H5PContent as _H5PContent
from .models import H5PLibrary as _H5PLibrary
from .validation import (
    Issue,
    Limits,
    PackageRefused,
    ValidatedPackage,
    validate_package,
)

__all__ = [
    "ADD_LIBRARY_PERMISSION",
    # The lesson body's block (courses builds lesson StreamFields with it).
    "H5PActivityBlock",
    "H5PContentData",
    "Issue",
    "PackageRefused",
    "PlayerPaths",
    "check_package",
    "content_id",
    "export_package",
    "get_content",
    "get_content_by_id",
    "install_package",
    "may_add_libraries",
    "player_paths",
    "record_start_failure",
    "record_xapi",
    "save_resume_state",
    "scanning_enabled",
    "upload_package",
]

ADD_LIBRARY_PERMISSION = "h5p.add_library"


def scanning_enabled() -> bool:
    """Whether packages are scanned for malware (``H5P_CLAMAV_URL`` is set)."""
    return bool(getattr(settings, "H5P_CLAMAV_URL", ""))


def may_add_libraries(user: Any) -> bool:
    """Whether the person may install libraries that are not stored yet."""
    return bool(user and user.has_perm(ADD_LIBRARY_PERMISSION))


def _limits() -> Limits:
    major, minor = settings.H5P_CORE_API_VERSION
    return Limits(
        max_files=settings.H5P_MAX_FILES,
        max_file_size=settings.H5P_MAX_FILE_SIZE,
        max_total_size=settings.H5P_MAX_TOTAL_SIZE,
        max_compression_ratio=settings.H5P_MAX_COMPRESSION_RATIO,
        core_api=(major, minor),
    )


def _stored_patches() -> dict[tuple[str, int, int], int]:
    return {
        (name, major, minor): patch
        for name, major, minor, patch in _H5PLibrary.objects.values_list(
            "machine_name", "major_version", "minor_version", "patch_version"
        )
    }


def check_package(
    data: bytes, *, name: str, may_add_libraries: bool
) -> ValidatedPackage:
    """Scan and validate a package; raise ``PackageRefused`` with every fault.

    Nothing is written. ``may_add_libraries`` says whether the uploader may
    install libraries the locality does not have yet.
    """
    url = getattr(settings, "H5P_CLAMAV_URL", "")
    if url:
        try:
            found = scanning.scan_bytes(url, data)
        except scanning.ScanUnavailable as exc:
            raise PackageRefused(
                name,
                [
                    Issue(
                        name,
                        _("%(reason)s Intente de nuevo más tarde.") % {"reason": exc},
                    )
                ],
            ) from exc
        if found:
            raise PackageRefused(
                name,
                [
                    Issue(
                        name,
                        _(
                            "el antivirus encontró software malicioso (%(found)s); "
                            "no se instaló nada."
                        )
                        % {"found": found},
                    )
                ],
            )
    stored = _stored_patches()
    package = _validate(data, name=name, stored=stored)
    new = _new_libraries(package, stored)
    if new and not may_add_libraries:
        raise PackageRefused(
            name,
            [
                Issue(
                    name,
                    _(
                        "trae librerías que esta localidad no tiene (%(libraries)s); "
                        "solo quien tiene el permiso «Puede instalar librerías H5P "
                        "nuevas» (formadores) puede subirlo."
                    )
                    % {"libraries": ", ".join(lib.folder for lib in new)},
                )
            ],
        )
    return package


def _validate(
    data: bytes, *, name: str, stored: dict[tuple[str, int, int], int]
) -> ValidatedPackage:
    return validate_package(
        data, name=name, limits=_limits(), is_installed=lambda key: key in stored
    )


def _new_libraries(
    package: ValidatedPackage, stored: dict[tuple[str, int, int], int]
) -> list:
    return [
        lib
        for lib in package.libraries
        if lib.key not in stored or stored[lib.key] < lib.patch
    ]


def install_package(
    package: ValidatedPackage,
    *,
    title: str = "",
    key: str = "",
    uploaded_by_id: int | None = None,
) -> H5PContentData:
    """Unpack a checked package into the locality: new libraries, then content.

    Libraries already stored in the same or a newer patch are reused. Files are
    placed before the rows are written and removed again if anything fails.
    """
    key = key or uuid.uuid4().hex
    with storage.installation() as work, transaction.atomic():
        stored = _stored_patches()
        new = _new_libraries(package, stored)
        for lib in new:
            work.add_library(lib)
            _H5PLibrary.objects.update_or_create(
                machine_name=lib.machine_name,
                major_version=lib.major,
                minor_version=lib.minor,
                defaults={
                    "patch_version": lib.patch,
                    "title": str(lib.metadata.get("title", "")),
                    "runnable": bool(lib.metadata.get("runnable")),
                    "metadata": lib.metadata,
                },
            )
        work.add_content(key, package)
        content = _H5PContent.objects.create(
            key=key,
            title=(title or package.title)[:255],
            main_library=package.main_library,
            h5p_json=package.h5p_json,
            package_name=package.name[:255],
            package_sha256=package.sha256,
            package_size=package.size,
            malware_scanned=scanning_enabled(),
            uploaded_by_id=uploaded_by_id,
        )
        # Packaged libraries, plus the stored ones a content-only package names.
        wanted = {lib.key for lib in package.libraries} | _declared(package)
        used = [
            lib_id
            for lib_id, name, major, minor in _H5PLibrary.objects.values_list(
                "id", "machine_name", "major_version", "minor_version"
            )
            if (name, major, minor) in wanted
        ]
        content.libraries.set(used)
    return _to_data(content, new=tuple(lib.folder for lib in new))


def _declared(package: ValidatedPackage) -> set[tuple[str, int, int]]:
    return {
        (dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"]))
        for dep in package.h5p_json.get("preloadedDependencies", [])
    }


def upload_package(
    data: bytes,
    *,
    name: str,
    may_add_libraries: bool,
    title: str = "",
    key: str = "",
    uploaded_by_id: int | None = None,
) -> H5PContentData:
    """Check then install a package (``check_package`` + ``install_package``)."""
    package = check_package(data, name=name, may_add_libraries=may_add_libraries)
    return install_package(package, title=title, key=key, uploaded_by_id=uploaded_by_id)


def get_content(key: str) -> H5PContentData | None:
    """Uploaded content by its stable key, or None."""
    content = _H5PContent.objects.filter(key=key).first()
    return _to_data(content) if content else None


def get_content_by_id(content_pk: int) -> H5PContentData | None:
    """Uploaded content by database id (what lesson blocks store), or None."""
    content = _H5PContent.objects.filter(pk=content_pk).first()
    return _to_data(content) if content else None


def content_id(key: str) -> int | None:
    """Database id of the content with this key in the active locality, if any.

    Lesson blocks store this id (they are snippet choosers); a course copy uses it
    to point the locality's lessons at the locality's own copy of the activity.
    """
    return _H5PContent.objects.filter(key=key).values_list("pk", flat=True).first()


def export_package(key: str) -> bytes:
    """Rebuild an ``.h5p`` package of stored content: h5p.json, content, libraries.

    Used to copy a campus activity into a locality (a course release), where it is
    checked and installed again like any upload, under the same key.
    """
    content = _H5PContent.objects.prefetch_related("libraries").get(key=key)
    root = storage.h5p_root()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("h5p.json", json.dumps(content.h5p_json, ensure_ascii=False))
        stored = root / "content" / key
        originals = set(storage.walk(stored / storage.ORIGINALS / "content"))
        for name in storage.walk(stored / "content"):
            # A resized picture goes back as the package had it.
            source = stored / storage.ORIGINALS if name in originals else stored
            with default_storage.open(str(source / "content" / name), "rb") as handle:
                archive.writestr(f"content/{name}", handle.read())
        for library in content.libraries.all():
            folder = f"{library.machine_name}-{library.major_version}.{library.minor_version}"
            _add_tree(archive, root / "libraries" / folder, folder)
    return buffer.getvalue()


def _add_tree(archive: zipfile.ZipFile, folder: PurePosixPath, prefix: str) -> None:
    for name in storage.walk(folder):
        with default_storage.open(str(folder / name), "rb") as handle:
            archive.writestr(f"{prefix}/{name}", handle.read())


def player_paths(key: str) -> PlayerPaths:
    """Where the standalone player finds the content's files (see views.files)."""
    base = "/h5p/archivos"
    return PlayerPaths(
        h5p_json_path=f"{base}/content/{key}",
        content_json_path=f"{base}/content/{key}/content",
        libraries_path=f"{base}/libraries",
    )


def record_xapi(
    user_id: int, key: str, statements: list[dict[str, Any]]
) -> learning_api.RecordResult:
    """Store the learner's xAPI statements for the content (idempotent by id)."""
    return learning_api.record_statements(
        user_id, statements, activity_key=f"h5p:{key}"
    )


def save_resume_state(
    user_id: int, key: str, *, state: str
) -> learning_api.ActivityStateData:
    """Keep the player's state so the learner resumes where they left off."""
    return learning_api.save_resume_state(user_id, f"h5p:{key}", state=state)


def _to_data(content: _H5PContent, *, new: tuple[str, ...] = ()) -> H5PContentData:
    return H5PContentData(
        key=content.key,
        title=content.title,
        main_library=content.main_library,
        activity_key=content.activity_key,
        library_folders=tuple(lib.folder for lib in content.libraries.all()),
        new_libraries=new,
        malware_scanned=content.malware_scanned,
    )
