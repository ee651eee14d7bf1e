"""Values the certificates app hands to other apps and templates (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class CertificateError(ValueError):
    """A certificate operation cannot be done; the message (Spanish) says why."""


class CertificateState(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class ReissueStatus(StrEnum):
    """Where a bulk re-issue stands; the model's choices use these codes."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # finished, but some certificates could not be re-issued


@dataclass(frozen=True, slots=True)
class CertificateData:
    """What a certificate shows (its snapshot), plus how to reach it."""

    certificate_id: int
    uuid: str
    code: str
    user_id: int
    course_key: str
    course_version: int
    course_title: str
    hours: Decimal
    holder_name: str
    document_type: str
    document_last_digits: str
    locality_name: str
    completed_at: datetime
    issued_at: datetime
    reissued_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str
    verification_url: str
    replaces_code: str | None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class Verification:
    """The answer of the public verification page or of the credential check.

    ``certificate`` is set only for a certificate found in this locality; ``reason``
    (Spanish) says why something is not valid and what to do.
    """

    state: CertificateState
    reason: str
    certificate: CertificateData | None = None
    other_locality_url: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.state is CertificateState.VALID

    @property
    def is_revoked(self) -> bool:
        return self.state is CertificateState.REVOKED


@dataclass(frozen=True, slots=True)
class RoleCredentialData:
    """A civic role's signed credential, as the selecting app holds it."""

    uuid: str
    user_id: int
    role_ref: str
    role_title: str
    valid_until: datetime
    revoked_at: datetime | None
    credential: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReissueJobData:
    job_id: int
    reason: str
    status: ReissueStatus
    total: int
    done: int
    failed: int
    created_at: datetime
    finished_at: datetime | None

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)

    @property
    def is_pending(self) -> bool:
        return self.status is ReissueStatus.PENDING

    @property
    def is_active(self) -> bool:
        return self.status in (ReissueStatus.PENDING, ReissueStatus.RUNNING)

    @property
    def has_failures(self) -> bool:
        return self.status is ReissueStatus.FAILED
