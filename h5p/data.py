"""Values the H5P app hands to other apps (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class H5PContentData:
    key: str
    title: str
    main_library: str
    activity_key: str
    library_folders: tuple[str, ...]
    new_libraries: tuple[str, ...]
    malware_scanned: bool


@dataclass(frozen=True, slots=True)
class PlayerPaths:
    """URLs the standalone player needs for one content."""

    h5p_json_path: str
    content_json_path: str
    libraries_path: str
