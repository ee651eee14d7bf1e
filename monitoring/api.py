"""Python API of the monitoring app: the only module other apps import (with data.py).

The registry of each locality's investment projects and their official figures.

Invariants:
- Everything acts on the active locality's schema (tenant app): a project of
  Kennedy is never read, listed, imported or refreshed from Bosa. The campus
  has no projects.
- UPZ and barrio codes belong to the project's locality (official reference
  lists in ``monitoring/data/``); the code is unique in the locality.
- An official figure always carries its source and date.
- Imports write all their valid rows in one transaction or nothing. An outside
  service that fails keeps the last good figures and records the error.
- A collective-intelligence workshop is an in-person session of this locality
  (``lms.learning``); its barrios are this locality's cadastral sectors.
- Only a person assigned to a project (a selected veedor, or a member of an
  assigned veeduría) files reports on it; a submission is stored once per
  idempotency key; only a report a second person published is ever public.
"""

from __future__ import annotations

from .access import (
    may_answer,
    may_assign,
    may_correct_report,
    may_get_founding_record,
    may_record_any_workshop,
    may_record_workshop,
    may_record_workshops,
    may_register_veedurias,
    may_review,
    may_see_report,
)
from .answers import (
    PETITION_BUSINESS_DAYS,
    answer_report,
    business_days_after,
    escalate_overdue,
    escalation_letter,
    is_business_day,
    pending_answers,
)
from .checklists import (
    ANSWER_LABELS,
    REGISTRATION_BODY_LABELS,
    REPORT_STATUS_LABELS,
    VERDICT_LABELS,
    questions_for,
)
from .corrections import resubmit_report, revisions_of
from .data import (
    BARRIO_GOAL_PERCENT,
    Answer,
    AnswerData,
    AssignmentData,
    BarrioCoverage,
    EscalationBody,
    FigureSource,
    FunnelLine,
    ImportPreview,
    ImportResult,
    InvestmentLine,
    OutsideService,
    ProgressComparison,
    ProjectData,
    ProjectPage,
    ProjectStatus,
    RegistrationBody,
    ReportData,
    ReportStatus,
    SyncOutcome,
    SyncStatus,
    VeeduriaData,
    Verdict,
    WorkshopData,
)
from .demo import backdate_report_for_demo
from .evidence import MAX_EVIDENCE
from .founding_record import FoundingRecordError, founding_record_pdf
from .funnel import funnel_here
from .imports.spreadsheet import import_file as import_projects
from .imports.spreadsheet import preview_file as preview_projects
from .imports.spreadsheet import rejected_rows_csv
from .ocds import release_package as ocds_release_package
from .open_data import (
    PROJECT_COLUMNS,
    REPORT_COLUMNS,
    PhotoUrl,
    as_csv,
    project_row,
    project_rows,
    published_report_rows,
)
from .photos import MAX_PHOTOS
from .project_pages import (
    ListFilters,
    UpzMap,
    locality_upz,
    page_of_projects,
    upz_map,
)
from .project_pages import clean_filters as clean_list_filters
from .projects import (
    ProjectError,
    create_project,
    get_project,
    list_projects,
    serves_projects,
)
from .reference import SOURCE_CREDIT, barrio_total
from .reports import (
    ReportError,
    get_report,
    new_idempotency_key,
    photo_file,
    published_reports,
    reports_of,
    reports_to_review,
    submit_report,
)
from .review import (
    compare_progress,
    comparison,
    gap_margin,
    publish_report,
    return_report,
)
from .signals import funnel_changed, workshops_changed
from .sync import (
    SourceConfigError,
    configure_decidim,
    list_sync_statuses,
    refresh_official_figures,
)
from .veedurias import (
    AssignmentError,
    assign_project,
    assignments_of,
    end_assignment,
    get_veeduria,
    is_selected_veedor,
    list_veedurias,
    open_assignments,
    person_names,
    register_veeduria,
    reporting_assignment,
    selected_veedores,
    veedurias_of,
)
from .workshops import (
    WorkshopError,
    barrio_choices,
    barrio_coverage_here,
    get_workshop,
    list_workshops,
    record_workshop,
    remove_workshop,
)

__all__ = [
    "ANSWER_LABELS",
    "BARRIO_GOAL_PERCENT",
    "MAX_EVIDENCE",
    "MAX_PHOTOS",
    "PETITION_BUSINESS_DAYS",
    "PROJECT_COLUMNS",
    "REGISTRATION_BODY_LABELS",
    "REPORT_COLUMNS",
    "REPORT_STATUS_LABELS",
    "SOURCE_CREDIT",
    "VERDICT_LABELS",
    "Answer",
    "AnswerData",
    "AssignmentData",
    "AssignmentError",
    "BarrioCoverage",
    "EscalationBody",
    "FigureSource",
    "FoundingRecordError",
    "FunnelLine",
    "ImportPreview",
    "ImportResult",
    "InvestmentLine",
    "ListFilters",
    "OutsideService",
    "PhotoUrl",
    "ProgressComparison",
    "ProjectData",
    "ProjectError",
    "ProjectPage",
    "ProjectStatus",
    "RegistrationBody",
    "ReportData",
    "ReportError",
    "ReportStatus",
    "SourceConfigError",
    "SyncOutcome",
    "SyncStatus",
    "UpzMap",
    "VeeduriaData",
    "Verdict",
    "WorkshopData",
    "WorkshopError",
    "answer_report",
    "as_csv",
    "assign_project",
    "assignments_of",
    "backdate_report_for_demo",
    "barrio_choices",
    "barrio_coverage_here",
    "barrio_total",
    "business_days_after",
    "clean_list_filters",
    "compare_progress",
    "comparison",
    "configure_decidim",
    "create_project",
    "end_assignment",
    "escalate_overdue",
    "escalation_letter",
    "founding_record_pdf",
    "funnel_changed",
    "funnel_here",
    "gap_margin",
    "get_project",
    "get_report",
    "get_veeduria",
    "get_workshop",
    "import_projects",
    "is_business_day",
    "is_selected_veedor",
    "list_projects",
    "list_sync_statuses",
    "list_veedurias",
    "list_workshops",
    "locality_upz",
    "may_answer",
    "may_assign",
    "may_correct_report",
    "may_get_founding_record",
    "may_record_any_workshop",
    "may_record_workshop",
    "may_record_workshops",
    "may_register_veedurias",
    "may_review",
    "may_see_report",
    "new_idempotency_key",
    "ocds_release_package",
    "open_assignments",
    "page_of_projects",
    "pending_answers",
    "person_names",
    "photo_file",
    "preview_projects",
    "project_row",
    "project_rows",
    "publish_report",
    "published_report_rows",
    "published_reports",
    "questions_for",
    "record_workshop",
    "refresh_official_figures",
    "register_veeduria",
    "rejected_rows_csv",
    "remove_workshop",
    "reporting_assignment",
    "reports_of",
    "reports_to_review",
    "resubmit_report",
    "return_report",
    "revisions_of",
    "selected_veedores",
    "serves_projects",
    "submit_report",
    "upz_map",
    "veedurias_of",
    "workshops_changed",
]
