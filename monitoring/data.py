"""Values of the monitoring app that other apps may hold (stdlib only).

The five investment lines are the ones the citizen vote decides on (Acuerdo 740
de 2019 and the OGP commitment CO0089); their codes are stable and their labels
are the Spanish names people read on the public pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

# The five lines have one definition, in participation (the layer below); its data
# module is stdlib-only too, so this one stays free of Django. Re-exported here.
from participation.data import INVESTMENT_LINE_LABELS as INVESTMENT_LINE_LABELS
from participation.data import InvestmentLine as InvestmentLine


def gettext_noop(message: str) -> str:
    """Mark a label for the catalogs (``makemessages`` knows this name) without
    importing Django here: pages translate the label when they show it."""
    return message


class ProjectStatus(StrEnum):
    """The official status, in the platform's words; each source's own wording is
    kept beside it (``status_label``) so nothing the entity said is lost."""

    PLANNED = "por_iniciar"
    IN_PROGRESS = "en_ejecucion"
    SUSPENDED = "suspendido"
    FINISHED = "terminado"
    CANCELLED = "cancelado"

    @property
    def label(self) -> str:
        return PROJECT_STATUS_LABELS[self]


PROJECT_STATUS_LABELS: dict[ProjectStatus, str] = {
    ProjectStatus.PLANNED: gettext_noop("Por iniciar"),
    ProjectStatus.IN_PROGRESS: gettext_noop("En ejecución"),
    ProjectStatus.SUSPENDED: gettext_noop("Suspendido"),
    ProjectStatus.FINISHED: gettext_noop("Terminado"),
    ProjectStatus.CANCELLED: gettext_noop("Cancelado"),
}


class FigureSource(StrEnum):
    """Where the official progress figure came from."""

    LOCAL_OFFICE = "alcaldia_local"  # typed in or imported by the alcaldía's staff
    DECIDIM = "decidim"
    SECOP = "secop"

    @property
    def label(self) -> str:
        return FIGURE_SOURCE_LABELS[self]


FIGURE_SOURCE_LABELS: dict[FigureSource, str] = {
    FigureSource.LOCAL_OFFICE: gettext_noop("Alcaldía Local"),
    FigureSource.DECIDIM: gettext_noop("Decidim (rendición de cuentas)"),
    FigureSource.SECOP: gettext_noop("SECOP II (datos.gov.co)"),
}


class OutsideService(StrEnum):
    """Outside services whose official figures the nightly refresh reads."""

    DECIDIM = "decidim"
    SECOP = "secop"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A milestone as the official source published it."""

    entry_date: date | None
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class ProjectData:
    """One investment project of the active locality, with its official figures."""

    project_id: int
    code: str
    name: str
    line: InvestmentLine
    spending_concept: str
    budget: Decimal
    upz_code: str
    upz_name: str
    barrio_code: str
    barrio_name: str
    starts_on: date | None
    ends_on: date | None
    status: ProjectStatus
    status_label: str
    progress: Decimal | None
    progress_source: FigureSource
    progress_as_of: date | None
    secop_contract_id: str
    secop_url: str
    contract_value: Decimal | None
    contract_status: str
    ocid: str
    gab_proposal: str
    decidim_result_id: str
    timeline: tuple[TimelineEntry, ...] = ()
    # The latest published citizen observation (None until one is published).
    observed_progress: Decimal | None = None
    observed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """A filtered page of the public list."""

    projects: list[ProjectData]
    total: int
    line: InvestmentLine | None
    status: ProjectStatus | None
    # The public list: a UPZ filter, and which of how many pages of projects.
    upz: str | None = None
    number: int = 1
    num_pages: int = 1


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportPreview:
    columns: list[str]
    valid_count: int
    errors: list[RowError]
    rejected_lines: list[int]
    file_error: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    rejected: int
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None
    # The refused rows as the import saw them (CSV bytes): built before writing,
    # since afterwards every imported row would look like a duplicate.
    rejected_csv: bytes = b""


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What staff see about one outside service in their locality."""

    service: OutsideService
    endpoint: str
    component_id: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_updated: int

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """The result of reading one outside service once."""

    service: OutsideService
    updated: int
    error: str = ""
    skipped: bool = False  # nothing to read (no endpoint, no linked projects)


# --- Veedurías, assignments and citizen reports ---------------------------------


class Verdict(StrEnum):
    """A report's verdict, in the OCDS milestone status codes (``milestoneStatus``):
    the export can carry it unchanged."""

    MET = "met"
    PARTIALLY_MET = "partiallyMet"
    NOT_MET = "notMet"


class ReportStatus(StrEnum):
    """Where a citizen report stands: only ``published`` is ever public."""

    SUBMITTED = "enviado"  # waiting for a second person's review
    PUBLISHED = "publicado"
    RETURNED = "devuelto"  # back to its author, with a reason


class Answer(StrEnum):
    """One checklist answer."""

    YES = "si"
    PARTLY = "parcial"
    NO = "no"
    NOT_APPLICABLE = "no_aplica"


class RegistrationBody(StrEnum):
    """Where a veeduría is registered (Ley 850 de 2003, art. 3)."""

    PERSONERIA = "personeria"
    CHAMBER_OF_COMMERCE = "camara_comercio"


@dataclass(frozen=True, slots=True)
class VeeduriaData:
    """A registered veeduría and the founding-record facts of Ley 850, art. 3."""

    veeduria_id: int
    name: str
    purpose: str
    territorial_level: str
    duration: str
    residence: str
    founded_on: date
    registered_with: RegistrationBody
    registration_number: str
    registered_on: date
    member_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AssignmentData:
    """A project watched by one selected veedor or by a veeduría."""

    assignment_id: int
    project_code: str
    project_name: str
    user_id: int | None
    veeduria_id: int | None
    veeduria_name: str
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class PhotoData:
    photo_uuid: str
    width: int
    height: int
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class EscalationBody(StrEnum):
    """Where an overdue answer is escalated (PARTICIPATION.md)."""

    PERSONERIA = "personeria"
    VEEDURIA_DISTRITAL = "veeduria_distrital"


@dataclass(frozen=True, slots=True)
class AnswerData:
    """The alcaldía local's answer a published report asked for, and its deadline
    (a petition: 15 business days, Ley 1755 de 2015, art. 14)."""

    requested_on: date
    due_on: date
    answer: str
    answered_at: datetime | None
    escalated_at: datetime | None
    escalated_to: str
    is_overdue: bool


@dataclass(frozen=True, slots=True)
class ReportData:
    """A citizen report. ``observations`` is what the author wrote; the public
    pages show ``public_observations`` (the reviewer's redacted text)."""

    report_uuid: str
    project_code: str
    project_name: str
    author_id: int
    veeduria_id: int | None
    observed_progress: Decimal
    checklist: dict[str, str]
    observations: str
    public_observations: str
    verdict: Verdict
    status: ReportStatus
    submitted_at: datetime
    reviewer_id: int | None
    reviewed_at: datetime | None
    return_reason: str
    photos: tuple[PhotoData, ...] = ()
    answer: AnswerData | None = None  # asked for when the report is published
    # Shared open-data lab results, as copied when attached (evidence.py).
    evidence: tuple[dict, ...] = ()
    revision: int = 0  # times corrected by its author after a return


@dataclass(frozen=True, slots=True)
class ProgressComparison:
    """Official and observed progress side by side; ``is_gap`` when they differ
    by more than the margin (percentage points)."""

    official: Decimal | None
    observed: Decimal | None
    observed_on: datetime | None
    margin: Decimal
    difference: Decimal | None
    is_gap: bool


# Collective-intelligence workshops (OGP commitment CO0089): citizens from at
# least half of the barrios of each locality. "Barrio" is the cadastral sector
# (UAECD), the list ``monitoring/data/`` holds and projects use.
BARRIO_GOAL_PERCENT = 50


@dataclass(frozen=True, slots=True)
class WorkshopData:
    """An in-person session marked as a collective-intelligence workshop, with
    the barrios (cadastral sector codes) where its participants live."""

    session_id: int
    title: str
    cohort_name: str
    starts_at: datetime
    place: str
    facilitator_id: int | None
    barrio_codes: tuple[str, ...]
    participants: int | None
    notes: str
    recorded_by_id: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class BarrioCoverage:
    """Barrios of one locality reached by its workshops, out of its cadastral
    sectors (``total``), toward ``BARRIO_GOAL_PERCENT``."""

    reached: int
    total: int
    workshops: int

    @property
    def percent(self) -> float:
        return 100 * self.reached / self.total if self.total else 0.0

    @property
    def goal_barrios(self) -> int:
        """Barrios needed to reach the goal (half of them, rounded up)."""
        return -(-self.total * BARRIO_GOAL_PERCENT // 100)


@dataclass(frozen=True, slots=True)
class FunnelLine:
    """The monitoring funnel of a locality for one investment line (``line``
    empty: every line, each person once). ``active``: people who may report now
    (an open assignment, their own or their veeduría's); ``filed``: reports
    sent; ``published``: reports published, each asking the alcaldía for an
    answer; ``answered_on_time``: of those, answered by their due day."""

    line: str
    active: int
    filed: int
    published: int
    answered_on_time: int
