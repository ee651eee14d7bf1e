"""Status-list indexes: a random, unused bit of the locality's list per certificate.

Internal to the certificates app. The W3C Bitstring Status List recommends
allocating indexes randomly within the list: an index that counts up (the row
id, as before) tells anyone holding two credentials how many certificates the
locality issued between them, and lets credentials be correlated.

Each locality has one status list (its schema), so "unique per list" is the
``one_status_index_per_list`` constraint on the certificate table. An index is
drawn uniformly from the list's current size; the list doubles while at least
half of it is in use, so a draw finds a free bit in a few tries and the list
keeps its herd privacy. Certificates issued before this kept their id-based
index (migration ``0003_random_status_index``): their published credentials
name it.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from .documents import STATUS_LIST_BITS
from .models import Certificate as _Certificate

_ATTEMPTS = 32  # at most half the list is in use: 32 misses in a row is ~1 in 4e9
_CONSTRAINT = "one_status_index_per_list"


class StatusIndexError(RuntimeError):
    """No free index was found (only possible if the table changed underneath)."""


def list_size() -> int:
    """Bits the list offers new certificates: the minimum, doubled while half full."""
    used = _Certificate.objects.filter(status_index__isnull=False).count()
    size = STATUS_LIST_BITS
    while used * 2 >= size:
        size *= 2
    return size


def allocate_index(certificate: _Certificate) -> int:
    """Give ``certificate`` a random free index (kept if it already has one)."""
    if certificate.status_index is not None:
        return certificate.status_index
    size = list_size()
    for _attempt in range(_ATTEMPTS):
        candidate = secrets.randbelow(size)
        if _Certificate.objects.filter(status_index=candidate).exists():
            continue
        try:
            with transaction.atomic():  # savepoint: a collision must not end the issue
                _Certificate.objects.filter(pk=certificate.pk).update(
                    status_index=candidate
                )
        except IntegrityError as exc:
            if _CONSTRAINT not in str(exc):
                raise
            continue  # a concurrent issue took the same bit: draw again
        certificate.status_index = candidate
        return candidate
    raise StatusIndexError(
        "No se encontró un índice libre en la lista de estado; intente de nuevo."
    )
