"""Attendance to in-person sessions: the facilitator's roster, the QR check-in
and a CSV import.

Invariants:
- attendance is unique per session and person, and only people actively
  enrolled in the session's cohort are recorded (roster, QR or CSV);
- a session's QR code is signed with the session's own secret and expires after
  ``QR_MAX_AGE_SECONDS``, so it cannot be forged, kept or moved to another
  session;
- every new attendance is an xAPI event, counts the day as active and is
  evaluated against the course's rule in the same transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.accounts import api as accounts_api

from .cohorts import session_data
from .completion import evaluate_completion, mark_active
from .data import AttendanceImport, SessionData
from .errors import LearningError
from .events import record_event
from .models import Attendance as _Attendance
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession

__all__ = [
    "QR_MAX_AGE_SECONDS",
    "AttendanceImport",
    "check_in_with_qr",
    "import_attendance_csv",
    "list_session_attendance",
    "qr_token",
    "record_attendance",
]

QR_MAX_AGE_SECONDS = 120


def list_session_attendance(session_id: int) -> set[int]:
    """Ids of the people recorded present at the session."""
    return set(
        _Attendance.objects.filter(session_id=session_id).values_list(
            "user_id", flat=True
        )
    )


def qr_token(session_id: int, *, issued_at: datetime | None = None) -> str:
    """The code the facilitator's phone shows; it expires after two minutes.

    ``<session id>.<time>.<signature>``, signed by Django's ``TimestampSigner``
    with the session's own secret, so it cannot be forged or moved to another
    session; the facilitator's page asks for a fresh one as it expires.
    ``issued_at`` dates the code in the past (tests of expiry).
    """
    session = _InPersonSession.objects.get(pk=session_id)
    return _QrSigner(session, issued_at=issued_at).sign(str(session.pk))


class _QrSigner(signing.TimestampSigner):
    """Django's timestamped signer keyed by one session's secret.

    ``.`` separates the parts, as in the codes before, so they stay plain in a
    URL path. Only ``timestamp`` is overridden, to date a code when asked.
    """

    def __init__(
        self, session: _InPersonSession, *, issued_at: datetime | None = None
    ) -> None:
        # No fallback keys: a code is valid under its session's secret only (the
        # default would also accept the project's SECRET_KEY_FALLBACKS).
        super().__init__(
            key=session.qr_secret, sep=".", salt="learning.qr", fallback_keys=[]
        )
        self.issued_at = issued_at

    def timestamp(self) -> str:
        if self.issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.issued_at.timestamp()))


@transaction.atomic
def check_in_with_qr(user_id: int, token: str) -> SessionData:
    """Record the learner's attendance from a scanned session QR code.

    Refused with a message for a malformed, forged or expired code, and for a
    learner not actively enrolled in the session's cohort. Scanning twice
    records one attendance.
    """
    token = token.strip()
    try:
        raw_id, _stamp, _signature = token.split(".")
        session = _InPersonSession.objects.select_related("cohort").get(pk=int(raw_id))
    except (ValueError, _InPersonSession.DoesNotExist) as exc:
        raise LearningError(
            _(
                "Este código no es de una sesión de la plataforma; escanee el "
                "código que muestra quien facilita la sesión."
            )
        ) from exc
    try:
        _QrSigner(session).unsign(token, max_age=QR_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise LearningError(
            _(
                "El código venció; pida a quien facilita la sesión que muestre el "
                "código actual y escanéelo de nuevo."
            )
        ) from exc
    except signing.BadSignature as exc:
        raise LearningError(
            _(
                "El código no es válido; escanee el código que muestra quien "
                "facilita la sesión."
            )
        ) from exc
    if not _Enrollment.objects.filter(
        user_id=user_id, cohort_id=session.cohort_id, status="active"
    ).exists():
        raise LearningError(
            _(
                "Este código es de una sesión de otro grupo; usted no hace parte de "
                "«%(group)s». Hable con quien facilita la sesión."
            )
            % {"group": session.cohort.name}
        )
    _attend(session, user_id, _Attendance.Method.QR)
    return session_data(session, session.cohort.course_key)


@transaction.atomic
def record_attendance(session_id: int, user_ids: Iterable[int]) -> int:
    """Mark learners present from the roster; returns how many were new.

    People not actively enrolled in the cohort are refused (the whole call),
    so a wrong tap never counts someone from another group.
    """
    session = _InPersonSession.objects.select_related("cohort").get(pk=session_id)
    wanted = set(user_ids)
    enrolled = set(
        _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active", user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - enrolled:
        outside = len(wanted - enrolled)
        raise LearningError(
            ngettext(
                "%(n)d persona de la lista no está en este grupo; quítela de la "
                "lista o agréguela al grupo con «Agregar personas».",
                "%(n)d personas de la lista no están en este grupo; quítelas de la "
                "lista o agréguelas al grupo con «Agregar personas».",
                outside,
            )
            % {"n": outside}
        )
    return sum(_attend(session, uid, _Attendance.Method.ROSTER) for uid in wanted)


@transaction.atomic
def import_attendance_csv(session_id: int, text: str) -> AttendanceImport:
    """Import a paper sheet: a CSV with a ``correo`` (email) column, one row per
    person present. Unknown people and people outside the cohort are listed by
    row and skipped; the others are recorded (once each)."""
    session = _InPersonSession.objects.select_related("cohort").get(pk=session_id)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
    if "correo" not in fields:
        raise LearningError(
            _(
                "La planilla no tiene la columna «correo»; agregue esa columna con "
                "el correo de cada persona presente."
            )
        )
    rows = [
        (n, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()})
        for n, row in enumerate(reader, start=2)
    ]
    emails = {r["correo"].lower() for _line, r in rows if r.get("correo")}
    people = accounts_api.find_people_by_email(emails)
    enrolled = set(
        _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active"
        ).values_list("user_id", flat=True)
    )
    errors: list[str] = []
    recorded = already = 0
    for number, row in rows:
        email = row.get("correo", "").lower()
        if not email:
            errors.append(_("Fila %(number)s: falta el correo.") % {"number": number})
        elif email not in people:
            errors.append(
                _(
                    "Fila %(number)s: nadie tiene la cuenta «%(email)s»; revise el correo."
                )
                % {"number": number, "email": email}
            )
        elif people[email] not in enrolled:
            errors.append(
                _("Fila %(number)s: «%(email)s» no hace parte de este grupo.")
                % {"number": number, "email": email}
            )
        elif _attend(session, people[email], _Attendance.Method.CSV):
            recorded += 1
        else:
            already += 1
    return AttendanceImport(recorded=recorded, already=already, errors=tuple(errors))


def _attend(session: _InPersonSession, user_id: int, method: str) -> bool:
    _row, created = _Attendance.objects.get_or_create(
        session=session, user_id=user_id, defaults={"method": method}
    )
    if created:
        course_key = session.cohort.course_key
        record_event(user_id, "attended", f"session:{session.pk}", ref="present")
        mark_active(user_id, course_key)
        evaluate_completion(user_id, course_key)
    return created
