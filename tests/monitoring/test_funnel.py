"""The monitoring funnel per line: active in a role → reports filed → published
→ answered on time, with real assignments, reports, reviews and answers; and
the dashboards' public table kept by the after-commit event."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from monitoring import api
from reporting.models import LocalityMonitoringFunnel
from tenants import api as tenants_api

from .conftest import file_report, kennedy_project

INFRA = api.InvestmentLine.INFRASTRUCTURE.value
ENV = api.InvestmentLine.ENVIRONMENT.value


def _by_line(rows):
    return {
        row.line: (row.active, row.filed, row.published, row.answered_on_time)
        for row in rows
    }


def _environment_project():
    return kennedy_project(
        "KEN-AMB-01",
        name="Huerta comunitaria",
        line=ENV,
        spending_concept="Agricultura urbana",
    )


def test_each_stage_per_line_and_for_the_locality(town_a, make_veedor, make_person):
    veedora, veedor = make_veedor(town_a), make_veedor(town_a)
    member = make_person()
    reviewer = make_person()
    with tenants_api.in_locality(town_a):
        park, garden = kennedy_project(), _environment_project()
        api.assign_project(park.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        api.assign_project(garden.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        group = api.register_veeduria(
            "Veeduría de la huerta",
            purpose="Vigilar la huerta",
            territorial_level="Local",
            duration="Un año",
            residence="Kennedy",
            founded_on=date(2026, 1, 10),
            registered_with=api.RegistrationBody.PERSONERIA,
            registration_number="KEN-1",
            registered_on=date(2026, 1, 20),
            member_ids=[veedor.pk, member.pk],
        )
        api.assign_project(
            garden.code, assigned_by=reviewer.pk, veeduria_id=group.veeduria_id
        )
        on_time = file_report(park, veedora)
        late = file_report(park, veedora)
        file_report(park, veedora)  # waiting for review
        file_report(garden, veedor)
        for report in (on_time, late):
            api.publish_report(report.report_uuid, reviewer_id=reviewer.pk)
        api.answer_report(on_time.report_uuid, answered_by=reviewer.pk, text="Ya.")
        # Published 40 days ago: its 15 business days are long gone.
        api.backdate_report_for_demo(late.report_uuid, days=40)
        api.answer_report(late.report_uuid, answered_by=reviewer.pk, text="Tarde.")

        rows = api.funnel_here()

    counts = _by_line(rows)
    assert counts[INFRA] == (1, 3, 2, 1)
    # Veedora on her own, veedor and the other member through the veeduría.
    assert counts[ENV] == (3, 1, 0, 0)
    assert counts[api.InvestmentLine.RURALITY.value] == (0, 0, 0, 0)
    # The locality counts each person once, whatever the lines.
    assert counts[""] == (3, 4, 2, 1)
    assert [row.line for row in rows][-1] == "" and len(rows) == 6


def test_ending_an_assignment_leaves_the_active_count(
    town_a, make_veedor, django_capture_on_commit_callbacks
):
    veedora = make_veedor(town_a)
    with tenants_api.in_locality(town_a):
        park = kennedy_project()
        with django_capture_on_commit_callbacks(execute=True):
            assignment = api.assign_project(
                park.code, assigned_by=1, user_id=veedora.pk
            )
        row = LocalityMonitoringFunnel.objects.get(schema_name=town_a, line=INFRA)
        assert row.active == 1
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            api.end_assignment(assignment.assignment_id)
        assert len(callbacks) == 1
        # Every stage back to zero: the line's row is dropped (no row reads as 0).
        assert not LocalityMonitoringFunnel.objects.filter(
            schema_name=town_a, line=INFRA
        ).exists()


def test_the_public_table_follows_once_per_transaction(
    town_a, town_b, make_veedor, django_capture_on_commit_callbacks
):
    veedora = make_veedor(town_a)
    with tenants_api.in_locality(town_a):
        park = kennedy_project()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                api.assign_project(park.code, assigned_by=1, user_id=veedora.pk)
                file_report(park, veedora)
                file_report(park, veedora)
        # One event for the whole transaction, however many rows it saved
        # (the public pages' cache refresh is the other callback).
        funnel_callbacks = [c for c in callbacks if "funnel" in c.__qualname__]
        assert len(funnel_callbacks) == 1
    stored = {
        row.line: (row.active, row.filed, row.published, row.answered_on_time)
        for row in LocalityMonitoringFunnel.objects.filter(schema_name=town_a)
    }
    assert stored == {INFRA: (1, 2, 0, 0), "": (1, 2, 0, 0)}
    assert not LocalityMonitoringFunnel.objects.filter(schema_name=town_b).exists()
