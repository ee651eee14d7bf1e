"""Admin views: create datasets, add versions (file, portal), turn tables, fix types.

Staff only (``api.MANAGE_PERMISSION`` in the active locality: trainers at the
campus, locality managers and administrators in their locality). Thin: they
check the permission, parse the form, call ``api`` and render; every refusal
from the API is shown as the form's error, in Spanish.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from . import api
from .data import ColumnType
from .forms import DatasetForm, ImportForm, RetypeForm, TurnForm, UploadForm

_REFUSALS = (api.DataFileRefused, api.PortalError, api.ReshapeRefused)


def _denied(request: HttpRequest) -> HttpResponse | None:
    if not api.may_manage_datasets(request.user):
        return permission_denied(request)
    return None


def _dataset_or_404(key: str) -> api.DatasetData:
    try:
        return api.get_dataset(key)
    except api.DatasetNotFound as exc:
        raise Http404(_("No existe ese conjunto de datos.")) from exc


def _read_upload(upload) -> bytes:
    # The size is checked before the file is read into memory.
    api.check_upload_size(upload.size)
    return upload.read()


def dataset_list(request: HttpRequest) -> HttpResponse:
    if denied := _denied(request):
        return denied
    return render(
        request, "open_data_labs/admin/list.html", {"datasets": api.list_datasets()}
    )


def dataset_create(request: HttpRequest) -> HttpResponse:
    if denied := _denied(request):
        return denied
    form = DatasetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                dataset = api.create_dataset(
                    data["title"],
                    description=data["description"],
                    licence=data["licence"],
                    source_url=data["source_url"],
                    publisher=data["publisher"],
                    created_by_id=request.user.pk,
                )
                if data["file"]:
                    api.upload_snapshot(
                        dataset.key,
                        _read_upload(data["file"]),
                        filename=data["file"].name,
                        created_by_id=request.user.pk,
                    )
        except api.DataFileRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request, _("Conjunto creado: %(title)s.") % {"title": dataset.title}
            )
            return redirect("open_data_admin_dataset", key=dataset.key)
    return render(request, "open_data_labs/admin/form.html", _form_context(form))


def _form_context(form, *, title: str = "", dataset=None):
    return {
        "form": form,
        "title": title or _("Nuevo conjunto de datos"),
        "dataset": dataset,
    }


def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    if denied := _denied(request):
        return denied
    dataset = _dataset_or_404(key)
    return render(
        request,
        "open_data_labs/admin/dataset.html",
        {"dataset": dataset, "snapshots": api.list_snapshots(key)},
    )


def upload(request: HttpRequest, key: str) -> HttpResponse:
    if denied := _denied(request):
        return denied
    dataset = _dataset_or_404(key)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            snapshot = api.upload_snapshot(
                key,
                _read_upload(file),
                filename=file.name,
                source_url=form.cleaned_data["source_url"],
                created_by_id=request.user.pk,
            )
        except api.DataFileRefused as exc:
            form.add_error("file", str(exc))
        else:
            return _created(request, snapshot)
    return render(
        request,
        "open_data_labs/admin/form.html",
        _form_context(
            form,
            title=_("Subir una versión: %(title)s") % {"title": dataset.title},
            dataset=dataset,
        ),
    )


def _created(request: HttpRequest, snapshot: api.SnapshotData) -> HttpResponse:
    messages.success(
        request,
        _("Versión %(version)s guardada: %(rows)s filas, %(columns)s columnas.")
        % {
            "version": snapshot.version,
            "rows": snapshot.row_count,
            "columns": snapshot.column_count,
        },
    )
    return redirect(
        "open_data:profile", key=snapshot.dataset_key, version=snapshot.version
    )


def portal_import(request: HttpRequest, key: str) -> HttpResponse:
    if denied := _denied(request):
        return denied
    dataset = _dataset_or_404(key)
    form = ImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["portal"] == "ckan":
                snapshot = api.import_ckan(
                    key,
                    data["identifier"].strip(),
                    resource_id=data["resource_id"].strip(),
                    created_by_id=request.user.pk,
                )
            else:
                snapshot = api.import_socrata(
                    key, data["identifier"], created_by_id=request.user.pk
                )
        except _REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            return _created(request, snapshot)
    return render(
        request,
        "open_data_labs/admin/form.html",
        _form_context(
            form,
            title=_("Importar de un portal: %(title)s") % {"title": dataset.title},
            dataset=dataset,
        ),
    )


def _snapshot_or_404(key: str, version: int) -> api.SnapshotData:
    try:
        return api.get_snapshot(key, version)
    except api.DatasetNotFound as exc:
        raise Http404(_("No existe esa versión de los datos.")) from exc


def turn(request: HttpRequest, key: str, version: int) -> HttpResponse:
    """The guided "turn the table" step: suggest, preview, then store."""
    if denied := _denied(request):
        return denied
    snapshot = _snapshot_or_404(key, version)
    names = [c.name for c in snapshot.columns]
    suggestion = api.suggest_turn(key, version)
    initial = {
        "value_columns": list(suggestion.value_columns),
        "id_columns": list(suggestion.id_columns),
    }
    form = TurnForm(request.POST or None, columns=names, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        chosen = {
            "id_columns": form.cleaned_data["id_columns"],
            "value_columns": form.cleaned_data["value_columns"],
            "names_to": form.cleaned_data["names_to"],
            "values_to": form.cleaned_data["values_to"],
        }
        try:
            if "confirm" in request.POST:
                result = api.turn_table(
                    key, version, created_by_id=request.user.pk, **chosen
                )
                return _created(request, result)
            preview = api.preview_turn(key, version, **chosen)
        except api.ReshapeRefused as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "open_data_labs/admin/turn.html",
        {
            "snapshot": snapshot,
            "form": form,
            "suggestion": suggestion,
            "preview": preview,
            "before": api.preview_snapshot(key, version, limit=5),
        },
    )


def retype(request: HttpRequest, key: str, version: int) -> HttpResponse:
    if denied := _denied(request):
        return denied
    snapshot = _snapshot_or_404(key, version)
    form = RetypeForm(request.POST or None, columns=[c.name for c in snapshot.columns])
    if request.method == "POST" and form.is_valid():
        try:
            result = api.retype_column(
                key,
                version,
                form.cleaned_data["column"],
                ColumnType(form.cleaned_data["new_type"]),
                created_by_id=request.user.pk,
            )
        except api.ReshapeRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _created(request, result)
    return render(
        request,
        "open_data_labs/admin/form.html",
        _form_context(
            form,
            title=_("Corregir un tipo: %(title)s v%(version)s")
            % {"title": snapshot.dataset_title, "version": version},
            dataset=api.get_dataset(key),
        )
        | {"columns": snapshot.columns},
    )
