"""xAPI statements from activities (H5P, quizzes) and each learner's state per activity.

Invariants:
- a statement is stored at most once per statement id: retrying a request stores
  nothing twice and does not change the activity's state again; a known id with
  different content is refused whole (xAPI 1.0.3: 409 Conflict, nothing stored);
- the actor of a statement is whoever the caller says it is (the signed-in
  learner); the actor sent by the client is never trusted;
- state only improves: once attempted, completed or passed it stays so, and the
  best score is the highest ever received;
- a new result that changes the activity's completion or best score is
  evaluated at once against every course that grades the activity (same
  transaction); one that changes neither cannot complete a course and only
  marks the day active (ADR 0027); when the day was already counted too (a
  routine result), it is stored and folded by one SQL statement, with no
  transaction of its own (ADR 0044).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .completion import after_activity_result
from .data import ActivityStateData, RecordResult
from .errors import InvalidStatement, StatementConflict
from .events import VERBS
from .models import ActivityState as _ActivityState
from .models import XapiStatement as _XapiStatement
from .statement_match import same_statement
from .statement_sql import Delta, fold, insert_new, lock_state, store_routine

__all__ = [
    "MAX_BATCH",
    "ActivityStateData",
    "RecordResult",
    "get_activity_state",
    "list_activity_states",
    "record_statements",
    "save_resume_state",
]

MAX_BATCH = 500
MAX_RESUME_STATE = 256 * 1024

_SUBCONTENT = "http://h5p.org/x-api/h5p-subContentId"


def record_statements(
    user_id: int, statements: Iterable[Mapping[str, Any]], *, activity_key: str
) -> RecordResult:
    """Store the learner's statements about one activity and update its state.

    Statements without an ``id`` get a new one (so they cannot be deduplicated).
    A statement whose id is already stored with the same content (xAPI's
    comparison rule, see ``same_statement``) is counted as a duplicate and
    ignored. Raises ``InvalidStatement`` if one is malformed and
    ``StatementConflict`` if an id is already stored with different content or
    for another learner or activity, or comes twice in the request with
    different content; in both cases nothing of the request is stored.
    """
    parsed = [_parse(s, index) for index, s in enumerate(statements)]
    if len(parsed) > MAX_BATCH:
        raise InvalidStatement(
            _(
                "Se recibieron %(count)d declaraciones; envíe como máximo "
                "%(max)d por solicitud."
            )
            % {"count": len(parsed), "max": MAX_BATCH}
        )
    if len(parsed) == 1:
        routine = _store_routine(user_id, activity_key, parsed[0])
        if routine is not None:
            return routine
    return _store(user_id, activity_key, parsed)


def _store_routine(user_id: int, activity_key: str, item: dict) -> RecordResult | None:
    """The player's common post, one answer that changes nothing a course
    looks at on a day already counted, in one SQL statement and no
    transaction; ``None``, with nothing written, for any other statement."""
    routine = store_routine(user_id, activity_key, item, _delta([item]))
    if routine is None:
        return None
    if not routine.inserted:
        # The id was stored before and nothing was written: a replay is a
        # duplicate, anything else a conflict (raised, nothing stored).
        _check_known(user_id, activity_key, [item])
    return RecordResult(
        stored=1 if routine.inserted else 0,
        duplicates=0 if routine.inserted else 1,
        state=ActivityStateData(**routine.state),
    )


@transaction.atomic
def _store(user_id: int, activity_key: str, parsed: list[dict]) -> RecordResult:
    # New statements are inserted first; the unique index on the id says which
    # were stored before, so the common case (all new) reads nothing. A known
    # id is then compared with what is stored; a conflict raises, and the
    # transaction takes back everything this request wrote. The state row is
    # locked before the insert, in the order ``store_routine`` takes them.
    unique = _unique(parsed)
    lock_state(user_id, activity_key)
    inserted = insert_new(user_id, activity_key, unique)
    if len(inserted) < len(unique):
        _check_known(
            user_id,
            activity_key,
            [item for item in unique if item["statement_id"] not in inserted],
        )
    fresh = [item for item in unique if item["statement_id"] in inserted]
    if not fresh:
        state, _made = _ActivityState.objects.get_or_create(
            user_id=user_id, activity_key=activity_key
        )
        return RecordResult(stored=0, duplicates=len(parsed), state=_to_data(state))
    folded, new_state = fold(user_id, activity_key, _delta(fresh))
    state = folded.state
    changed = (state["completed"], state["best_score_scaled"]) != (
        folded.completed_before,
        folded.best_before,
    )
    active_today = not new_state and (
        timezone.localdate(folded.updated_before) == timezone.localdate()
    )
    # A better result may complete a course that grades this activity, and the
    # first result of the day marks the day active in those courses. A result
    # that changes neither completion nor the best score cannot complete a
    # course, so it only marks the day; when the day was already counted too,
    # the course lookups are skipped altogether.
    if changed or not active_today:
        after_activity_result(user_id, activity_key, evaluate=changed)
    return RecordResult(
        stored=len(fresh),
        duplicates=len(parsed) - len(fresh),
        state=ActivityStateData(**state),
    )


def _unique(parsed: list[dict]) -> list[dict]:
    """The request's statements with each id once; ``StatementConflict`` if an
    id comes twice with different content."""
    seen: dict[uuid.UUID, dict] = {}
    conflicts: list[str] = []
    for item in parsed:
        sid = item["statement_id"]
        if sid not in seen:
            seen[sid] = item
        elif not same_statement(seen[sid]["statement"], item["statement"]):
            conflicts.append(str(sid))
    if conflicts:
        raise StatementConflict(conflicts)
    return list(seen.values())


def _check_known(user_id: int, activity_key: str, known: list[dict]) -> None:
    """``StatementConflict`` unless each already-stored statement is the same
    one (same learner, activity and content, by xAPI's rule)."""
    stored = {
        sid: (owner, key, body)
        for sid, owner, key, body in _XapiStatement.objects.filter(
            statement_id__in=[item["statement_id"] for item in known]
        ).values_list("statement_id", "user_id", "activity_key", "statement")
    }
    conflicts = []
    for item in known:
        owner, key, body = stored[item["statement_id"]]
        # The actor and the activity are the caller's, not the client's: the
        # same id from another learner or activity is another statement.
        same = owner == user_id and key == activity_key
        if not (same and same_statement(body, item["statement"])):
            conflicts.append(str(item["statement_id"]))
    if conflicts:
        raise StatementConflict(conflicts)


def get_activity_state(user_id: int, activity_key: str) -> ActivityStateData | None:
    """The learner's state in the activity, or None if they never touched it."""
    state = _ActivityState.objects.filter(
        user_id=user_id, activity_key=activity_key
    ).first()
    return _to_data(state) if state else None


def list_activity_states(
    user_id: int, *, key_prefix: str = ""
) -> list[ActivityStateData]:
    """All of the learner's activity states in this locality (progress page)."""
    qs = _ActivityState.objects.filter(
        user_id=user_id, activity_key__startswith=key_prefix
    ).order_by("activity_key")
    return [_to_data(state) for state in qs]


@transaction.atomic
def save_resume_state(
    user_id: int, activity_key: str, *, state: str
) -> ActivityStateData:
    """Keep the player's saved state so the learner resumes where they left off."""
    if len(state) > MAX_RESUME_STATE:
        raise InvalidStatement(
            _(
                "El estado guardado de la actividad es demasiado grande "
                "(máximo %(kb)d KB)."
            )
            % {"kb": MAX_RESUME_STATE // 1024}
        )
    row, _created = _ActivityState.objects.get_or_create(
        user_id=user_id, activity_key=activity_key
    )
    row.resume_state = state
    row.save(update_fields=["resume_state", "updated_at"])
    return _to_data(row)


def _parse(statement: Any, index: int) -> dict:
    number = {"n": index + 1}
    if not isinstance(statement, Mapping):
        raise InvalidStatement(_("La declaración %(n)d no es un objeto JSON.") % number)
    raw_id = statement.get("id")
    try:
        statement_id = uuid.UUID(str(raw_id)) if raw_id else uuid.uuid4()
    except ValueError as exc:
        raise InvalidStatement(
            _(
                "La declaración %(n)d tiene un id que no es un UUID (%(id)r); use un UUID."
            )
            % {**number, "id": raw_id}
        ) from exc
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, Mapping) else None
    if not isinstance(verb_id, str) or not verb_id:
        raise InvalidStatement(
            _("La declaración %(n)d no tiene verbo (verb.id); agréguelo.") % number
        )
    result = statement.get("result") or {}
    if not isinstance(result, Mapping):
        raise InvalidStatement(
            _("La declaración %(n)d tiene un resultado que no es un objeto.") % number
        )
    score = result.get("score") or {}
    if not isinstance(score, Mapping):
        raise InvalidStatement(
            _("La declaración %(n)d tiene un puntaje que no es un objeto.") % number
        )
    definition = (statement.get("object") or {}).get("definition") or {}
    extensions = definition.get("extensions") or {}
    return {
        "statement_id": statement_id,
        "verb": verb_id[:200],
        "counts_for_activity": _SUBCONTENT not in extensions,
        "score_raw": _number(score.get("raw"), number),
        "score_max": _number(score.get("max"), number),
        "score_scaled": _number(score.get("scaled"), number),
        "success": _flag(result.get("success")),
        "completion": _flag(result.get("completion")),
        "statement": dict(statement, id=str(statement_id)),
    }


def _number(value: Any, number: dict[str, int]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidStatement(
            _("La declaración %(n)d tiene un puntaje que no es un número.") % number
        )
    return float(value)


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _delta(items: list[dict]) -> Delta:
    """What new statements say about the activity, as if folded one by one
    (state only improves): sub-questions only mark it attempted; a completion,
    pass or fail verb or flag counts; the best score is the first highest
    scaled one (raw/max when a statement gives no scaled score)."""
    completed = passed = failed = False
    best: tuple[float, float | None, float | None] | None = None
    for item in items:
        if not item["counts_for_activity"]:
            continue
        verb = item["verb"].removeprefix(VERBS)
        if verb in {"completed", "passed", "failed"} or item["completion"]:
            completed = True
        if verb == "passed" or item["success"] is True:
            passed = True
        elif verb == "failed" or item["success"] is False:
            failed = True
        scaled, raw, top = item["score_scaled"], item["score_raw"], item["score_max"]
        if scaled is None and raw is not None and top:
            scaled = raw / top
        if scaled is not None and (best is None or scaled > best[0]):
            best = (scaled, raw, top)
    return Delta(
        count=len(items),
        completed=completed,
        passed=passed,
        failed=failed,
        best_scaled=best[0] if best else None,
        best_raw=best[1] if best else None,
        best_max=best[2] if best else None,
    )


def _to_data(state: _ActivityState) -> ActivityStateData:
    return ActivityStateData(
        user_id=state.user_id,
        activity_key=state.activity_key,
        attempted=state.attempted,
        completed=state.completed,
        passed=state.passed,
        failed=state.failed,
        best_score_scaled=state.best_score_scaled,
        best_score_raw=state.best_score_raw,
        best_score_max=state.best_score_max,
        statements_count=state.statements_count,
        resume_state=state.resume_state,
        updated_at=state.updated_at,
    )
