"""Status-list indexes: a random, unused bit of the locality's list per certificate.

Internal to the certificates app. The W3C Bitstring Status List recommends
allocating indexes randomly within the list: an index that counts up (the row
id, as before) tells anyone holding two credentials how many certificates the
locality issued between them, and lets credentials be correlated.

Each locality has one status list (its schema), shared by its certificates and
its role credentials. Each table has its own unique constraint; across the two,
allocation is serialized by a transaction-level advisory lock per schema, so two
issues can never take the same bit. An index is
drawn uniformly from the list's current size; the list doubles while at least
half of it is in use, so a draw finds a free bit in a few tries and the list
keeps its herd privacy. Certificates issued before this kept their id-based
index (migration ``0003_random_status_index``): their published credentials
name it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .documents import STATUS_LIST_BITS
from .models import Certificate as _Certificate
from .models import RoleCredential as _RoleCredential

_ATTEMPTS = 32  # at most half the list is in use: 32 misses in a row is ~1 in 4e9
_HOLDERS = (_Certificate, _RoleCredential)  # every table that holds a bit


class StatusIndexError(RuntimeError):
    """No free index was found (only possible if the table changed underneath)."""


def list_size() -> int:
    """Bits the list offers new credentials: the minimum, doubled while half full."""
    used = sum(
        model.objects.filter(status_index__isnull=False).count() for model in _HOLDERS
    )
    size = STATUS_LIST_BITS
    while used * 2 >= size:
        size *= 2
    return size


def max_index() -> int:
    """The highest bit in use, by a certificate or a role credential."""
    return max(
        model.objects.aggregate(m=Max("status_index"))["m"] or 0 for model in _HOLDERS
    )


def _taken(candidate: int) -> bool:
    return any(
        model.objects.filter(status_index=candidate).exists() for model in _HOLDERS
    )


def allocate_index(credential: Any) -> int:
    """Give a certificate or role credential a random free index (kept if it has one).

    Call inside the issuing transaction: the advisory lock it takes is released
    at commit, after the row holds its bit.
    """
    if credential.status_index is not None:
        return credential.status_index
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
    size = list_size()
    for _attempt in range(_ATTEMPTS):
        candidate = secrets.randbelow(size)
        if _taken(candidate):
            continue
        with transaction.atomic():
            type(credential).objects.filter(pk=credential.pk).update(
                status_index=candidate
            )
        credential.status_index = candidate
        return candidate
    raise StatusIndexError(
        _("No se encontró un índice libre en la lista de estado; intente de nuevo.")
    )
