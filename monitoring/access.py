"""Who may see what of citizen reports, and who records workshops: the one
place these checks live.

A published report (and its photos) is public. Before that, and after a
return, only its author and this locality's reviewers (``REVIEW_PERMISSION``,
from ``ROLE_POLICY``) may see it. Permissions are per schema, so a Kennedy
reviewer is nobody in Bosa.
"""

from __future__ import annotations

from typing import Any

from lms.learning.data import SessionData

from .answers import ANSWER_PERMISSION
from .data import ReportData, ReportStatus, VeeduriaData
from .review import REVIEW_PERMISSION

ASSIGN_PERMISSION = "monitoring.add_assignment"
# Workshops: facilitators mark their own sessions, managers any of the locality's.
WORKSHOP_PERMISSION = "monitoring.record_workshop"
ANY_WORKSHOP_PERMISSION = "monitoring.record_any_workshop"
VEEDURIA_PERMISSION = "monitoring.add_veeduria"


def may_review(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm(REVIEW_PERMISSION))


def may_answer(user: Any) -> bool:
    """Entity staff: they answer published reports for the alcaldía local."""
    return bool(user.is_authenticated and user.has_perm(ANSWER_PERMISSION))


def may_assign(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm(ASSIGN_PERMISSION))


def may_register_veedurias(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm(VEEDURIA_PERMISSION))


def may_see_report(user: Any, report: ReportData) -> bool:
    """Published: anyone. Otherwise the author or a reviewer of this locality."""
    if report.status is ReportStatus.PUBLISHED:
        return True
    if not user.is_authenticated:
        return False
    if report.author_id == user.pk:
        return True
    return may_review(user)


def may_get_founding_record(user: Any, veeduria: VeeduriaData) -> bool:
    """The founding record names members and their documents: its members, and
    this locality's staff who register veedurías or review reports."""
    if not user.is_authenticated:
        return False
    if user.pk in veeduria.member_ids:
        return True
    return may_register_veedurias(user) or may_review(user)


def may_correct_report(user: Any, report: ReportData) -> bool:
    """Only the author corrects a report, and only once it came back."""
    return bool(
        user.is_authenticated
        and report.author_id == user.pk
        and report.status is ReportStatus.RETURNED
    )


def may_record_workshops(user: Any) -> bool:
    """Opens the workshops screen: facilitators and managers of this locality."""
    return bool(user.is_authenticated and user.has_perm(WORKSHOP_PERMISSION))


def may_record_workshop(user: Any, session: SessionData) -> bool:
    """Marks this session as a workshop and records its barrios: the facilitator
    of the session's group, or whoever may record any session here."""
    if not may_record_workshops(user):
        return False
    if session.facilitator_id == user.pk:
        return True
    return may_record_any_workshop(user)


def may_record_any_workshop(user: Any) -> bool:
    """Any session of this locality, not only the person's own groups'."""
    return bool(user.is_authenticated and user.has_perm(ANY_WORKSHOP_PERMISSION))
