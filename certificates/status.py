"""Status-list indexes: a random, unused bit of the locality's list per certificate.

Internal to the certificates app. The W3C Bitstring Status List recommends
allocating indexes randomly within the list: an index that counts up (the row
id, as before) tells anyone holding two credentials how many certificates the
locality issued between them, and lets credentials be correlated.

Each locality has one status list (its schema), shared by its certificates and
its role credentials. Each table has its own unique constraint; across the two,
allocation is serialized by a transaction-level advisory lock per schema, so two
issues can never take the same bit; a certificate takes it only at the end of
its transaction (drawn first, checked again under the lock), so issuances in
one locality do not wait for each other's PDF and signature. An index is
drawn uniformly from the list's current size; the list doubles while at least
half of it is in use, so a draw finds a free bit in a few tries and the list
keeps its herd privacy. Certificates issued before this kept their id-based
index (migration ``0003_random_status_index``): their published credentials
name it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _

from .documents import STATUS_LIST_BITS
from .models import Certificate as _Certificate
from .models import RoleCredential as _RoleCredential

SIZE_FRESH_SECONDS = 60
_ATTEMPTS = 32  # at most half the list is in use: 32 misses in a row is ~1 in 4e9
_HOLDERS = (_Certificate, _RoleCredential)  # every table that holds a bit


class StatusIndexError(RuntimeError):
    """No free index was found (only possible if the table changed underneath)."""


def list_size() -> int:
    """Bits the list offers new credentials: the minimum, doubled while half full.

    Counting every credential on each issue grows with the locality (a
    scan of 50,000 rows at the campaign's goal), so the size is kept in the
    cache for ``SIZE_FRESH_SECONDS``. A size that is late to double only makes
    draws hit a taken bit a little more often (``draw_free_index`` draws
    again); uniqueness never depends on it.
    """
    key = "certificates:status-list-size"
    size = cache.get(key)
    if size is None:
        size = STATUS_LIST_BITS
        used = _count_used()
        while used * 2 >= size:
            size *= 2
        cache.set(key, size, SIZE_FRESH_SECONDS)
    return size


def _count_used() -> int:
    return _holding(status_index__isnull=False).count()


def _holding(**lookup: Any) -> Any:
    """Bits held by any credential matching ``lookup``, in one query."""
    certificates, *others = (
        model.objects.filter(**lookup).values("status_index") for model in _HOLDERS
    )
    return certificates.union(*others, all=True)


def max_index() -> int:
    """The highest bit in use, by a certificate or a role credential."""
    return max(
        model.objects.aggregate(m=Max("status_index"))["m"] or 0 for model in _HOLDERS
    )


def _taken(candidate: int) -> bool:
    """Whether a certificate or a role credential holds the bit (one query)."""
    return _holding(status_index=candidate).exists()


def _lock_list() -> None:
    # Transaction-level: released at commit, once the row holds its bit.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")


def draw_free_index() -> int:
    """A random index no credential holds right now, without taking the lock.

    Another issuance may claim it before this one does: sign with it, then
    ``claim_index`` it (which checks again under the lock).
    """
    size = list_size()
    for _attempt in range(_ATTEMPTS):
        candidate = secrets.randbelow(size)
        if not _taken(candidate):
            return candidate
    raise StatusIndexError(
        _("No se encontró un índice libre en la lista de estado; intente de nuevo.")
    )


def claim_index(credential: Any, candidate: int) -> bool:
    """Set ``credential.status_index`` to ``candidate`` unless another credential
    took it since it was drawn; False then (draw again). The caller saves the
    field in the same transaction.

    Takes the list's lock, held until the issuing transaction commits: call it
    last, after the slow work (PDF, signature), so concurrent issuances in a
    locality wait for each other's commit only, not for each other's drawing
    and signing.
    """
    _lock_list()
    if _taken(candidate):
        return False
    credential.status_index = candidate
    return True


def allocate_index(credential: Any) -> int:
    """Give a certificate or role credential a random free index (kept if it has one).

    Call inside the issuing transaction: the advisory lock it takes is released
    at commit, after the row holds its bit. (Certificates draw first and claim
    last instead, ``draw_free_index`` and ``claim_index``, to hold the lock for
    less time.)
    """
    if credential.status_index is not None:
        return credential.status_index
    _lock_list()
    candidate = draw_free_index()
    type(credential).objects.filter(pk=credential.pk).update(status_index=candidate)
    credential.status_index = candidate
    return candidate
