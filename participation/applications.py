"""Applying for a role, withdrawing, and selection by committee, order or lottery.

Seats are decided under a row lock on the role, so two people applying for the
last seat at the same moment cannot both get it. Every write is one transaction;
nothing is half-stored when a step is refused.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.accounts import api as accounts_api
from lms.accounts.data import Question, age_group, age_on

from . import lottery
from .announcements import announce, announce_drawn, role_left, role_selected
from .catalog import ParticipationError
from .data import (
    ApplicationData,
    ApplicationStatus,
    LotteryEntry,
    LotteryResult,
    SelectionMode,
    Verdict,
)
from .eligibility import eligibility_for
from .models import Application as _Application
from .models import CivicRole as _CivicRole
from .reporting_facts import announce_funnel_change

#: The declaration of no impediment (Ley 850 de 2003, art. 19) the person signs.
DECLARATION_TEXT = gettext_lazy(
    "Declaro que no soy servidor/a público/a relacionado/a con los proyectos que "
    "vigilaría, ni edil/a, concejal/a, diputado/a o congresista, ni contratista, "
    "interventor/a, proveedor/a o trabajador/a de esos proyectos, ni pariente "
    "cercano/a de alguno de ellos (Ley 850 de 2003, art. 19)."
)

_REFUSALS = {
    Verdict.APPLIED: gettext_lazy("Ya tiene una postulación abierta a este rol."),
    Verdict.CLOSED: gettext_lazy("La convocatoria de este rol no está abierta hoy."),
    Verdict.OTHER_LOCALITY: gettext_lazy(
        "Este rol es para quienes viven en esta localidad."
    ),
    Verdict.TOO_YOUNG: gettext_lazy("No tiene la edad que pide este rol."),
}


@transaction.atomic
def apply(
    user_id: int,
    role_id: int,
    *,
    motivation: str,
    declares_no_impediment: bool,
    guardian_name: str = "",
    guardian_consents: bool = False,
) -> ApplicationData:
    """Apply for a role, or raise ``ParticipationError`` saying what to do."""
    role = _CivicRole.objects.select_for_update().get(pk=role_id)
    standing = eligibility_for(user_id, role_id)
    if role.drawn_at is not None and standing.verdict != Verdict.APPLIED:
        raise ParticipationError(
            _(
                "El sorteo de este rol ya se hizo el %(date)s: ya no recibe "
                "postulaciones. Revise los otros roles abiertos en su localidad."
            )
            % {"date": formats.date_format(timezone.localtime(role.drawn_at))}
        )
    if standing.verdict != Verdict.ELIGIBLE:
        missing = [r.explanation for r in standing.results if not r.is_met]
        reason = _REFUSALS.get(standing.verdict)
        raise ParticipationError(str(reason) if reason else " ".join(missing))
    if not declares_no_impediment:
        raise ParticipationError(
            _("Para postularse, lea y marque la declaración de no tener impedimentos.")
        )
    if standing.needs_guardian and not (guardian_name.strip() and guardian_consents):
        raise ParticipationError(
            _(
                "Como tiene menos de %(age)d años, escriba el nombre de su madre, "
                "padre o acudiente y marque su autorización."
            )
            % {"age": role.min_age}
        )
    now = timezone.now()
    status, position = ApplicationStatus.PENDING, None
    if role.selection_mode == SelectionMode.FIRST_COME:
        status, position = _first_come_place(role)
    try:
        with transaction.atomic():
            application = _Application.objects.create(
                role=role,
                user_id=user_id,
                status=status,
                motivation=motivation.strip(),
                # As shown to the person, in the language they read it in.
                declaration_text=str(DECLARATION_TEXT),
                declared_at=now,
                guardian_name=guardian_name.strip() if standing.needs_guardian else "",
                guardian_consent_at=now if standing.needs_guardian else None,
                applied_at=now,
                decided_at=now if status == ApplicationStatus.SELECTED else None,
                waiting_position=position,
            )
    except IntegrityError as exc:
        raise ParticipationError(str(_REFUSALS[Verdict.APPLIED])) from exc
    if application.status == ApplicationStatus.SELECTED:
        announce(role_selected, application)
    else:
        announce_funnel_change()  # one more person applied, no seat yet
    return application_data(application)


def _first_come_place(role: _CivicRole) -> tuple[ApplicationStatus, int | None]:
    taken = role.applications.filter(status=ApplicationStatus.SELECTED).count()
    if taken < role.seats:
        return ApplicationStatus.SELECTED, None
    return ApplicationStatus.WAITING, _next_position(role)


def _next_position(role: _CivicRole) -> int:
    last = role.applications.aggregate(last=Max("waiting_position"))["last"]
    return (last or 0) + 1


@transaction.atomic
def withdraw(user_id: int, role_id: int) -> None:
    """The person leaves the role or the queue; a freed seat goes to the next one."""
    role = _CivicRole.objects.select_for_update().get(pk=role_id)
    application = role.applications.filter(
        user_id=user_id,
        status__in=[
            ApplicationStatus.PENDING,
            ApplicationStatus.WAITING,
            ApplicationStatus.SELECTED,
        ],
    ).first()
    if application is None:
        raise ParticipationError(_("No tiene una postulación abierta a este rol."))
    freed = application.status == ApplicationStatus.SELECTED
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    if freed:
        announce(role_left, application)
        _promote_waiting(role)


def _promote_waiting(role: _CivicRole) -> None:
    taken = role.applications.filter(status=ApplicationStatus.SELECTED).count()
    queue = role.applications.filter(status=ApplicationStatus.WAITING).order_by(
        "waiting_position", "applied_at"
    )
    for application in queue[: max(role.seats - taken, 0)]:
        application.status = ApplicationStatus.SELECTED
        application.decided_at = timezone.now()
        application.waiting_position = None
        application.save(update_fields=["status", "decided_at", "waiting_position"])
        announce(role_selected, application)


@transaction.atomic
def decide(
    application_id: int, *, decision: ApplicationStatus, reason: str, by_user_id: int
) -> ApplicationData:
    """A committee selects, rejects (with a reason) or puts an applicant on hold."""
    application = _Application.objects.select_related("role").get(pk=application_id)
    role = _CivicRole.objects.select_for_update().get(pk=application.role_id)
    if decision == ApplicationStatus.REJECTED and not reason.strip():
        raise ParticipationError(
            _("Escriba el motivo del rechazo: la persona lo verá.")
        )
    was_selected = application.status == ApplicationStatus.SELECTED
    if decision == ApplicationStatus.SELECTED and not was_selected:
        taken = role.applications.filter(status=ApplicationStatus.SELECTED).count()
        if taken >= role.seats:
            raise ParticipationError(
                _("No quedan cupos en este rol: póngala en lista de espera.")
            )
    application.status = decision
    application.reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by_id = by_user_id
    application.waiting_position = (
        _next_position(role) if decision == ApplicationStatus.WAITING else None
    )
    application.save()
    if decision == ApplicationStatus.SELECTED and not was_selected:
        announce(role_selected, application)
    elif was_selected and decision != ApplicationStatus.SELECTED:
        announce(role_left, application)
    return application_data(application)


def lottery_entries(role_id: int) -> list[LotteryEntry]:
    """The published applicant list of a lottery: ids and declared groups only."""
    applications = list(
        _Application.objects.filter(
            role_id=role_id, status=ApplicationStatus.PENDING
        ).order_by("pk")
    )
    user_ids = [a.user_id for a in applications]
    answers = accounts_api.sensitive_answers_for(user_ids)
    people = {p.user_id: p for p in accounts_api.list_people(user_ids)}
    today = timezone.localdate()
    entries = []
    for application in applications:
        held = answers.get(application.user_id, {})
        person = people.get(application.user_id)
        band = (
            age_group(age_on(person.birth_date, today))
            if person and person.birth_date
            else None
        )
        groups = {
            "genero": held[Question.GENDER].answer if Question.GENDER in held else "",
            "grupo_etnico": held[Question.ETHNIC_GROUP].answer
            if Question.ETHNIC_GROUP in held
            else "",
            "grupo_edad": band.value if band else "",
        }
        entries.append(LotteryEntry(application_id=application.pk, groups=groups))
    return entries


@transaction.atomic
def run_lottery(role_id: int, *, seed: str, by_user_id: int) -> LotteryResult:
    """Draw the role's seats among its pending applicants with the published seed."""
    role = _CivicRole.objects.select_for_update().get(pk=role_id)
    if role.selection_mode != SelectionMode.LOTTERY:
        raise ParticipationError(_("Este rol no se asigna por sorteo."))
    if role.drawn_at is not None:
        raise ParticipationError(_("El sorteo de este rol ya se hizo."))
    if not seed.strip():
        raise ParticipationError(_("Escriba la semilla publicada antes del sorteo."))
    entries = lottery_entries(role_id)
    if not entries:
        raise ParticipationError(_("No hay personas postuladas para sortear."))
    result = lottery.draw(
        entries, seats=role.seats, quotas=role.lottery_quotas, seed=seed.strip()
    )
    now = timezone.now()
    # Set-wise: one UPDATE for the seats, a few for the waiting list (a draw of
    # thousands must stay well under the two seconds a person waits for it).
    _Application.objects.filter(pk__in=result.selected).update(
        status=ApplicationStatus.SELECTED, decided_at=now, decided_by_id=by_user_id
    )
    drawn = _Application.objects.in_bulk(result.selected)
    announce_drawn(role, [drawn[application_id] for application_id in result.selected])
    _put_in_queue(result.waiting)
    role.lottery_seed, role.drawn_at = seed.strip(), now
    role.lottery_record = {
        "applicants": [
            {"application_id": e.application_id, "groups": e.groups} for e in entries
        ],
        "selected": list(result.selected),
        "waiting": list(result.waiting),
        "unmet_quotas": list(result.unmet_quotas),
    }
    role.save(update_fields=["lottery_seed", "drawn_at", "lottery_record"])
    return result


def _put_in_queue(application_ids: tuple[int, ...]) -> None:
    """The waiting list in draw order, in one statement (``bulk_update`` builds
    a CASE per row: seconds of Python for a few thousand people)."""
    if not application_ids:
        return
    table = _Application._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET status = %s, waiting_position = q.position "  # noqa: S608 (the model's own table name)
            "FROM unnest(%s::bigint[], %s::int[]) AS q(id, position) "
            "WHERE a.id = q.id",
            [
                ApplicationStatus.WAITING.value,
                list(application_ids),
                list(range(1, len(application_ids) + 1)),
            ],
        )


def lottery_record(role_id: int) -> dict[str, Any]:
    """What anyone needs to re-run a role's draw: the algorithm, seats, quotas,
    the seed and applicant list (once drawn, as the draw saw them) and the result."""
    role = _CivicRole.objects.get(pk=role_id)
    record: dict[str, Any] = {
        "algorithm": (lottery.__doc__ or "").strip(),
        "seats": role.seats,
        "quotas": role.lottery_quotas,
        "seed": role.lottery_seed or None,
        "drawn_at": role.drawn_at.isoformat() if role.drawn_at else None,
    }
    if role.drawn_at is None:
        record["applicants"] = [
            {"application_id": e.application_id, "groups": e.groups}
            for e in lottery_entries(role_id)
        ]
    else:
        record.update(role.lottery_record)
    return record


def list_applications(role_id: int) -> list[ApplicationData]:
    """A role's applications (staff roster), oldest first."""
    rows = _Application.objects.filter(role_id=role_id).order_by("applied_at", "pk")
    return [application_data(row) for row in rows]


def applications_of(user_id: int) -> list[ApplicationData]:
    rows = _Application.objects.filter(user_id=user_id).order_by("-applied_at")
    return [application_data(row) for row in rows]


def application_data(row: Any) -> ApplicationData:
    return ApplicationData(
        application_id=row.pk,
        role_id=row.role_id,
        user_id=row.user_id,
        status=ApplicationStatus(row.status),
        motivation=row.motivation,
        applied_at=row.applied_at,
        decided_at=row.decided_at,
        reason=row.reason,
        waiting_position=row.waiting_position,
        requirements_note=row.requirements_note if row.requirements_lost_at else "",
    )
