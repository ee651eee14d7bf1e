"""Python API of the monitoring app: the only module other apps import (with data.py).

The registry of each locality's investment projects and their official figures.

Invariants:
- Everything acts on the active locality's schema (tenant app): a project of
  Kennedy is never read, listed, imported or refreshed from Bosa. The campus
  has no projects.
- UPZ and barrio codes belong to the project's locality (official reference
  lists in ``monitoring/data/``); the code is unique in the locality.
- An official figure always carries its source and date.
- Imports write all their valid rows in one transaction or nothing. An outside
  service that fails keeps the last good figures and records the error.
"""

from __future__ import annotations

from .data import (
    FigureSource,
    ImportPreview,
    ImportResult,
    InvestmentLine,
    OutsideService,
    ProjectData,
    ProjectPage,
    ProjectStatus,
    SyncOutcome,
    SyncStatus,
)
from .imports.spreadsheet import import_file as import_projects
from .imports.spreadsheet import preview_file as preview_projects
from .imports.spreadsheet import rejected_rows_csv
from .projects import (
    ProjectError,
    create_project,
    get_project,
    list_projects,
    serves_projects,
)
from .reference import SOURCE_CREDIT
from .sync import (
    SourceConfigError,
    configure_decidim,
    list_sync_statuses,
    refresh_official_figures,
)

__all__ = [
    "SOURCE_CREDIT",
    "FigureSource",
    "ImportPreview",
    "ImportResult",
    "InvestmentLine",
    "OutsideService",
    "ProjectData",
    "ProjectError",
    "ProjectPage",
    "ProjectStatus",
    "SourceConfigError",
    "SyncOutcome",
    "SyncStatus",
    "configure_decidim",
    "create_project",
    "get_project",
    "import_projects",
    "list_projects",
    "list_sync_statuses",
    "preview_projects",
    "refresh_official_figures",
    "rejected_rows_csv",
    "serves_projects",
]
