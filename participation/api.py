"""Python API of participation: civic roles the training opens, and who holds them.

Acts on the active locality's schema (role templates live at the campus). The
chain: a certificate → eligibility for a role (explained rules, and the same
requirements as a DIF Presentation Exchange definition) → application → selection
(committee, first come, or a public lottery anyone can re-run from its seed).
Invariants: revoked certificates never count; a role never has more people
selected than seats, even under concurrent applications; nothing is half-stored.
"""

from __future__ import annotations

from .applications import (
    DECLARATION_TEXT,
    applications_of,
    apply,
    decide,
    list_applications,
    lottery_entries,
    lottery_record,
    run_lottery,
    withdraw,
)
from .catalog import (
    ParticipationError,
    change_role_rules,
    create_cycle,
    get_role,
    list_roles,
    open_role,
    save_role_template,
)
from .credentials import role_credential_of
from .data import (
    ROLE_KIND_LABELS,
    ApplicationData,
    ApplicationStatus,
    DeliveryState,
    Eligibility,
    FunnelCounts,
    FunnelEntry,
    InvestmentLine,
    RecomputeResult,
    RoleData,
    RoleKind,
    RuleResult,
    SelectionMode,
    UndeliveredEvent,
    Verdict,
)
from .eligibility import eligibility_for, roles_for_person
from .lottery import draw, ticket
from .presentation import presentation_definition
from .recompute import recompute_roles
from .reporting_facts import (
    funnel_counts,
    funnel_counts_here,
    funnel_entries_here,
    role_holder_ids,
)
from .signals import funnel_changed, role_left, role_selected
from .standing import recompute_for_person
from .standing import store as store_standing
from .webhooks import WebhookEventNotFound, list_undelivered, retry_now

__all__ = [
    "DECLARATION_TEXT",
    "ROLE_KIND_LABELS",
    "ApplicationData",
    "ApplicationStatus",
    "DeliveryState",
    "Eligibility",
    "FunnelCounts",
    "FunnelEntry",
    "InvestmentLine",
    "ParticipationError",
    "RecomputeResult",
    "RoleData",
    "RoleKind",
    "RuleResult",
    "SelectionMode",
    "UndeliveredEvent",
    "Verdict",
    "WebhookEventNotFound",
    "applications_of",
    "apply",
    "change_role_rules",
    "create_cycle",
    "decide",
    "draw",
    "eligibility_for",
    "funnel_changed",
    "funnel_counts",
    "funnel_counts_here",
    "funnel_entries_here",
    "get_role",
    "list_applications",
    "list_roles",
    "list_undelivered",
    "lottery_entries",
    "lottery_record",
    "open_role",
    "presentation_definition",
    "recompute_for_person",
    "recompute_roles",
    "retry_now",
    "role_credential_of",
    "role_holder_ids",
    "role_left",
    "role_selected",
    "roles_for_person",
    "run_lottery",
    "save_role_template",
    "store_standing",
    "ticket",
    "withdraw",
]
