"""Role events: what a selection or a departure sets going, in its transaction.

Each change stores its webhook event (``webhooks``) and writes its role
credential's task into the task outbox in the transaction that made it, so a
broker down at that moment delays them and never loses them; the role signals
(``role_selected``, ``role_left``) are sent after commit for the dashboards.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tenants import api as tenants_api

from . import webhooks
from .models import Application as _Application
from .models import CivicRole as _CivicRole
from .reporting_facts import announce_funnel_change
from .signals import role_left, role_selected

_WEBHOOK_EVENTS = {"role_selected": "rol.seleccionada", "role_left": "rol.dejado"}
ISSUE_TASK = "participation.issue_role_credential"
ISSUE_MANY_TASK = "participation.issue_role_credentials"
REVOKE_TASK = "participation.revoke_role_credential"


def announce(
    signal: Any, application: Any, *, funnel: bool = True, role: Any = None
) -> None:
    """One person selected (``role_selected``) or leaving (``role_left``).

    ``funnel``: also tell the dashboards; ``role``: the application's role, when
    the caller has it already."""
    if role is None:
        role = _CivicRole.objects.get(pk=application.role_id)
    selected = signal is role_selected
    webhooks.record_event(
        _WEBHOOK_EVENTS["role_selected" if selected else "role_left"],
        _event_data(role, application),
    )
    # Issued or revoked even if the broker is down now or the process dies
    # right after commit.
    tenants_api.send_after_commit(
        ISSUE_TASK if selected else REVOKE_TASK, application.pk
    )
    fields = _signal_fields(application)
    transaction.on_commit(lambda: signal.send(sender=_Application, **fields))
    if funnel:
        announce_funnel_change()


def announce_drawn(role: Any, applications: list[Any]) -> None:
    """A lottery's seats, all at once: the events stored in one insert, and one
    outbox row for all the credentials and one for all the events (the worker
    fans the events out, one retried task each). A draw of thousands stays a
    few queries for the person who runs it."""
    if not applications:
        return
    webhooks.record_events(
        _WEBHOOK_EVENTS["role_selected"],
        [_event_data(role, application) for application in applications],
    )
    tenants_api.send_after_commit(
        ISSUE_MANY_TASK, [application.pk for application in applications]
    )
    fields = [_signal_fields(application) for application in applications]

    def tell() -> None:
        for one in fields:
            role_selected.send(sender=_Application, **one)

    transaction.on_commit(tell)
    announce_funnel_change()


def _event_data(role: Any, application: Any) -> dict[str, Any]:
    return {
        "postulacion": application.pk,
        "persona": {"id": application.user_id},
        "rol": {
            "id": role.pk,
            "titulo": role.title,
            "tipo": role.kind,
            "linea": role.investment_line,
        },
    }


def _signal_fields(application: Any) -> dict[str, int]:
    return {
        "application_id": application.pk,
        "user_id": application.user_id,
        "role_id": application.role_id,
    }


__all__ = ["announce", "announce_drawn", "role_left", "role_selected"]
