"""A public lottery with stratified quotas that anyone can re-run (pure functions).

The algorithm, published with every draw:
1. The applicant list is the role's pending applications, each as an id and its
   groups (gender, age band, population group) as the person declared them.
2. Each applicant's ticket is SHA-256 of ``"<seed>:<application id>"`` in hex; the
   draw order is the applicants sorted by ticket. The seed is published before the
   draw (for example the numbers of a public lottery of that day), so nobody can
   choose an order, and anyone with the seed and the list gets the same order.
3. Quotas are minimum seats per group, taken in alphabetical order of dimension
   and group: walk the draw order and select people of that group until the quota
   is met or the seats run out. A quota not met is reported, with why: too few
   applicants of that group (its seats go to the general draw), or quotas taken
   before it used up the seats (the quotas ask for more than the seats).
4. Remaining seats go in draw order; everyone else is on the waiting list, in
   draw order.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from .data import LotteryEntry, LotteryResult


def ticket(seed: str, application_id: int) -> str:
    """The applicant's place in the draw: anyone can recompute it."""
    return hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()


def draw(
    entries: list[LotteryEntry],
    *,
    seats: int,
    quotas: dict[str, dict[str, int]],
    seed: str,
) -> LotteryResult:
    """Select ``seats`` applicants from ``entries`` with the quotas, by the seed."""
    order = sorted(entries, key=lambda entry: ticket(seed, entry.application_id))
    selected: list[int] = []
    chosen: set[int] = set()  # the same ids as ``selected``, for fast lookups
    unmet: list[str] = []
    for dimension in sorted(quotas):
        for group, minimum in sorted(quotas[dimension].items()):
            members = [e for e in order if e.groups.get(dimension) == group]
            already = sum(1 for e in members if e.application_id in chosen)
            for entry in members:
                if already >= minimum or len(selected) >= seats:
                    break
                if entry.application_id not in chosen:
                    selected.append(entry.application_id)
                    chosen.add(entry.application_id)
                    already += 1
            if already < minimum:
                unmet.append(_unmet(dimension, group, minimum, len(members), seats))
    for entry in order:
        if len(selected) >= seats:
            break
        if entry.application_id not in chosen:
            selected.append(entry.application_id)
            chosen.add(entry.application_id)
    waiting = tuple(e.application_id for e in order if e.application_id not in chosen)
    return LotteryResult(
        seed=seed, selected=tuple(selected), waiting=waiting, unmet_quotas=tuple(unmet)
    )


def _unmet(dimension: str, group: str, minimum: int, found: int, seats: int) -> str:
    """Which quota was not met and why, for the managers and the published record."""
    values = {
        "dimension": dimension,
        "group": group,
        "minimum": minimum,
        "found": found,
        "seats": seats,
    }
    if found < minimum:
        return (
            _(
                "Cuota «%(dimension)s = %(group)s» no cumplida: pedía %(minimum)d "
                "cupos y solo se postularon %(found)d personas de ese grupo; los "
                "cupos que faltaron pasaron al sorteo general."
            )
            % values
        )
    return (
        _(
            "Cuota «%(dimension)s = %(group)s» no cumplida: pedía %(minimum)d cupos, "
            "pero las cuotas anteriores ya ocuparon los %(seats)d cupos del rol. "
            "Revise que las cuotas no sumen más que los cupos."
        )
        % values
    )
