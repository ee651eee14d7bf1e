"""The role credential follows the role events (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from .signals import role_left, role_selected, webhook_recorded
from .tasks import (
    deliver_webhook_task,
    issue_role_credential_task,
    revoke_role_credential_task,
)


def on_role_selected(sender: Any, *, application_id: int, **kwargs: Any) -> None:
    issue_role_credential_task.delay(application_id)


def on_role_left(sender: Any, *, application_id: int, **kwargs: Any) -> None:
    revoke_role_credential_task.delay(application_id)


def on_webhook_recorded(sender: Any, *, delivery_id: int, **kwargs: Any) -> None:
    deliver_webhook_task.delay(delivery_id)


def connect() -> None:
    webhook_recorded.connect(on_webhook_recorded, dispatch_uid="participation.webhook")
    role_selected.connect(on_role_selected, dispatch_uid="participation.credential")
    role_left.connect(on_role_left, dispatch_uid="participation.credential_revoked")
