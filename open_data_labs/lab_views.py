"""The lab pages of one pinned version: the guided builder and the SQL editor.

Both are GET forms, so the address holds the whole query (steps or SQL text):
opening it again, or sharing it, runs the same query on the same version. No
JavaScript: each step card has its own «Aplicar» button that submits the whole
form and lands on the result. The builder is open to anyone, like the data; the
SQL editor (any query, up to the sandbox's limits) asks for an account (ADR 0024).
Thin: parse the address, call ``api``, shape values for the template, render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import api
from .builder_url import MAX_FILTERS
from .data import FilterOp, Measure, QueryResult, SnapshotData
from .labels import column_type_label, filter_op_label, measure_label
from .locality_map import locality_map

# Rows shown on the page (the query may return more, up to the sandbox's cap).
SHOWN_ROWS = 200
# A bar chart is drawn for results this short; longer ones are only a table.
CHART_ROWS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    width: int  # percent of the largest absolute value


@dataclass(frozen=True)
class Chart:
    caption: str
    bars: list[Bar]


def cell(value: object) -> str:
    """A result value as the reader's locale writes it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        places = 0 if value.is_integer() else 2
        return formats.number_format(round(value, 2), places, force_grouping=True)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _chart(result: QueryResult) -> Chart | None:
    numeric = [i for i, c in enumerate(result.columns) if c.type and c.type.is_numeric]
    if not numeric or not result.rows or len(result.rows) > CHART_ROWS:
        return None
    value_at = numeric[-1]
    labels = [i for i in range(len(result.columns)) if i not in numeric]
    values = [row[value_at] for row in result.rows]
    largest = max((abs(v) for v in values if v is not None), default=0) or 1
    bars = [
        Bar(
            " · ".join(cell(row[i]) for i in labels) or str(n + 1),
            cell(row[value_at]),
            round(100 * abs(row[value_at] or 0) / largest),
        )
        for n, row in enumerate(result.rows)
    ]
    caption = (
        _("«%(value)s» por %(labels)s")
        % {
            "value": result.columns[value_at].name,
            "labels": ", ".join(f"«{result.columns[i].name}»" for i in labels),
        }
        if labels
        else _("«%(value)s» en cada fila") % {"value": result.columns[value_at].name}
    )
    return Chart(caption, bars)


def _result_context(result: QueryResult) -> dict:
    return {
        "result": result,
        "headers": [c.name for c in result.columns],
        # Indexes of number columns, right-aligned so digits line up.
        "numeric": [
            i for i, c in enumerate(result.columns) if c.type and c.type.is_numeric
        ],
        "rows": [[cell(v) for v in row] for row in result.rows[:SHOWN_ROWS]],
        "shown_rows": min(len(result.rows), SHOWN_ROWS),
        "chart": _chart(result),
        "locality_map": locality_map(result, cell),
        "elapsed": formats.number_format(round(result.elapsed_ms), 0),
    }


def _csv_links(name: str, snapshot: SnapshotData, params: dict[str, list[str]]) -> dict:
    """The same query as a CSV file: plain, and for a spreadsheet in Spanish."""
    base = reverse(name, args=[snapshot.dataset_key, snapshot.version])
    query = urlencode(params, doseq=True)
    return {
        "csv_url": f"{base}?{query}",
        "csv_url_co": f"{base}?{urlencode({**params, 'formato': ['co']}, doseq=True)}",
    }


def _snapshot_or_404(key: str, version: int) -> SnapshotData:
    try:
        return api.get_snapshot(key, version)
    except api.DatasetNotFound as exc:
        raise Http404(_("No existe esa versión de los datos.")) from exc


def _refusal_status(error: api.QueryRefused) -> int:
    return 503 if error.problem is api.QueryProblem.BUSY else 400


def _sql_link(snapshot: SnapshotData, sql: str) -> str:
    base = reverse("open_data:sql", args=[snapshot.dataset_key, snapshot.version])
    return f"{base}?{urlencode({'q': sql})}#resultado"


@require_GET
def builder(request: HttpRequest, key: str, version: int) -> HttpResponse:
    snapshot = _snapshot_or_404(key, version)
    query = api.builder_from_params(request.GET)
    context = {
        "snapshot": snapshot,
        "query": query,
        "form": _form_context(snapshot, query),
        "share_url": request.build_absolute_uri(),
    }
    status = 200
    try:
        compiled = api.compile_query(key, version, query, snapshot=snapshot)
        result = api.run_query(key, version, query, snapshot=snapshot)
    except api.QueryRefused as error:
        context["error"], status = str(error), _refusal_status(error)
    else:
        context.update(_result_context(result))
        context["steps"] = {s.key: s for s in compiled.steps}
        context["sql_link"] = _sql_link(snapshot, compiled.display_sql)
        context.update(
            _csv_links("open_data:lab_csv", snapshot, dict(request.GET.lists()))
        )
    return render(request, "open_data_labs/lab.html", context, status=status)


def _form_context(snapshot: SnapshotData, query: api.BuilderQuery) -> dict:
    # The filters in use, and one empty row for the next (up to the maximum).
    filters = [
        {"column": f.column, "op": f.op.value, "value": f.value} for f in query.filters
    ]
    if len(filters) < MAX_FILTERS:
        filters.append({"column": "", "op": "", "value": ""})
    return {
        "columns": [
            {
                "name": c.name,
                "type": column_type_label(c.type),
                "shown": c.name in query.columns,
                "grouped": c.name in query.group_by,
            }
            for c in snapshot.columns
        ],
        "filters": filters,
        "ops": [(op.value, filter_op_label(op)) for op in FilterOp],
        "measures": [(m.value, measure_label(m)) for m in Measure],
        "measure": query.measure.value if query.measure else "",
        "measure_sort": api.MEASURE_SORT,
    }


def may_run_sql(request: HttpRequest, key: str, version: int, sql: str) -> bool:
    """Anyone signed in; a visitor only for SQL shared with its signature (the
    public re-run of a report's evidence, ``shared_results``)."""
    if request.user.is_authenticated:
        return True
    signature = request.GET.get(api.SIGNATURE_PARAM, "")
    return api.is_signed_sql(key, version, sql, signature)


@require_GET
def sql_editor(request: HttpRequest, key: str, version: int) -> HttpResponse:
    sql = request.GET.get("q", "")
    if not may_run_sql(request, key, version, sql):
        return redirect_to_login(request.get_full_path())
    snapshot = _snapshot_or_404(key, version)
    context = {
        "snapshot": snapshot,
        "sql": sql,
        "columns": [(c.name, column_type_label(c.type)) for c in snapshot.columns],
        "table_name": api.TABLE_NAME,
        "share_url": request.build_absolute_uri(),
        # A visitor re-running shared SQL reads it; editing asks for an account.
        "is_read_only": not request.user.is_authenticated,
    }
    status = 200
    if sql.strip():
        try:
            result = api.run_query(key, version, sql, snapshot=snapshot)
        except api.QueryRefused as error:
            context["error"], status = str(error), _refusal_status(error)
        else:
            context.update(_result_context(result))
            params = {"q": [sql]}
            if context["is_read_only"]:
                params[api.SIGNATURE_PARAM] = [request.GET[api.SIGNATURE_PARAM]]
            context.update(_csv_links("open_data:sql_csv", snapshot, params))
    return render(request, "open_data_labs/sql.html", context, status=status)
