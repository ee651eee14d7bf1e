"""Celery tasks of participation: thin callers of the topic modules.

tenant-schemas-celery carries the sender's schema (ADR 0003); ``acks_late`` is on
project-wide and both tasks are safe to run twice.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext
from requests import RequestException

from . import credentials, recompute, standing, webhooks


@shared_task(name="participation.issue_role_credential", acks_late=True)
def issue_role_credential_task(application_id: int) -> str | None:
    return credentials.issue_for_application(application_id)


@shared_task(name="participation.issue_role_credentials", acks_late=True)
def issue_role_credentials_task(application_ids: list[int]) -> list[str | None]:
    """A lottery's seats: each credential, in turn (each issue is idempotent, so a
    redelivered batch issues only what is missing)."""
    return [credentials.issue_for_application(pk) for pk in application_ids]


@shared_task(name="participation.revoke_role_credential", acks_late=True)
def revoke_role_credential_task(application_id: int) -> bool:
    return credentials.revoke_for_application(
        application_id, reason=gettext("La persona dejó el rol.")
    )


@shared_task(
    name="participation.deliver_webhook",
    acks_late=True,
    autoretry_for=(webhooks.WebhookNotDelivered, RequestException),
    retry_backoff=getattr(settings, "PARTICIPATION_WEBHOOK_BACKOFF", 30),
    # Ten minutes at most between tries: a retry waits in Redis unacknowledged,
    # and must come back before the visibility timeout (15 min, ADR 0018).
    retry_backoff_max=600,
    max_retries=webhooks.MAX_RETRIES,
)
def deliver_webhook_task(delivery_id: int) -> bool:
    return webhooks.deliver(delivery_id)


@shared_task(name="participation.deliver_webhooks", acks_late=True)
def deliver_webhooks_task(delivery_ids: list[int]) -> int:
    """A batch of stored events (a lottery's seats): one sending task each."""
    return webhooks.queue_deliveries(delivery_ids)


@shared_task(name="participation.recompute_eligibility", acks_late=True)
def recompute_eligibility_task(user_id: int, also_in: str | None = None) -> dict:
    """One person's standing, where they live and where a certificate changed."""
    return standing.recompute_for_person(user_id, also_in=also_in)


@shared_task(name="participation.recompute_role", acks_late=True)
def recompute_role_task(role_id: int) -> dict:
    """Everyone's standing for one role, after its rules changed (set-based)."""
    result = recompute.recompute_roles([role_id])
    return {"people": result.people, "changed": result.changed}


@shared_task(name="participation.recount", acks_late=True)
def recount_task() -> dict:
    """Nightly: the certificate index and every locality's standings, rebuilt."""
    return recompute.recount_city()
