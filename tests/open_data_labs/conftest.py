"""Fixtures of the open-data labs: a private media folder and cache per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from open_data_labs import api

REGISTRADURIA = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "datasets"
    / "registraduria-senado-2018-participacion-localidades.csv"
)


@pytest.fixture(autouse=True)
def data_folders(settings, tmp_path):
    """Snapshots go to a fresh media folder; local copies to a fresh cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPEN_DATA_CACHE_DIR = tmp_path / "cache"
    return tmp_path


@pytest.fixture
def dataset(in_town_a):
    """An empty dataset in Kennedy."""
    return api.create_dataset(
        "Presupuesto local",
        description="Ejecución del Fondo de Desarrollo Local.",
        licence="CC BY-SA 4.0",
        source_url="https://datosabiertos.bogota.gov.co/dataset/presupuesto",
        publisher="Alcaldía Local de Kennedy",
    )


def upload(dataset_key: str, text: str | bytes, name: str = "datos.csv", **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return api.upload_snapshot(dataset_key, data, filename=name, **kw)


def registraduria_bytes() -> bytes:
    if not REGISTRADURIA.exists():
        pytest.skip(
            f"Falta {REGISTRADURIA} (el conjunto real de ../shared): sin él no se "
            "puede probar la carga del archivo de la Registraduría."
        )
    return REGISTRADURIA.read_bytes()
