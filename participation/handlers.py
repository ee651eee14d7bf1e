"""The role credential follows the role events (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from certificates import api as certificates_api
from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from .signals import role_left, role_selected, webhook_recorded
from .tasks import (
    deliver_webhook_task,
    issue_role_credential_task,
    recompute_eligibility_task,
    revoke_role_credential_task,
)


def on_role_selected(sender: Any, *, application_id: int, **kwargs: Any) -> None:
    issue_role_credential_task.delay(application_id)


def on_role_left(sender: Any, *, application_id: int, **kwargs: Any) -> None:
    revoke_role_credential_task.delay(application_id)


def on_webhook_recorded(sender: Any, *, delivery_id: int, **kwargs: Any) -> None:
    deliver_webhook_task.delay(delivery_id)


def on_certificate_changed(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    # Sent after commit in the issuing locality's schema.
    recompute_eligibility_task.delay(user_id, tenants_api.current_schema())


def on_people_changed(
    sender: Any, *, user_ids: list[int] | None, **kwargs: Any
) -> None:
    # A bulk import (None) changes no one's certificates: nothing to recompute.
    for user_id in user_ids or []:
        recompute_eligibility_task.delay(user_id)


def connect() -> None:
    certificates_api.certificate_issued.connect(
        on_certificate_changed, dispatch_uid="participation.certified"
    )
    certificates_api.certificate_revoked.connect(
        on_certificate_changed, dispatch_uid="participation.revoked"
    )
    accounts_api.people_changed.connect(
        on_people_changed, dispatch_uid="participation.people_changed"
    )
    webhook_recorded.connect(on_webhook_recorded, dispatch_uid="participation.webhook")
    role_selected.connect(on_role_selected, dispatch_uid="participation.credential")
    role_left.connect(on_role_left, dispatch_uid="participation.credential_revoked")
