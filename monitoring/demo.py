"""Demo data aid: move a published report back in time (``make run`` only).

The demo needs a report whose answer is overdue; a report published today is
due in 15 business days. Shifting its dates back (sent, reviewed, asked,
recounting the deadline from the new day) shows the real flow: the morning
escalation finds it late and writes the letter. Reached through
``monitoring.api``; never called by pages or tasks.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from . import public_cache
from .answers import PETITION_BUSINESS_DAYS, business_days_after
from .models import AnswerRequest, CitizenReport


@transaction.atomic
def backdate_report_for_demo(report_uuid: str, *, days: int) -> None:
    shift = timedelta(days=days)
    report = CitizenReport.objects.select_for_update().get(uuid=report_uuid)
    CitizenReport.objects.filter(pk=report.pk).update(
        submitted_at=report.submitted_at - shift,
        reviewed_at=report.reviewed_at - shift if report.reviewed_at else None,
    )
    request = AnswerRequest.objects.filter(report=report).first()
    if request is not None:
        requested_on = request.requested_on - shift
        request.requested_on = requested_on
        request.due_on = business_days_after(requested_on, PETITION_BUSINESS_DAYS)
        request.save(update_fields=["requested_on", "due_on"])
    public_cache.bump_after_commit()
