"""The data-processing authorization (Ley 1581 de 2012, art. 9) and its evidence.

Registration records which version of the policy the person accepted, when and on
which site. The record shows in «Mis datos» and in the data download; it is
withdrawn by deleting the account (the existing data-rights path), which removes
it with the rest of the person's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .models import PolicyAcceptance as _PolicyAcceptance

__all__ = ["PolicyAcceptanceData", "policy_acceptances_of"]


@dataclass(frozen=True, slots=True)
class PolicyAcceptanceData:
    policy_version: str
    accepted_at: datetime
    accepted_in: str
    withdrawn_at: datetime | None


def record_policy_acceptance(user_id: int, *, version: str, site: str) -> None:
    """Store that the person accepted ``version`` of the policy now, on ``site``.

    Call in the public schema, inside the registration's transaction.
    """
    _PolicyAcceptance.objects.create(
        user_id=user_id,
        policy_version=version,
        accepted_at=timezone.now(),
        accepted_in=site,
    )


def policy_acceptances_of(user_id: int) -> list[PolicyAcceptanceData]:
    """The person's acceptances, oldest first (call in the public schema)."""
    return [
        PolicyAcceptanceData(
            policy_version=row.policy_version,
            accepted_at=row.accepted_at,
            accepted_in=row.accepted_in,
            withdrawn_at=row.withdrawn_at,
        )
        for row in _PolicyAcceptance.objects.filter(user_id=user_id).order_by(
            "accepted_at"
        )
    ]


def forget_policy_acceptances(user_id: int) -> None:
    """Remove the evidence with the account's personal data (anonymization)."""
    _PolicyAcceptance.objects.filter(user_id=user_id).delete()
