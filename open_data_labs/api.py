"""Python API of the open-data labs: the only module other apps import (with data.py).

Datasets and their pinned snapshots, per locality (and at the city campus).

Invariants:
- A snapshot is immutable: one Parquet file in Django's default storage (the
  locality's prefix), named by a fresh uuid and identified by its SHA-256, with
  its row and column counts, column types, source URL, licence and date. Every
  change (a newer file, an import, a turned table, a corrected type) is a new
  version; an exercise that names version n always runs on the same rows.
- A file or portal answer is checked completely before anything is stored; a
  refusal (``DataFileRefused``, ``PortalError``, ``ReshapeRefused``) carries a
  Spanish message that says what is wrong and how to fix it, and stores nothing.
- The file is stored before its row is written and deleted again if the row
  cannot be written, so no row points at a missing file.
- Everything acts on the active locality's schema and storage; datasets are open
  data (public pages), changes need ``MANAGE_PERMISSION`` there.
"""

from __future__ import annotations

from typing import Any

from .data import (
    ColumnData,
    ColumnType,
    DatasetData,
    Flag,
    FlagKind,
    Origin,
    SnapshotData,
    SnapshotProfile,
    TablePreview,
    TurnSuggestion,
)
from .engine import CorruptSnapshot
from .portals import (
    CKAN_BOGOTA,
    SOCRATA_COLOMBIA,
    PortalError,
    import_ckan,
    import_socrata,
)
from .profiling import format_number
from .reading import DataFileRefused, check_upload_size
from .reshaping import (
    ReshapeRefused,
    get_profile,
    preview_snapshot,
    preview_turn,
    retype_column,
    suggest_turn,
    turn_table,
)
from .snapshots import (
    DatasetNotFound,
    create_dataset,
    get_dataset,
    get_snapshot,
    list_datasets,
    list_snapshots,
    snapshot_path,
    upload_snapshot,
)

__all__ = [
    "CKAN_BOGOTA",
    "MANAGE_PERMISSION",
    "SOCRATA_COLOMBIA",
    "ColumnData",
    "ColumnType",
    "CorruptSnapshot",
    "DataFileRefused",
    "DatasetData",
    "DatasetNotFound",
    "Flag",
    "FlagKind",
    "Origin",
    "PortalError",
    "ReshapeRefused",
    "SnapshotData",
    "SnapshotProfile",
    "TablePreview",
    "TurnSuggestion",
    "check_upload_size",
    "create_dataset",
    "format_number",
    "get_dataset",
    "get_profile",
    "get_snapshot",
    "import_ckan",
    "import_socrata",
    "list_datasets",
    "list_snapshots",
    "may_manage_datasets",
    "preview_snapshot",
    "preview_turn",
    "retype_column",
    "snapshot_path",
    "suggest_turn",
    "turn_table",
    "upload_snapshot",
]

# Adding a version (upload, import, turn, type correction) and creating datasets.
MANAGE_PERMISSION = "open_data_labs.add_snapshot"


def may_manage_datasets(user: Any) -> bool:
    """Whether the person may add datasets and versions in the active locality."""
    return bool(user and user.is_authenticated and user.has_perm(MANAGE_PERMISSION))
