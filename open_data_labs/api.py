"""Python API of the open-data labs: the only module other apps import (with data.py).

Datasets and their pinned snapshots, per locality (and at the city campus), and
learner queries on them: the guided builder's steps or SQL text, run read-only
and bounded on one pinned version (``run_query``; ADR 0024).

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
- A learner query runs alone in a locked DuckDB connection that sees only the
  version's file as the table ``datos``: no other file, URL, extension or
  setting, a time, memory, thread and row limit; a refusal is ``QueryRefused``
  with a Spanish message and a ``QueryProblem``.
- Everything acts on the active locality's schema and storage; datasets are open
  data (public pages), changes need ``MANAGE_PERMISSION`` there.
"""

from __future__ import annotations

from typing import Any

from .builder_url import builder_from_params, builder_to_params
from .data import (
    MEASURE_SORT,
    TABLE_NAME,
    BuilderQuery,
    CheckKind,
    ColumnData,
    ColumnType,
    CompiledQuery,
    DatasetData,
    Filter,
    FilterOp,
    Flag,
    FlagKind,
    LabOutcome,
    LabProperty,
    Measure,
    Origin,
    QueryColumn,
    QueryProblem,
    QueryResult,
    QuestionOutcome,
    SnapshotData,
    SnapshotProfile,
    StepExplanation,
    TablePreview,
    TurnSuggestion,
)
from .engine import CorruptSnapshot
from .lab_blocks import prepare_lab_block
from .lab_checks import LabRefused
from .labs import get_lab, lab_activity_key, prepare_lab, submit_lab
from .portals import (
    CKAN_BOGOTA,
    SOCRATA_COLOMBIA,
    PortalError,
    import_ckan,
    import_socrata,
)
from .profiling import format_number
from .queries import compile_query, run_query
from .reading import DataFileRefused, check_upload_size
from .refusals import QueryRefused
from .reshaping import (
    ReshapeRefused,
    get_profile,
    preview_snapshot,
    preview_turn,
    retype_column,
    suggest_turn,
    turn_table,
)
from .shared_results import (
    SIGNATURE_PARAM,
    NotASharedResult,
    is_signed_sql,
    public_result_url,
    rerun_url,
    shared_result,
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
    "MEASURE_SORT",
    "SIGNATURE_PARAM",
    "SOCRATA_COLOMBIA",
    "TABLE_NAME",
    "BuilderQuery",
    "CheckKind",
    "ColumnData",
    "ColumnType",
    "CompiledQuery",
    "CorruptSnapshot",
    "DataFileRefused",
    "DatasetData",
    "DatasetNotFound",
    "Filter",
    "FilterOp",
    "Flag",
    "FlagKind",
    "LabOutcome",
    "LabProperty",
    "LabRefused",
    "Measure",
    "NotASharedResult",
    "Origin",
    "PortalError",
    "QueryColumn",
    "QueryProblem",
    "QueryRefused",
    "QueryResult",
    "QuestionOutcome",
    "ReshapeRefused",
    "SnapshotData",
    "SnapshotProfile",
    "StepExplanation",
    "TablePreview",
    "TurnSuggestion",
    "builder_from_params",
    "builder_to_params",
    "check_upload_size",
    "compile_query",
    "create_dataset",
    "format_number",
    "get_dataset",
    "get_lab",
    "get_profile",
    "get_snapshot",
    "import_ckan",
    "import_socrata",
    "is_signed_sql",
    "lab_activity_key",
    "list_datasets",
    "list_snapshots",
    "may_manage_datasets",
    "prepare_lab",
    "prepare_lab_block",
    "preview_snapshot",
    "preview_turn",
    "public_result_url",
    "rerun_url",
    "retype_column",
    "run_query",
    "shared_result",
    "snapshot_path",
    "submit_lab",
    "suggest_turn",
    "turn_table",
    "upload_snapshot",
]

# Adding a version (upload, import, turn, type correction) and creating datasets.
MANAGE_PERMISSION = "open_data_labs.add_snapshot"


def may_manage_datasets(user: Any) -> bool:
    """Whether the person may add datasets and versions in the active locality."""
    return bool(user and user.is_authenticated and user.has_perm(MANAGE_PERMISSION))
