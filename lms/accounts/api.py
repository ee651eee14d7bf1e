"""Python API of accounts: the only module other apps import (with ``data.py``
and ``signals.py``).

This module only re-exports: each topic lives in its own module (the
import-linter contract "Accounts modules" in ``pyproject.toml`` keeps their
order). A new public function goes in its topic module and in that module's
``__all__``; it then appears here.

One city-wide account per person (public schema). Invariants:
- one account per identity document and per email (case-insensitive); a second
  registration is refused with a message that says how to recover the first;
- sensitive answers (Ley 1581 de 2012) exist only while their consent is in force;
- deleting a person anonymizes the account and, through ``person_anonymized``, the
  person's rows in every locality schema, in one transaction; the account row
  stays so that aggregate counts survive.
Functions switch to the public schema themselves; callers may be in any schema.
"""

from __future__ import annotations

from . import (
    aggregates,
    consent,
    data_rights,
    email_verification,
    errors,
    identity_keys,
    importer,
    people,
    registration,
    residence,
    sensitive_data,
)
from .aggregates import *  # noqa: F403
from .consent import *  # noqa: F403
from .data import DATA_POLICY_VERSION
from .data_rights import *  # noqa: F403
from .email_verification import *  # noqa: F403
from .errors import *  # noqa: F403
from .identity_keys import *  # noqa: F403
from .importer import *  # noqa: F403
from .people import *  # noqa: F403
from .registration import *  # noqa: F403
from .residence import *  # noqa: F403
from .sensitive_data import *  # noqa: F403
from .signals import people_changed, person_anonymized, person_data_requested

__all__: list[str] = [
    "DATA_POLICY_VERSION",
    # Signals other apps connect to (re-exported so api stays their only door).
    "people_changed",
    "person_anonymized",
    "person_data_requested",
]
__all__ += registration.__all__  # register, correct one's data
__all__ += people.__all__  # read people by id or email
__all__ += residence.__all__  # the locality a person lives in, however written
__all__ += identity_keys.__all__  # opaque usernames, document sign-in, masking
__all__ += email_verification.__all__  # proving an email is the person's
__all__ += consent.__all__  # the data-processing policy accepted
__all__ += sensitive_data.__all__  # sensitive answers under their own consent
__all__ += aggregates.__all__  # counts with small cells suppressed
__all__ += data_rights.__all__  # download everything; delete by anonymization
__all__ += importer.__all__  # bulk import of participants
__all__ += errors.__all__  # errors with messages people can act on
