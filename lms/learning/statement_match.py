"""When two xAPI statements are "the same statement" (xAPI 1.0.3, IEEE 9274.1.1).

An LRS that receives a statement whose id it already stores must tell an exact
replay (accepted, stored once) from different content under the same id (409
Conflict). The specification's Statement Comparison Requirements (Data, 2.3.1):
differences that the exceptions to statement immutability could have caused are
ignored, any other difference, even of serialization, counts. The exceptions:

- properties the LRS assigns or may assign: ``id``, ``authority``, ``stored``,
  ``version``, and ``timestamp`` when one side lacks it (the LRS sets it when
  the statement came without one);
- Activity Definitions (``definition`` of every Activity the statement
  references): they are not part of the statement itself;
- the ``display`` of the Verb;
- the serialization of timestamps: the same instant in another time zone or
  precision of notation is the same timestamp;
- the order of the members of a Group (an unordered list);
- attachments (not part of the statement);
- case in case-insensitive values: the domain of an ``mbox`` e-mail address,
  UUIDs (``context.registration``, a StatementRef's ``id``).

Explicitly not an exception: ``result.duration`` is compared as a string. JSON
object member order never matters (the statements are compared as parsed
values). Pure functions: no database, no Django.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

__all__ = ["same_statement"]

_ASSIGNED_BY_LRS = ("id", "authority", "stored", "version", "attachments")
_CONTEXT_ACTIVITIES = ("parent", "grouping", "category", "other")


def same_statement(stored: Mapping[str, Any], received: Mapping[str, Any]) -> bool:
    """True when ``received`` matches ``stored`` under xAPI's comparison rule."""
    a, b = _comparable(stored), _comparable(received)
    stamp_a, stamp_b = a.pop("timestamp", None), b.pop("timestamp", None)
    if stamp_a is not None and stamp_b is not None and stamp_a != stamp_b:
        return False
    return a == b


def _comparable(statement: Mapping[str, Any], *, top: bool = True) -> dict:
    """The statement with every difference the rule ignores taken out."""
    out = {
        k: v
        for k, v in statement.items()
        if not (top and k in _ASSIGNED_BY_LRS) and v is not None
    }
    if "timestamp" in out:
        out["timestamp"] = _instant(out["timestamp"])
    if isinstance(out.get("verb"), Mapping):
        out["verb"] = {k: v for k, v in out["verb"].items() if k != "display"}
    for key in ("actor", "authority"):
        if isinstance(out.get(key), Mapping):
            out[key] = _agent(out[key])
    if isinstance(out.get("object"), Mapping):
        out["object"] = _object(out["object"])
    if isinstance(out.get("context"), Mapping):
        out["context"] = _context(out["context"])
    return out


def _object(obj: Mapping[str, Any]) -> Any:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity(obj)
    if kind in ("Agent", "Group"):
        return _agent(obj)
    if kind == "StatementRef":
        return {**obj, "id": str(obj.get("id", "")).lower()}
    if kind == "SubStatement":
        return _comparable(obj, top=False)
    return dict(obj)


def _activity(activity: Any) -> Any:
    if not isinstance(activity, Mapping):
        return activity
    return {k: v for k, v in activity.items() if k != "definition"}


def _context(context: Mapping[str, Any]) -> dict:
    out = dict(context)
    if isinstance(out.get("registration"), str):
        out["registration"] = out["registration"].lower()
    for key in ("instructor", "team"):
        if isinstance(out.get(key), Mapping):
            out[key] = _agent(out[key])
    activities = out.get("contextActivities")
    if isinstance(activities, Mapping):
        # A single Activity and a list of one are the same (xAPI 1.0.3, 2.4.6.2).
        out["contextActivities"] = {
            k: [_activity(a) for a in (v if isinstance(v, list) else [v])]
            for k, v in activities.items()
            if k in _CONTEXT_ACTIVITIES
        } | {k: v for k, v in activities.items() if k not in _CONTEXT_ACTIVITIES}
    return out


def _agent(agent: Mapping[str, Any]) -> dict:
    out = dict(agent)
    mbox = out.get("mbox")
    if isinstance(mbox, str) and "@" in mbox:
        local, _, domain = mbox.rpartition("@")
        out["mbox"] = f"{local}@{domain.lower()}"
    members = out.get("member")
    if isinstance(members, list):
        normal = [_agent(m) if isinstance(m, Mapping) else m for m in members]
        out["member"] = sorted(normal, key=lambda m: json.dumps(m, sort_keys=True))
    return out


def _instant(value: Any) -> Any:
    """A timestamp as the instant it names (ISO 8601), or as it came if not one."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment if moment.tzinfo else value
