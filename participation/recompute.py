"""Set-based recompute of the stored standings: one pass per role, not per person.

Used when a role's rules change and by the nightly recount. Who is considered in
the active locality: its residents, the people holding a certificate issued
here, and everyone it already keeps a standing for (the people the per-person
path, ``standing.recompute_for_person``, reaches). What the rules read is read
once (people, the city-wide certificate index, attendance, open applications,
stored standings); the same pure rules decide (``rules.evaluate``), so both paths
agree by construction (a test checks it); standings whose verdict changed are
written in bulk (INSERT … ON CONFLICT), and people who just became eligible are
told once, in bulk.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from lms.accounts import api as accounts_api
from lms.accounts.data import PersonData
from lms.learning import api as learning_api
from tenants import api as tenants_api

from .catalog import list_roles
from .certified import certified_courses_of, holders_here, rebuild_here
from .data import (
    OPEN_STATUSES,
    ApplicationStatus,
    RecomputeResult,
    RoleData,
    Verdict,
)
from .facts import course_refs
from .models import Application as _Application
from .models import EligibilityRecord as _EligibilityRecord
from .reporting_facts import announce_funnel_change
from .rules import CourseRef, PersonFacts, evaluate
from .standing import NOTICE_KIND, eligible_notice, watch_selected

_Stored = tuple[str, datetime | None]  # verdict, eligible since


@dataclass(frozen=True, slots=True)
class _Pass:
    """What every role's pass in this locality reads, read once."""

    here: str
    today: date
    people: dict[int, PersonFacts]
    courses: dict[str, CourseRef]
    applied: set[tuple[int, int]]
    selected: set[tuple[int, int]]
    stored: dict[tuple[int, int], _Stored]


def recompute_roles(
    role_ids: list[int] | None = None,
    *,
    people: Mapping[int, PersonData] | None = None,
) -> RecomputeResult:
    """Recompute and store the standings of the active locality's roles (all, or
    ``role_ids``). ``people`` (everyone's data, by id) lets a caller that loops
    over the localities read the accounts once."""
    started = time.perf_counter()
    roles = [r for r in list_roles() if role_ids is None or r.role_id in role_ids]
    if not roles:
        return RecomputeResult(0, 0, 0, 0, time.perf_counter() - started)
    everyone = (
        people
        if people is not None
        else {p.user_id: p for p in accounts_api.list_people()}
    )
    state = _read(roles, everyone)
    changed = newly = 0
    for role in roles:
        role_changed, role_newly = _one_role(role, state)
        changed += role_changed
        newly += role_newly
    return RecomputeResult(
        roles=len(roles),
        people=len(state.people),
        changed=changed,
        newly_eligible=newly,
        seconds=time.perf_counter() - started,
    )


def _read(roles: list[RoleData], everyone: Mapping[int, PersonData]) -> _Pass:
    here = tenants_api.current_schema()
    role_ids = [role.role_id for role in roles]
    stored = {
        (user_id, role_id): (verdict, since)
        for user_id, role_id, verdict, since in _EligibilityRecord.objects.filter(
            role_id__in=role_ids
        ).values_list("user_id", "role_id", "verdict", "eligible_since")
    }
    candidates = {uid for uid, p in everyone.items() if p.residence_schema == here}
    candidates |= holders_here() | {user_id for user_id, _role in stored}
    candidates &= everyone.keys()  # an erased account has no standing to keep
    certified = certified_courses_of(candidates)
    attended = (
        learning_api.count_sessions_attended_by_person()
        if any(role.min_sessions_attended for role in roles)
        else {}
    )
    applications = _Application.objects.filter(
        role_id__in=role_ids, status__in=[s.value for s in OPEN_STATUSES]
    ).values_list("role_id", "user_id", "status")
    applied, selected = set(), set()
    for role_id, user_id, status in applications:
        applied.add((role_id, user_id))
        if status == ApplicationStatus.SELECTED:
            selected.add((role_id, user_id))
    return _Pass(
        here=here,
        today=timezone.localdate(),
        people={
            uid: PersonFacts(
                user_id=uid,
                residence_schema=everyone[uid].residence_schema,
                birth_date=everyone[uid].birth_date,
                certified_courses=certified.get(uid, frozenset()),
                sessions_attended=attended.get(uid, 0),
            )
            for uid in candidates
        },
        courses=course_refs(),
        applied=applied,
        selected=selected,
        stored=stored,
    )


@transaction.atomic
def _one_role(role: RoleData, state: _Pass) -> tuple[int, int]:
    """One role's pass: returns (standings written, people newly eligible)."""
    now = timezone.now()
    rows, newly = [], []
    for uid, person in state.people.items():
        is_selected = (role.role_id, uid) in state.selected
        standing = evaluate(
            role,
            person,
            here=state.here,
            today=state.today,
            courses=state.courses,
            has_applied=(role.role_id, uid) in state.applied,
            # Only the selectors' flag on a selected person quotes the rules.
            explain=is_selected,
        )
        if is_selected:
            watch_selected(uid, role, standing)
        before = state.stored.get((uid, role.role_id))
        since = before[1] if before else None
        if standing.verdict == Verdict.ELIGIBLE and since is None:
            since = now
            newly.append(uid)
        elif standing.verdict not in (Verdict.ELIGIBLE, Verdict.APPLIED):
            since = None
        if before == (standing.verdict, since):
            continue  # unchanged: nothing to write
        rows.append(
            _EligibilityRecord(
                user_id=uid,
                role_id=role.role_id,
                verdict=standing.verdict,
                computed_at=now,
                eligible_since=since,
            )
        )
    _EligibilityRecord.objects.bulk_create(
        rows,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["user_id", "role"],
        update_fields=["verdict", "computed_at", "eligible_since"],
    )
    if rows:
        announce_funnel_change()
    learning_api.notify_many(NOTICE_KIND, (eligible_notice(uid, role) for uid in newly))
    return len(rows), len(newly)


def recount_city() -> dict[str, int]:
    """Rebuild the city-wide index of certificates from every locality, then
    recompute every locality's standings, so a lost event is corrected (the
    nightly recount; start it from the public schema). Returns the standings
    written per locality."""
    schemas = tenants_api.locality_schemas()
    for schema in schemas:
        with tenants_api.in_locality(schema):
            rebuild_here()
    people = {person.user_id: person for person in accounts_api.list_people()}
    changed = {}
    for schema in schemas:
        with tenants_api.in_locality(schema):
            changed[schema] = recompute_roles(people=people).changed
    return changed
