"""Demo civic roles for `make run`: campus templates, a cycle in every locality, and
a certified Kennedy resident who can apply. Safe to run again."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from certificates import api as certificates_api
from courses import api as courses_api
from lms.accounts import api as accounts_api
from participation import api as participation_api
from tenants import api as tenants_api

CYCLE = "Presupuestos participativos 2027"
_PP = "presupuestos-participativos"
_TEMPLATES = [
    (
        "delegado-pp",
        participation_api.RoleKind.BUDGET_DELEGATE,
        [_PP],
        0,
        14,
        participation_api.SelectionMode.FIRST_COME,
    ),
    (
        "veedor",
        participation_api.RoleKind.CITIZEN_MONITOR,
        ["gobierno-abierto-control-social"],
        0,
        None,
        participation_api.SelectionMode.LOTTERY,
    ),
    (
        "facilitador-ic",
        participation_api.RoleKind.CI_FACILITATOR,
        [_PP],
        1,
        None,
        participation_api.SelectionMode.COMMITTEE,
    ),
    (
        "auditor-datos",
        participation_api.RoleKind.DATA_AUDITOR,
        ["datos-abiertos-participacion"],
        0,
        None,
        participation_api.SelectionMode.COMMITTEE,
    ),
]


def load_demo_participation() -> list[str]:
    """Templates at the campus, a cycle with roles in each locality, one applicant."""
    lines = []
    with tenants_api.in_locality("campus"):
        for key, kind, courses, sessions, minors, mode in _TEMPLATES:
            participation_api.save_role_template(
                key,
                kind=kind,
                title=participation_api.ROLE_KIND_LABELS[kind],
                min_age=18,
                minors_from=minors,
                required_courses=courses,
                min_sessions_attended=sessions,
                selection_mode=mode,
            )
    today = timezone.localdate()
    opened = 0
    for schema in tenants_api.locality_schemas(include_campus=False):
        with tenants_api.in_locality(schema):
            if any(r.cycle.name == CYCLE for r in participation_api.list_roles()):
                continue
            cycle = participation_api.create_cycle(
                CYCLE,
                applications_open=today - timedelta(days=1),
                applications_close=today + timedelta(days=45),
                service_starts=today + timedelta(days=60),
                service_ends=date(today.year + 1, 12, 31),
            )
            for line in (
                participation_api.InvestmentLine.INFRASTRUCTURE,
                participation_api.InvestmentLine.REACTIVATION,
            ):
                participation_api.open_role(
                    cycle.cycle_id, "delegado-pp", seats=10, investment_line=line
                )
            participation_api.open_role(
                cycle.cycle_id,
                "veedor",
                seats=5,
                lottery_quotas={"genero": {"mujer": 2}},
            )
            participation_api.open_role(cycle.cycle_id, "facilitador-ic", seats=3)
            participation_api.open_role(cycle.cycle_id, "auditor-datos", seats=2)
            opened += 1
    lines.append(f"Roles de participación abiertos en {opened} localidades")
    lines.extend(_certified_citizen())
    return lines


def _certified_citizen() -> list[str]:
    """A Kennedy resident holding the participatory-budgeting certificate."""
    try:
        person = accounts_api.register_person(
            first_name="Ciudadana",
            last_name="Demo",
            email="ciudadana@example.org",
            password="demo-clave-1",  # noqa: S106 - demo data, DEBUG only
            document_type="CC",
            document_number="1000000004",
            residence="kennedy",
            birth_date=date(1995, 6, 15),
            registered_in="kennedy",
        )
    except accounts_api.RegistrationError:
        return []  # already loaded
    with tenants_api.in_locality("kennedy"):
        version = {c.key: c.version for c in courses_api.list_catalog()}.get(_PP)
        if version is None:
            return []
        certificates_api.issue_certificate(
            person.user_id,
            course_key=_PP,
            course_version=version,
            completed_at=timezone.now(),
        )
    return [
        "Cuenta de demostración: ciudadana@example.org / demo-clave-1 "
        "(certificada en presupuestos participativos, puede postularse en Kennedy)"
    ]
