"""Celery tasks of participation: thin callers of the topic modules.

tenant-schemas-celery carries the sender's schema (ADR 0003); ``acks_late`` is on
project-wide and both tasks are safe to run twice.
"""

from __future__ import annotations

from celery import shared_task

from . import credentials


@shared_task(name="participation.issue_role_credential", acks_late=True)
def issue_role_credential_task(application_id: int) -> str | None:
    return credentials.issue_for_application(application_id)


@shared_task(name="participation.revoke_role_credential", acks_late=True)
def revoke_role_credential_task(application_id: int) -> bool:
    return credentials.revoke_for_application(
        application_id, reason="La persona dejó el rol."
    )
