"""Assignment, reports and review through the public API, in one locality."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lms.learning import api as learning_api
from monitoring import api
from monitoring.models import CitizenReport
from tenants import api as tenants_api

from .conftest import answers_for, file_report, kennedy_project


@pytest.fixture
def watched(town_a, make_veedor, make_person):
    """A Kennedy project assigned to a selected veedora, and a reviewer."""
    veedora = make_veedor(town_a)
    reviewer = make_person(first_name="Revisora")
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
    return project, veedora, reviewer


def test_only_a_selected_veedor_can_be_assigned(town_a, make_veedor, make_person):
    veedora = make_veedor(town_a)
    neighbour = make_person(first_name="Vecina")
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        assert api.is_selected_veedor(veedora.pk)
        assert not api.is_selected_veedor(neighbour.pk)
        assert api.selected_veedores() == [veedora.pk]
        with pytest.raises(api.AssignmentError, match="no tiene el rol de veedor"):
            api.assign_project(project.code, assigned_by=1, user_id=neighbour.pk)
        assigned = api.assign_project(project.code, assigned_by=1, user_id=veedora.pk)
        assert assigned.project_code == project.code
        with pytest.raises(api.AssignmentError, match="ya está asignado"):
            api.assign_project(project.code, assigned_by=1, user_id=veedora.pk)
        with pytest.raises(api.AssignmentError, match="no a ambas"):
            api.assign_project(project.code, assigned_by=1)


def test_a_veedor_of_bosa_is_not_a_veedor_in_kennedy(town_a, town_b, make_veedor):
    bosa_veedor = make_veedor(town_b)
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        assert not api.is_selected_veedor(bosa_veedor.pk)
        with pytest.raises(api.AssignmentError):
            api.assign_project(project.code, assigned_by=1, user_id=bosa_veedor.pk)
    with tenants_api.in_locality(town_b):
        # Kennedy's project is not found from Bosa, whatever its code.
        with pytest.raises(api.AssignmentError, match="no tiene un proyecto"):
            api.assign_project(project.code, assigned_by=1, user_id=bosa_veedor.pk)


def _veeduria(member_ids, **changes):
    values = {
        "purpose": "Vigilar los parques vecinales de Patio Bonito",
        "territorial_level": "Local",
        "duration": "Un año",
        "residence": "Kennedy, Bogotá",
        "founded_on": date(2026, 2, 1),
        "registered_with": api.RegistrationBody.PERSONERIA,
        "registration_number": "PB-2026-0147",
        "registered_on": date(2026, 2, 20),
        "member_ids": member_ids,
    }
    values.update(changes)
    return api.register_veeduria("Veeduría Parques Patio Bonito", **values)


def test_a_registered_veeduria_reports_through_its_members(in_town_a, make_person):
    member, outsider = make_person(), make_person()
    with pytest.raises(api.AssignmentError, match="anterior al acta"):
        _veeduria([member.pk], registered_on=date(2026, 1, 1))
    with pytest.raises(api.AssignmentError, match="objeto de la vigilancia"):
        _veeduria([member.pk], purpose=" ")
    with pytest.raises(api.AssignmentError, match="Personería o en la Cámara"):
        _veeduria([member.pk], registered_with="notaria")
    veeduria = _veeduria([member.pk])
    assert veeduria.member_ids == (member.pk,)
    project = kennedy_project()
    api.assign_project(project.code, assigned_by=1, veeduria_id=veeduria.veeduria_id)

    report = file_report(project, member)
    assert report.veeduria_id == veeduria.veeduria_id
    with pytest.raises(api.ReportError, match="No tiene asignado"):
        file_report(project, outsider)


def test_the_same_submission_sent_twice_is_stored_once(watched, town_a):
    project, veedora, _reviewer = watched
    key = api.new_idempotency_key()
    with tenants_api.in_locality(town_a):
        first = file_report(project, veedora, key=key)
        again, created = api.submit_report(
            project.code,
            author_id=veedora.pk,
            idempotency_key=key,
            observed_progress="20",
            checklist=answers_for(project.line),
            verdict="partiallyMet",
        )
        assert not created and again.report_uuid == first.report_uuid
        assert CitizenReport.objects.count() == 1
        # Someone else replaying the key is refused, and nothing is stored.
        with pytest.raises(api.ReportError, match="ya se usó"):
            api.submit_report(
                project.code,
                author_id=veedora.pk + 1000,
                idempotency_key=key,
                observed_progress="20",
                checklist={},
                verdict="met",
            )
        assert CitizenReport.objects.count() == 1


def test_bad_reports_are_refused_with_spanish_messages(watched, town_a):
    project, veedora, _reviewer = watched
    with tenants_api.in_locality(town_a):
        with pytest.raises(api.ReportError) as refused:
            api.submit_report(
                project.code,
                author_id=veedora.pk,
                idempotency_key=api.new_idempotency_key(),
                observed_progress="140",
                checklist={"avance_visible": "si"},
                verdict="casi",
            )
        errors = refused.value.errors
        assert "entre 0 y 100" in errors["observed_progress"]
        assert errors["check_enfoque_genero"].startswith("Responda: Enfoque de género")
        assert "check_enfoque_diferencial" in errors
        assert "Elija un dictamen" in errors["verdict"]
        with pytest.raises(api.ReportError, match="incompleto"):
            file_report(project, veedora, key="no-es-una-clave")
        assert CitizenReport.objects.count() == 0


def test_review_publishes_a_redacted_text_and_tells_the_author(watched, town_a):
    project, veedora, reviewer = watched
    with tenants_api.in_locality(town_a):
        report = file_report(
            project, veedora, observations="El contratista Juan Pérez no estaba."
        )
        with pytest.raises(api.ReportError, match="Otra persona"):
            api.publish_report(report.report_uuid, reviewer_id=veedora.pk)
        published = api.publish_report(
            report.report_uuid,
            reviewer_id=reviewer.pk,
            public_observations="El contratista no estaba.",
        )
        assert published.status is api.ReportStatus.PUBLISHED
        assert published.public_observations == "El contratista no estaba."
        assert published.observations == "El contratista Juan Pérez no estaba."
        with pytest.raises(api.ReportError, match="ya fue revisado"):
            api.return_report(report.report_uuid, reviewer_id=reviewer.pk, reason="x")
        notices = learning_api.list_notifications(veedora.pk)
        assert notices[0]["title"].startswith("Su reporte sobre Parque Ciudad de Cali")
        assert "publicado" in notices[0]["title"]


def test_a_returned_report_needs_a_reason_and_stays_private(watched, town_a):
    project, veedora, reviewer = watched
    with tenants_api.in_locality(town_a):
        report = file_report(project, veedora)
        with pytest.raises(api.ReportError, match="Diga por qué"):
            api.return_report(report.report_uuid, reviewer_id=reviewer.pk, reason=" ")
        returned = api.return_report(
            report.report_uuid,
            reviewer_id=reviewer.pk,
            reason="Una foto muestra la cara de un niño.",
        )
        assert returned.status is api.ReportStatus.RETURNED
        assert api.published_reports(project.code) == []
        assert api.compare_progress(project.code).observed is None
        notice = learning_api.list_notifications(veedora.pk)[0]
        assert "devuelto" in notice["title"]
        assert "cara de un niño" in notice["body"]


def test_the_gap_is_flagged_beyond_the_margin(watched, town_a, settings):
    project, veedora, reviewer = watched  # official progress: 35 %
    with tenants_api.in_locality(town_a):
        near = file_report(project, veedora, progress="25")
        api.publish_report(near.report_uuid, reviewer_id=reviewer.pk)
        compared = api.compare_progress(project.code)
        assert compared.difference == Decimal("-10")
        assert not compared.is_gap  # 10 points, the margin is 15
        settings.MONITORING_GAP_MARGIN = 5
        assert api.compare_progress(project.code).is_gap
        settings.MONITORING_GAP_MARGIN = 15
        far = file_report(project, veedora, progress="10")
        api.publish_report(far.report_uuid, reviewer_id=reviewer.pk)
        compared = api.compare_progress(project.code)
        assert compared.observed == Decimal("10.00") and compared.is_gap
        listed = api.list_projects().projects[0]
        assert listed.observed_progress == Decimal("10.00")
