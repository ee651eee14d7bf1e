"""Values the learning records hand to other apps (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ActivityStateData:
    """What one learner has done in one activity (identified by a stable key)."""

    user_id: int
    activity_key: str
    attempted: bool
    completed: bool
    passed: bool
    failed: bool
    best_score_scaled: float | None
    best_score_raw: float | None
    best_score_max: float | None
    statements_count: int
    resume_state: str
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordResult:
    """Outcome of storing a batch of xAPI statements."""

    stored: int
    duplicates: int
    state: ActivityStateData
