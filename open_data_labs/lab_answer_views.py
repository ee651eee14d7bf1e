"""Learners' answers to a lab in a lesson, and a query result as a CSV file.

Answers are a plain POST (no JavaScript) from the lab block; the outcome goes to
the session and the learner goes back to the lesson (post/redirect/get), where
the block shows each question's message. The CSV files are the builder's and
the SQL editor's shared addresses with ``.csv``: the same query on the same
pinned version, as a file; ``formato=co`` writes what a spreadsheet set to
Spanish (Colombia) opens as numbers (``;`` between values, decimal comma, UTF-8
with BOM). Thin: parse, call ``api``, answer.
"""

from __future__ import annotations

import csv
from datetime import date, datetime

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from . import api
from .lab_display import answer_field, outcome_session_key
from .lab_views import may_run_sql

# More answer fields than any lab has questions are ignored.
MAX_QUESTIONS = 50
# Text a spreadsheet would run as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@require_POST
def answer(request: HttpRequest, lab_key: str) -> HttpResponse:
    back = request.POST.get("volver", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = "/"
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': back})}")
    fields = {
        answer_field(n): request.POST.get(answer_field(n), "")
        for n in range(1, MAX_QUESTIONS + 1)
        if answer_field(n) in request.POST
    }
    outcome: dict = {"answers": fields}
    try:
        result = api.submit_lab(request.user.pk, lab_key, list(fields.values()))
    except api.LabRefused as exc:
        outcome["error"] = str(exc)
    else:
        outcome["result"] = {
            "right": result.right,
            "total": result.total,
            "passed": result.passed,
            "questions": [
                {"number": q.number, "is_right": q.is_right, "message": q.message}
                for q in result.questions
            ],
        }
    request.session[outcome_session_key(lab_key)] = outcome
    return redirect(f"{back}#laboratorio-{lab_key}")


def _cell(value: object, colombian: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if colombian else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(request: HttpRequest, key: str, version: int, query) -> HttpResponse:
    try:
        # Read once: the query and the file's name come from the same version.
        snapshot = api.get_snapshot(key, version)
        result = api.run_query(key, version, query, snapshot=snapshot)
    except api.DatasetNotFound as exc:
        raise Http404(str(exc)) from exc
    except api.QueryRefused as error:
        status = 503 if error.problem is api.QueryProblem.BUSY else 400
        return HttpResponse(
            str(error), status=status, content_type="text/plain; charset=utf-8"
        )
    colombian = request.GET.get("formato") == "co"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-v{version}.csv"'
    if colombian:
        response.write("\ufeff")  # so Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";" if colombian else ",")
    writer.writerow([c.name for c in result.columns])
    for row in result.rows:
        writer.writerow([_cell(v, colombian) for v in row])
    return response


@require_GET
def builder_csv(request: HttpRequest, key: str, version: int) -> HttpResponse:
    return _csv(request, key, version, api.builder_from_params(request.GET))


@require_GET
def sql_csv(request: HttpRequest, key: str, version: int) -> HttpResponse:
    sql = request.GET.get("q", "")
    if not may_run_sql(request, key, version, sql):
        return redirect_to_login(request.get_full_path())
    return _csv(request, key, version, sql)
