"""Datasets and pinned snapshots: typed Parquet in storage, then the row.

Order of a new version, all or nothing:
1. the table is read and typed in DuckDB and written as Parquet in a temporary
   folder, its SHA-256 computed and its profile built (nothing stored yet);
2. the file is saved through Django's default storage under a fresh name
   (``open_data/<dataset>/<uuid>.parquet``, inside the locality's prefix);
3. the row is written in a transaction that locks the dataset and takes the
   next version number; if that fails, the stored file is deleted again.
A failure before step 2 stores nothing; after it, the clean-up removes the file.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import profiling
from .data import ColumnData, ColumnType, DatasetData, Origin, SnapshotData
from .engine import connect, file_sha256, literal, local_copy
from .limits import cache_dir, int_limit
from .models import Dataset as _Dataset
from .models import Snapshot as _Snapshot
from .reading import DataFileRefused, read_file
from .typed_tables import Builder, typed_from_raw

__all__ = [
    "DatasetNotFound",
    "Provenance",
    "create_dataset",
    "get_dataset",
    "get_snapshot",
    "list_datasets",
    "list_snapshots",
    "local_path",
    "snapshot_path",
    "store_table",
    "upload_snapshot",
]

# Fills the DuckDB table "typed" in the connection; returns its columns and notes.


class DatasetNotFound(LookupError):
    """No dataset (or version) with that key in the active locality."""


class Provenance:
    """Where a version comes from: shown on its page and kept with its row."""

    def __init__(
        self,
        *,
        origin: Origin,
        detail: str = "",
        source_url: str = "",
        licence: str | None = None,
        retrieved_on: date | None = None,
        derived_from: int | None = None,
        created_by_id: int | None = None,
    ):
        self.origin = origin
        self.detail = detail
        self.source_url = source_url
        self.licence = licence
        self.retrieved_on = retrieved_on or timezone.localdate()
        self.derived_from = derived_from
        self.created_by_id = created_by_id


def create_dataset(
    title: str,
    *,
    key: str = "",
    description: str = "",
    licence: str = "",
    source_url: str = "",
    publisher: str = "",
    created_by_id: int | None = None,
) -> DatasetData:
    """Create a dataset (no version yet); ``key`` defaults to a slug of the title."""
    base = slugify(key or title)[:70] or "datos"
    key, n = base, 2
    while _Dataset.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    dataset = _Dataset.objects.create(
        key=key,
        title=title.strip()[:255],
        description=description,
        licence=licence[:255],
        source_url=source_url,
        publisher=publisher[:255],
        created_by_id=created_by_id,
    )
    return _dataset_data(dataset)


def get_dataset(key: str) -> DatasetData:
    dataset = _Dataset.objects.filter(key=key).first()
    if dataset is None:
        raise DatasetNotFound(key)
    return _dataset_data(dataset)


def list_datasets() -> list[DatasetData]:
    """Every dataset of the active locality, by title, with its latest version."""
    rows = _Dataset.objects.annotate(latest=Max("snapshots__version")).order_by(
        "title", "key"
    )
    return [_dataset_data(d) for d in rows]


def list_snapshots(dataset_key: str) -> list[SnapshotData]:
    """The dataset's versions, newest first."""
    return [
        _snapshot_data(s)
        for s in _Snapshot.objects.filter(dataset__key=dataset_key)
        .select_related("dataset", "derived_from")
        .order_by("-version")
    ]


def get_snapshot(dataset_key: str, version: int | None = None) -> SnapshotData:
    """One version (the latest when ``version`` is None); ``DatasetNotFound`` else."""
    return _snapshot_data(_snapshot_row(dataset_key, version))


def _snapshot_row(dataset_key: str, version: int | None) -> _Snapshot:
    rows = _Snapshot.objects.filter(dataset__key=dataset_key).select_related(
        "dataset", "derived_from"
    )
    row = (
        rows.filter(version=version).first()
        if version is not None
        else rows.order_by("-version").first()
    )
    if row is None:
        raise DatasetNotFound(f"{dataset_key} v{version}")
    return row


def snapshot_path(dataset_key: str, version: int) -> Path:
    """A local, hash-checked copy of the version's Parquet (read-only use)."""
    row = _snapshot_row(dataset_key, version)
    return local_copy(row.storage_name, row.sha256)


def local_path(snapshot: SnapshotData) -> Path:
    """``snapshot_path`` of a version already read (no second read of its row)."""
    return local_copy(snapshot.storage_name, snapshot.sha256)


def upload_snapshot(
    dataset_key: str,
    data: bytes,
    *,
    filename: str,
    source_url: str = "",
    licence: str | None = None,
    retrieved_on: date | None = None,
    created_by_id: int | None = None,
) -> SnapshotData:
    """Read a CSV, XLSX or Parquet file into a new version of the dataset.

    Raises ``DataFileRefused`` (Spanish message) and stores nothing when the file
    cannot be read.
    """
    get_dataset(dataset_key)
    provenance = Provenance(
        origin=Origin.UPLOAD,
        detail=filename[:500],
        source_url=source_url,
        licence=licence,
        retrieved_on=retrieved_on,
        created_by_id=created_by_id,
    )
    with tempfile.TemporaryDirectory(prefix="datos-") as folder:
        raw = read_file(data, filename=filename, folder=Path(folder))
        return store_table(dataset_key, typed_from_raw(raw), provenance)


def store_table(
    dataset_key: str, build: Builder, provenance: Provenance
) -> SnapshotData:
    """Build the table "typed" with ``build``, then store it as the next version."""
    with tempfile.TemporaryDirectory(prefix="datos-") as folder:
        out = Path(folder) / "snapshot.parquet"
        with connect() as con:
            columns, notes = build(con)
            rows = int(con.execute("SELECT count(*) FROM typed").fetchone()[0])
            if rows == 0:
                raise DataFileRefused(_("La tabla no tiene filas de datos."))
            if rows > int_limit("OPEN_DATA_MAX_ROWS"):
                raise DataFileRefused(
                    _(
                        "La tabla tiene %(rows)s filas; el máximo es %(max)s. Filtre "
                        "las que necesita."
                    )
                    % {
                        "rows": profiling.format_number(rows),
                        "max": profiling.format_number(int_limit("OPEN_DATA_MAX_ROWS")),
                    }
                )
            con.execute(
                f"COPY typed TO {literal(str(out))} "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            )
            table = f"read_parquet({literal(str(out))})"
            profile = profiling.compute_profile(con, table, columns)
        sha256 = file_sha256(out)
        stored = _save(dataset_key, out)
        try:
            snapshot = _write_row(
                dataset_key,
                stored,
                out,
                sha256=sha256,
                rows=rows,
                columns=columns,
                notes=notes,
                provenance=provenance,
                profile=profiling.profile_to_json(profile),
            )
        except BaseException:
            default_storage.delete(stored)
            raise
        # The file is local already: keep it as the cached copy.
        cached = cache_dir() / f"{sha256}.parquet"
        if not cached.exists():
            shutil.copyfile(out, cached)
    return snapshot


def _save(dataset_key: str, path: Path) -> str:
    name = f"open_data/{dataset_key}/{uuid.uuid4().hex}.parquet"
    with path.open("rb") as handle:
        return default_storage.save(name, File(handle, name=path.name))


@transaction.atomic
def _write_row(
    dataset_key: str,
    stored: str,
    path: Path,
    *,
    sha256: str,
    rows: int,
    columns: list[ColumnData],
    notes: list[str],
    provenance: Provenance,
    profile: dict,
) -> SnapshotData:
    dataset = _Dataset.objects.select_for_update().get(key=dataset_key)
    last = dataset.snapshots.aggregate(v=Max("version"))["v"] or 0
    derived = (
        dataset.snapshots.get(version=provenance.derived_from)
        if provenance.derived_from
        else None
    )
    snapshot = _Snapshot.objects.create(
        dataset=dataset,
        version=last + 1,
        storage_name=stored,
        sha256=sha256,
        size_bytes=path.stat().st_size,
        row_count=rows,
        column_count=len(columns),
        columns=[
            {"name": c.name, "type": c.type.value, "unit": c.unit} for c in columns
        ],
        source_url=provenance.source_url or dataset.source_url,
        licence=(
            provenance.licence if provenance.licence is not None else dataset.licence
        )[:255],
        retrieved_on=provenance.retrieved_on,
        origin=provenance.origin.value,
        origin_detail=provenance.detail[:500],
        notes=notes,
        derived_from=derived,
        profile=profile,
        created_by_id=provenance.created_by_id,
    )
    return _snapshot_data(snapshot)


def _dataset_data(dataset: _Dataset) -> DatasetData:
    # ``list_datasets`` annotates ``latest``; a single dataset asks for it.
    if hasattr(dataset, "latest"):
        latest = dataset.latest
    else:
        latest = dataset.snapshots.aggregate(v=Max("version"))["v"]
    return DatasetData(
        key=dataset.key,
        title=dataset.title,
        description=dataset.description,
        licence=dataset.licence,
        source_url=dataset.source_url,
        publisher=dataset.publisher,
        latest_version=latest,
        created_at=dataset.created_at,
    )


def columns_of(raw: list[dict]) -> tuple[ColumnData, ...]:
    return tuple(
        ColumnData(name=c["name"], type=ColumnType(c["type"]), unit=c.get("unit", ""))
        for c in raw
    )


def _snapshot_data(snapshot: _Snapshot) -> SnapshotData:
    return SnapshotData(
        dataset_key=snapshot.dataset.key,
        dataset_title=snapshot.dataset.title,
        version=snapshot.version,
        sha256=snapshot.sha256,
        size_bytes=snapshot.size_bytes,
        row_count=snapshot.row_count,
        column_count=snapshot.column_count,
        columns=columns_of(snapshot.columns),
        source_url=snapshot.source_url,
        licence=snapshot.licence,
        retrieved_on=snapshot.retrieved_on,
        origin=Origin(snapshot.origin),
        origin_detail=snapshot.origin_detail,
        notes=tuple(snapshot.notes),
        derived_from_version=(
            snapshot.derived_from.version if snapshot.derived_from else None
        ),
        created_at=snapshot.created_at,
        storage_name=snapshot.storage_name,
    )
