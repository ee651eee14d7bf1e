"""Public pages: the datasets of a site, a dataset's versions, a version's profile.

Datasets are open data, so these pages need no login; they are server-rendered
and readable at 360 px without JavaScript. Thin: call ``api``, shape, render.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import api
from .data import Bin, ColumnProfile
from .labels import column_type_label


def _number(value: int) -> str:
    """A count as the reader's locale writes it (1.234 in es-CO, 1,234 in en)."""
    return formats.number_format(value, force_grouping=True)


@dataclass(frozen=True)
class Bar:
    label: str
    count: str
    width: int  # percent of the widest bar, for the inline SVG


def _bars(bins: tuple[Bin, ...]) -> list[Bar]:
    widest = max((b.count for b in bins), default=0) or 1
    return [Bar(b.label, _number(b.count), round(100 * b.count / widest)) for b in bins]


def _column_view(column: ColumnProfile, rows: int) -> dict:
    return {
        "profile": column,
        "type_label": column_type_label(column.type),
        "missing": _number(column.missing),
        "missing_share": (
            formats.number_format(round(100 * column.missing / rows)) + " %"
            if rows
            else "—"
        ),
        "distinct": _number(column.distinct),
        "bars": _bars(column.histogram or column.top_values),
        "is_top": not column.histogram,
    }


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "open_data_labs/list.html",
        {
            "datasets": api.list_datasets(),
            "may_manage": api.may_manage_datasets(request.user),
        },
    )


@require_GET
def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        dataset = api.get_dataset(key)
    except api.DatasetNotFound as exc:
        raise Http404(_("No existe ese conjunto de datos.")) from exc
    return render(
        request,
        "open_data_labs/dataset.html",
        {"dataset": dataset, "snapshots": api.list_snapshots(key)},
    )


@require_GET
def snapshot_profile(request: HttpRequest, key: str, version: int) -> HttpResponse:
    try:
        snapshot = api.get_snapshot(key, version)
    except api.DatasetNotFound as exc:
        raise Http404(_("No existe esa versión de los datos.")) from exc
    profile = api.get_profile(key, version)
    return render(
        request,
        "open_data_labs/profile.html",
        {
            "snapshot": snapshot,
            "profile": profile,
            "rows": _number(snapshot.row_count),
            "size_kb": formats.number_format(
                round(snapshot.size_bytes / 1024, 1), 1, force_grouping=True
            ),
            "columns": [_column_view(c, profile.row_count) for c in profile.columns],
            "flags": profile.all_flags,
            "preview": api.preview_snapshot(key, version, limit=10, snapshot=snapshot),
            "may_manage": api.may_manage_datasets(request.user),
        },
    )


@require_GET
def snapshot_download(request: HttpRequest, key: str, version: int) -> FileResponse:
    try:
        path = api.snapshot_path(key, version)
    except api.DatasetNotFound as exc:
        raise Http404(_("No existe esa versión de los datos.")) from exc
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{key}-v{version}.parquet",
        content_type="application/vnd.apache.parquet",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
