"""Certificate PDFs issued before the private folder existed are moved into it."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage

from certificates.models import Certificate

migration = importlib.import_module(
    "certificates.migrations.0004_pdf_in_private_storage"
)


def test_the_migration_moves_old_public_pdfs_to_private_storage(certificate):
    stored = Certificate.objects.get(uuid=certificate.uuid).pdf
    private_path = Path(stored.path)
    old_public_path = Path(default_storage.path(stored.name))
    old_public_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(private_path, old_public_path)  # where it was before

    migration.move_pdfs_to_private_storage(apps, schema_editor=None)

    assert private_path.read_bytes().startswith(b"%PDF")
    assert not old_public_path.exists()
