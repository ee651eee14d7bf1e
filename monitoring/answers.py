"""Answers with deadlines: each published report asks the alcaldía local for an
answer, as a petition, within 15 business days (Ley 1755 de 2015, art. 14).

Reached only through ``monitoring.api``. Business days skip weekends and
Colombia's public holidays from the ``holidays`` library (pinned; Ley 51 de
1983 moves most holidays to the following Monday, which it knows). The term
starts the day after the request, as a petition's does. Entity staff
(``ANSWER_PERMISSION`` in ``ROLE_POLICY``) answer in the platform; a request
still unanswered after its last day is escalated once, with a generated
letter, and the report's author is told at each step.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.learning import api as learning_api

from .data import AnswerData, EscalationBody
from .models import AnswerRequest, CitizenReport
from .reports import ReportError, answer_data

ANSWER_PERMISSION = "monitoring.answer_citizenreport"
PETITION_BUSINESS_DAYS = 15  # Ley 1755 de 2015, art. 14 (general petitions)


@cache
def _colombian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("CO", years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _colombian_holidays(day.year)


def business_days_after(start: date, count: int) -> date:
    """The ``count``-th business day after ``start`` (``start`` never counts)."""
    day = start
    while count:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def request_answer(report: CitizenReport) -> AnswerRequest:
    """Ask the alcaldía local to answer a report just published (call inside the
    publishing transaction); the author is told the deadline."""
    today = timezone.localdate()
    request = AnswerRequest.objects.create(
        report=report,
        requested_on=today,
        due_on=business_days_after(today, PETITION_BUSINESS_DAYS),
    )
    learning_api.notify(
        report.author_id,
        "answer_requested",
        str(report.uuid),
        title=_("La Alcaldía Local debe responder su reporte"),
        body=_("Tiene plazo hasta el %(due)s (15 días hábiles, Ley 1755 de 2015).")
        % {"due": request.due_on.strftime("%d/%m/%Y")},
        link=reverse("monitoring:report", args=[report.uuid]),
    )
    return request


@transaction.atomic
def answer_report(report_uuid: str, *, answered_by: int, text: str) -> AnswerData:
    """Record the entity's answer (late answers are recorded too, and say so)."""
    text = str(text or "").strip()
    if not text:
        raise ReportError({"answer": _("Escriba la respuesta de la entidad.")})
    request = (
        AnswerRequest.objects.select_for_update()
        .select_related("report__project")
        .filter(report__uuid=report_uuid)
        .first()
    )
    if request is None:
        raise ReportError(
            {"__all__": _("Ese reporte no está publicado o no pide respuesta.")}
        )
    if request.answered_at is not None:
        raise ReportError({"__all__": _("Este reporte ya tiene respuesta.")})
    request.answer = text
    request.answered_by_id = answered_by
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_by_id", "answered_at"])
    report = request.report
    learning_api.notify(
        report.author_id,
        "answer_given",
        str(report.uuid),
        title=_("La Alcaldía Local respondió su reporte sobre %(project)s")
        % {"project": report.project.name},
        body=text[:500],
        link=reverse("monitoring:report", args=[report.uuid]),
    )
    return answer_data(request)


def escalation_body() -> EscalationBody:
    configured = getattr(settings, "MONITORING_ESCALATE_TO", "")
    try:
        return EscalationBody(configured)
    except ValueError:
        return EscalationBody.PERSONERIA


def escalate_overdue() -> list[str]:
    """Escalate every request of this locality whose last day has passed without
    an answer (once each); returns the reports' uuids."""
    today = timezone.localdate()
    overdue = AnswerRequest.objects.filter(
        answered_at__isnull=True, escalated_at__isnull=True, due_on__lt=today
    ).values_list("pk", flat=True)
    return [uuid for pk in list(overdue) if (uuid := _escalate(pk, today))]


@transaction.atomic
def _escalate(pk: int, today: date) -> str:
    request = (
        AnswerRequest.objects.select_for_update()
        .select_related("report__project")
        .get(pk=pk)
    )
    if request.answered_at is not None or request.escalated_at is not None:
        return ""  # answered or escalated meanwhile
    body = escalation_body()
    request.escalated_at = timezone.now()
    request.escalated_to = body.value
    request.letter = render_to_string(
        "monitoring/escalation_letter.txt",
        {
            "request": request,
            "report": request.report,
            "project": request.report.project,
            "body": ESCALATION_BODY_NAMES[body],
            "today": today,
            "business_days": PETITION_BUSINESS_DAYS,
        },
    )
    request.save(update_fields=["escalated_at", "escalated_to", "letter"])
    report = request.report
    learning_api.notify(
        report.author_id,
        "answer_escalated",
        str(report.uuid),
        title=_("Su reporte sobre %(project)s se escaló por falta de respuesta")
        % {"project": report.project.name},
        body=_("La carta para %(body)s está lista para descargar y radicar.")
        % {"body": ESCALATION_BODY_NAMES[body]},
        link=reverse("monitoring:report", args=[report.uuid]),
    )
    return str(report.uuid)


ESCALATION_BODY_NAMES = {
    EscalationBody.PERSONERIA: "Personería de Bogotá",
    EscalationBody.VEEDURIA_DISTRITAL: "Veeduría Distrital",
}


def pending_answers() -> list[tuple[str, AnswerData]]:
    """This locality's unanswered requests (report uuid, answer), due first."""
    rows = (
        AnswerRequest.objects.filter(answered_at__isnull=True)
        .select_related("report")
        .order_by("due_on")
    )
    return [(str(row.report.uuid), answer_data(row)) for row in rows]


def escalation_letter(report_uuid: str) -> str:
    request = AnswerRequest.objects.filter(report__uuid=report_uuid).first()
    return request.letter if request else ""
