"""Values of the participation app that other apps may hold (stdlib only).

Role kinds are the city-wide templates of the civic roles the training leads to;
each locality opens them in a cycle with its own seats and dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks a label for the translation catalogs (``makemessages`` knows the
    name); it is translated where it is shown, as this module imports only the
    standard library."""
    return message


class RoleKind(StrEnum):
    BUDGET_DELEGATE = "delegado_pp"
    CITIZEN_MONITOR = "veedor"
    CI_FACILITATOR = "facilitador_ic"
    DATA_AUDITOR = "auditor_datos"


ROLE_KIND_LABELS: dict[str, str] = {
    RoleKind.BUDGET_DELEGATE: gettext_noop("Delegado/a de presupuestos participativos"),
    RoleKind.CITIZEN_MONITOR: gettext_noop("Veedor/a ciudadano/a"),
    RoleKind.CI_FACILITATOR: gettext_noop("Facilitador/a de inteligencia colectiva"),
    RoleKind.DATA_AUDITOR: gettext_noop("Auditor/a de datos abiertos"),
}


class InvestmentLine(StrEnum):
    """The five lines of the Local Development Funds (PARTICIPATION.md): the one
    definition, also used by ``monitoring`` for its projects."""

    LOCAL_ECONOMY = "economia_local"
    INFRASTRUCTURE = "infraestructura"
    REACTIVATION = "reactivacion"
    ENVIRONMENT = "ambiental"
    RURALITY = "ruralidad"

    @property
    def label(self) -> str:
        return INVESTMENT_LINE_LABELS[self]


INVESTMENT_LINE_LABELS: dict[str, str] = {
    InvestmentLine.LOCAL_ECONOMY: gettext_noop(
        "Economía local, micro y pequeñas empresas"
    ),
    InvestmentLine.INFRASTRUCTURE: gettext_noop(
        "Infraestructura (malla vial, espacio público, parques y equipamientos)"
    ),
    InvestmentLine.REACTIVATION: gettext_noop(
        "Reactivación económica, social y cultural con enfoque de género, "
        "poblacional, de equidad y diferencial"
    ),
    InvestmentLine.ENVIRONMENT: gettext_noop("Inversión ambiental sostenible"),
    InvestmentLine.RURALITY: gettext_noop("Ruralidad"),
}


class SelectionMode(StrEnum):
    COMMITTEE = "comite"
    FIRST_COME = "orden_de_llegada"
    LOTTERY = "sorteo"


SELECTION_MODE_LABELS: dict[str, str] = {
    SelectionMode.COMMITTEE: gettext_noop("Comité (acepta o rechaza con motivo)"),
    SelectionMode.FIRST_COME: gettext_noop("Orden de llegada"),
    SelectionMode.LOTTERY: gettext_noop("Sorteo público con cuotas"),
}


class ApplicationStatus(StrEnum):
    PENDING = "pendiente"
    WAITING = "en_espera"
    SELECTED = "seleccionada"
    REJECTED = "rechazada"
    WITHDRAWN = "retirada"


APPLICATION_STATUS_LABELS: dict[str, str] = {
    ApplicationStatus.PENDING: gettext_noop("Pendiente de selección"),
    ApplicationStatus.WAITING: gettext_noop("En lista de espera"),
    ApplicationStatus.SELECTED: gettext_noop("Seleccionada"),
    ApplicationStatus.REJECTED: gettext_noop("No seleccionada"),
    ApplicationStatus.WITHDRAWN: gettext_noop("Retirada"),
}

OPEN_STATUSES = (
    ApplicationStatus.PENDING,
    ApplicationStatus.WAITING,
    ApplicationStatus.SELECTED,
)


class Verdict(StrEnum):
    """What a person sees for a role: eligible, or the first reason why not."""

    ELIGIBLE = "habilitada"
    MISSING = "faltan_requisitos"
    OTHER_LOCALITY = "otra_localidad"
    TOO_YOUNG = "edad"
    CLOSED = "cerrada"
    APPLIED = "ya_postulada"


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One requirement, met or not, explained in Spanish (with where to get it)."""

    kind: str
    is_met: bool
    explanation: str
    link: str = ""


@dataclass(frozen=True, slots=True)
class Eligibility:
    role_id: int
    user_id: int
    verdict: Verdict
    results: tuple[RuleResult, ...]
    needs_guardian: bool = False

    @property
    def is_eligible(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE


@dataclass(frozen=True, slots=True)
class CycleData:
    cycle_id: int
    name: str
    applications_open: date
    applications_close: date
    service_starts: date
    service_ends: date


@dataclass(frozen=True, slots=True)
class RoleData:
    role_id: int
    cycle: CycleData
    kind: RoleKind
    title: str
    investment_line: str
    seats: int
    selection_mode: SelectionMode
    min_age: int
    minors_from: int | None
    required_courses: tuple[str, ...]
    min_sessions_attended: int
    requires_residence: bool
    lottery_quotas: dict[str, dict[str, int]] = field(default_factory=dict)
    # A lottery role takes no applications once drawn, whatever the dates say:
    # a later applicant could never be drawn.
    drawn: bool = False

    @property
    def line_label(self) -> str:
        """The investment line in words (empty for roles not tied to a line)."""
        return INVESTMENT_LINE_LABELS.get(self.investment_line, "")

    @property
    def selection_label(self) -> str:
        return SELECTION_MODE_LABELS[self.selection_mode]


@dataclass(frozen=True, slots=True)
class ApplicationData:
    application_id: int
    role_id: int
    user_id: int
    status: ApplicationStatus
    motivation: str
    applied_at: datetime
    decided_at: datetime | None
    reason: str
    waiting_position: int | None
    requirements_note: str = ""

    @property
    def status_label(self) -> str:
        return APPLICATION_STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class LotteryEntry:
    """An applicant as the public draw sees them: an id and the quota groups."""

    application_id: int
    groups: dict[str, str]


@dataclass(frozen=True, slots=True)
class LotteryResult:
    seed: str
    selected: tuple[int, ...]
    waiting: tuple[int, ...]
    unmet_quotas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecomputeResult:
    """One set-based recompute of a locality's standings."""

    roles: int
    people: int  # the people considered (residents, certified here, known)
    changed: int  # standings written (new or with another verdict)
    newly_eligible: int  # told once, in «Mi aprendizaje» and by email
    seconds: float


class DeliveryState(StrEnum):
    """Where an undelivered webhook event stands."""

    WAITING = "esperando"  # not tried yet (just recorded, or the broker is down)
    FAILING = "fallando"  # tried and refused; Celery retries it with backoff
    EXHAUSTED = "agotado"  # every retry used: only staff can send it again


@dataclass(frozen=True, slots=True)
class UndeliveredEvent:
    """A webhook event the outside platform has not accepted yet (for staff)."""

    delivery_id: int
    event_id: str
    event: str
    created_at: datetime
    attempts: int
    last_status: int | None
    last_error: str
    state: DeliveryState


@dataclass(frozen=True, slots=True)
class FunnelCounts:
    """People at each stage of the civic funnel in one locality (distinct people,
    any role of the locality): after «trained» come these four."""

    eligible: int  # may apply now, or already applied (stored standings)
    applied: int  # applied at least once (any outcome, withdrawn included)
    selected: int  # hold a seat today (selected, not left)
    in_role: int  # selected, and their role's service period has started


@dataclass(frozen=True, slots=True)
class FunnelEntry:
    """How far one person got with one role of the locality (the dashboards'
    breakdowns by role, investment line and population group). Same stage
    meanings as ``FunnelCounts``."""

    user_id: int
    role_title: str
    investment_line: str  # an InvestmentLine value, empty for roles without one
    eligible: bool
    applied: bool
    selected: bool
    in_role: bool
