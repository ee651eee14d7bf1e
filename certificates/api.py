"""Python API of the certificates app: the only module other apps import (with
``data.py`` and ``signals.py``).

This module only re-exports: each topic lives in its own module (the
import-linter contract "Certificates modules" in ``pyproject.toml`` keeps their
order). A new public function goes in its topic module and in that module's
``__all__``; it then appears here.

Invariants, whatever the topic:
- One certificate per person and course version, issued on completion; issuing
  again (a redelivered task, a second signal) returns the existing one.
- A certificate keeps a snapshot of everything it shows; PDF, credential and the
  verification page show only that snapshot.
- Revocation never deletes: the row keeps its reason and date, its bit is set in
  the locality's status list in the same transaction, and a replacement (if
  re-issued) gets a new code.
- Everything acts on the active locality's schema (tenant app); a code or a
  credential from another locality is reported as such, never looked up there.
"""

from __future__ import annotations

from . import (
    bulk_reissue,
    issuing,
    lookup,
    published,
    reissue_queue,
    revocation,
    role_credentials,
    status_list,
    verification,
)
from .bulk_reissue import *  # noqa: F403
from .data import (
    CertificateData,
    CertificateError,
    CertificateState,
    ReissueJobData,
    ReissueStatus,
    RoleCredentialData,
    Verification,
)
from .issuing import *  # noqa: F403
from .lookup import *  # noqa: F403
from .published import *  # noqa: F403
from .reissue_queue import *  # noqa: F403
from .revocation import *  # noqa: F403
from .role_credentials import *  # noqa: F403
from .signals import certificate_issued, certificate_revoked
from .status_list import *  # noqa: F403
from .verification import *  # noqa: F403

__all__: list[str] = [
    # Values (data.py) and signals (signals.py), so api stays the one door.
    "CertificateData",
    "CertificateError",
    "CertificateState",
    "ReissueJobData",
    "ReissueStatus",
    "RoleCredentialData",
    "Verification",
    "certificate_issued",
    "certificate_revoked",
]
__all__ += issuing.__all__  # a certificate on completion (idempotent)
__all__ += lookup.__all__  # the holder's list and downloads, admin search, recount
__all__ += verification.__all__  # public checks of a code or a credential
__all__ += revocation.__all__  # revoke, re-issue one certificate
__all__ += reissue_queue.__all__  # queue a bulk re-issue
__all__ += bulk_reissue.__all__  # the bulk re-issue's body and its progress
__all__ += published.__all__  # issuer profile and keys
__all__ += status_list.__all__  # the signed revocation list
__all__ += role_credentials.__all__  # civic roles as signed credentials
