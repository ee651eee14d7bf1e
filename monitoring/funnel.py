"""The monitoring funnel of this locality, per investment line: people active in
a watching role → reports filed → reports published (each asks the alcaldía
local for an answer) → answered on time.

Reached only through ``monitoring.api``. «Active»: people who may file a report
today, that is, named by an open assignment (their own as veedor/a, or through
a veeduría they belong to) on a project of the line; the locality's row counts
each person once whatever the lines. «On time»: answered on or before the
request's due day (15 Colombian business days, ``answers``), Bogotá time.

The dashboards copy these counts into the public schema when ``funnel_changed``
says they may have changed: it is sent after commit, at most once per
transaction, whenever an assignment, a veeduría's members, a report or an
answer is saved or deleted (``connect``, from ``AppConfig.ready``), and when an
assignment ends (``veedurias.end_assignment`` updates in bulk, so it calls
``announce_funnel_change`` itself).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import post_delete, post_save

from tenants import api as tenants_api

from .data import FunnelLine, InvestmentLine, ReportStatus
from .models import AnswerRequest, Assignment, CitizenReport, VeeduriaMember
from .signals import funnel_changed

__all__ = ["announce_funnel_change", "funnel_here"]


def funnel_here() -> tuple[FunnelLine, ...]:
    """One row per investment line, then the locality's row (``line`` empty);
    four queries whatever the number of reports."""
    active: dict[str, set[int]] = {line.value: set() for line in InvestmentLine}
    open_rows = Assignment.objects.filter(ended_at__isnull=True)
    own = open_rows.filter(user_id__isnull=False).values_list(
        "project__line", "user_id"
    )
    through_veedurias = open_rows.filter(veeduria__isnull=False).values_list(
        "project__line", "veeduria__members__user_id"
    )
    for line, user_id in [*own, *through_veedurias]:
        if user_id is not None:
            active.setdefault(line, set()).add(user_id)
    reports = {
        row["project__line"]: row
        for row in CitizenReport.objects.values("project__line")
        .annotate(
            filed=Count("pk"),
            published=Count("pk", filter=Q(status=ReportStatus.PUBLISHED.value)),
        )
        .order_by()
    }
    on_time = dict(
        AnswerRequest.objects.filter(
            answered_at__isnull=False, answered_at__date__lte=F("due_on")
        )
        .values("report__project__line")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("report__project__line", "n")
    )
    rows = [
        FunnelLine(
            line=line,
            active=len(people),
            filed=reports.get(line, {}).get("filed", 0),
            published=reports.get(line, {}).get("published", 0),
            answered_on_time=on_time.get(line, 0),
        )
        for line, people in active.items()
    ]
    everyone = set().union(*active.values())
    total = FunnelLine(
        line="",
        active=len(everyone),
        filed=sum(r.filed for r in rows),
        published=sum(r.published for r in rows),
        answered_on_time=sum(r.answered_on_time for r in rows),
    )
    return (*rows, total)


def announce_funnel_change(**_kwargs: object) -> None:
    """Send ``funnel_changed`` once the current transaction commits (at once
    outside one), once however many rows it saves; nothing on a rollback.

    A pending announcement already in the transaction's list will run at the
    same commit (or be dropped with a savepoint that would drop this one too),
    so a second one is not added.
    """
    for entry in connection.run_on_commit:
        if getattr(entry[1], "is_pending_funnel_announcement", False):
            return

    # Sent in this locality's schema, whatever schema is active at commit time.
    schema = tenants_api.current_schema()

    def send_funnel_changed() -> None:
        send_funnel_changed.is_pending_funnel_announcement = False  # type: ignore[attr-defined]
        with tenants_api.in_locality(schema):
            funnel_changed.send(sender=None)

    send_funnel_changed.is_pending_funnel_announcement = True  # type: ignore[attr-defined]
    transaction.on_commit(send_funnel_changed)


def connect() -> None:
    """Announce on every save or delete of what the funnel counts."""
    for model in (Assignment, VeeduriaMember, CitizenReport, AnswerRequest):
        for signal in (post_save, post_delete):
            signal.connect(
                announce_funnel_change,
                sender=model,
                dispatch_uid=f"monitoring-funnel-{model.__name__}-{signal}",
            )
