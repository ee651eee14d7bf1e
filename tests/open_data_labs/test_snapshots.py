"""Pinned snapshots: versions, hashes, storage through Django's API, all or nothing."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError

from open_data_labs import api
from open_data_labs.data import Origin
from open_data_labs.models import Snapshot

from .conftest import upload


def test_each_upload_is_a_new_pinned_version(dataset):
    first = upload(dataset.key, "lugar;votos\nKennedy;10\n")
    second = upload(dataset.key, "lugar;votos\nKennedy;12\nBosa;7\n")
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 != second.sha256
    # Version 1 still reads exactly as it was stored.
    assert api.get_snapshot(dataset.key, 1).row_count == 1
    assert api.get_snapshot(dataset.key).version == 2
    assert [s.version for s in api.list_snapshots(dataset.key)] == [2, 1]
    assert api.get_dataset(dataset.key).latest_version == 2


def test_snapshot_records_its_provenance(dataset):
    snapshot = upload(
        dataset.key,
        "lugar;votos\nKennedy;10\n",
        source_url="https://example.org/votos.csv",
    )
    assert snapshot.origin is Origin.UPLOAD
    assert snapshot.origin_detail == "datos.csv"
    assert snapshot.source_url == "https://example.org/votos.csv"
    assert snapshot.licence == "CC BY-SA 4.0"  # the dataset's licence by default
    assert (snapshot.row_count, snapshot.column_count) == (1, 2)
    assert snapshot.retrieved_on is not None


def test_hash_is_the_hash_of_the_stored_parquet(dataset):
    snapshot = upload(dataset.key, "lugar;votos\nKennedy;10\n")
    row = Snapshot.objects.get(dataset__key=dataset.key, version=1)
    with default_storage.open(row.storage_name, "rb") as handle:
        stored = handle.read()
    assert stored[:4] == b"PAR1"
    assert hashlib.sha256(stored).hexdigest() == snapshot.sha256
    assert row.storage_name.startswith(f"open_data/{dataset.key}/")


def test_a_failed_row_write_leaves_no_file(dataset, data_folders):
    with mock.patch.object(
        Snapshot.objects, "create", side_effect=IntegrityError("simulada")
    ):
        with pytest.raises(IntegrityError):
            upload(dataset.key, "lugar;votos\nKennedy;10\n")
    assert api.list_snapshots(dataset.key) == []
    stored = list((data_folders / "media").rglob("*.parquet"))
    assert stored == []


def test_a_refused_file_writes_nothing_in_storage(dataset, data_folders):
    with pytest.raises(api.DataFileRefused):
        upload(dataset.key, "a;b\n1;2;3\n")
    assert list((data_folders / "media").rglob("*")) == []


def test_a_tampered_file_is_detected(dataset, data_folders):
    upload(dataset.key, "lugar;votos\nKennedy;10\n")
    row = Snapshot.objects.get(dataset__key=dataset.key, version=1)
    for cached in (data_folders / "cache").glob("*.parquet"):
        cached.unlink()  # force a fresh copy from storage
    default_storage.delete(row.storage_name)
    default_storage.save(row.storage_name, ContentFile(b"PAR1 otra cosa PAR1"))
    with pytest.raises(api.CorruptSnapshot):
        api.snapshot_path(dataset.key, 1)


def test_unknown_dataset_or_version(in_town_a):
    with pytest.raises(api.DatasetNotFound):
        api.get_snapshot("no-existe")
    with pytest.raises(api.DatasetNotFound):
        upload("no-existe", "a;b\n1;2\n")


def test_dataset_keys_are_unique(in_town_a):
    first = api.create_dataset("Votos 2018")
    second = api.create_dataset("Votos 2018")
    assert first.key == "votos-2018" and second.key == "votos-2018-2"
    assert [d.key for d in api.list_datasets()] == ["votos-2018", "votos-2018-2"]
