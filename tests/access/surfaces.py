"""The surfaces of the permission matrix: each staff page, and how to ask for it.

A surface is one request (method, path built from the test city, form data) and
the URL names it stands for. ``allowed.py`` says which role may use each
surface where; ``test_matrix.py`` asks every role for every surface on every
site, and ``test_every_url.py`` fails when a page of ours is in neither this
table nor its list of pages outside the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lms.locality_roles.data import Role

from .conftest import City


@dataclass(frozen=True)
class Surface:
    method: str
    path: Callable[[City], str]
    url_names: tuple[str, ...]
    data: Callable[[City], dict] | None = None


SURFACES: dict[str, Surface] = {
    "admin_home": Surface("GET", lambda c: "/admin/", ("wagtailadmin_home",)),
    "user_list": Surface(
        "GET",
        lambda c: "/admin/users/",
        ("wagtailusers_users:index", "wagtailusers_users:index_results"),
    ),
    "user_create": Surface(
        "GET", lambda c: "/admin/users/new/", ("wagtailusers_users:add",)
    ),
    "user_edit": Surface(
        "GET",
        lambda c: f"/admin/users/edit/{c.kennedy_learner.pk}/",
        ("wagtailusers_users:edit",),
    ),
    "user_history": Surface(
        "GET",
        lambda c: f"/admin/users/history/{c.kennedy_learner.pk}/",
        ("wagtailusers_users:history", "wagtailusers_users:history_results"),
    ),
    "user_delete": Surface(
        "GET",
        lambda c: f"/admin/users/delete/{c.kennedy_learner.pk}/",
        ("wagtailusers_users:delete",),
    ),
    "user_document": Surface(
        "POST",
        lambda c: f"/admin/users/documento/{c.kennedy_learner.pk}/",
        ("wagtailusers_users:document",),
    ),
    "grant_facilitator": Surface(
        "POST",
        lambda c: f"/admin/users/edit/{c.kennedy_learner.pk}/",
        (),
        data=lambda c: {"roles": [Role.FACILITATOR.value]},
    ),
    "bulk_assign_role": Surface(
        "GET",
        lambda c: f"/admin/bulk/accounts/user/assign_role/?id={c.kennedy_learner.pk}",
        (),
    ),
    "groups": Surface("GET", lambda c: "/admin/groups/", ()),
    "pages": Surface("GET", lambda c: "/admin/pages/", ()),
    "h5p_upload": Surface(
        "GET",
        lambda c: "/admin/snippets/h5p/h5pcontent/add/",
        ("wagtailsnippets_h5p_h5pcontent:add",),
    ),
    "certificates": Surface(
        "GET",
        lambda c: "/admin/certificados/",
        ("certificates_admin_list", "certificates_admin_detail"),
    ),
    "certificate_reissue": Surface(
        "GET",
        lambda c: "/admin/certificados/reemision/",
        ("certificates_admin_bulk", "certificates_admin_job"),
    ),
    "cohorts": Surface(
        "GET",
        lambda c: "/admin/grupos/",
        ("courses_cohorts", "courses_cohort_create", "courses_session_create"),
    ),
    "cohort_people": Surface(
        "GET",
        lambda c: f"/admin/grupos/{c.cohort_id}/personas/?q=Kelly",
        ("cohort_people",),
    ),
    "attendance": Surface(
        "GET",
        lambda c: f"/aprendizaje/sesiones/{c.session_id}/asistencia/",
        ("learning:session_attendance",),
    ),
    "attendance_qr": Surface(
        "GET",
        lambda c: f"/aprendizaje/sesiones/{c.session_id}/qr/",
        ("learning:session_qr",),
    ),
    "cohort_progress_api": Surface(
        "GET",
        lambda c: f"/api/aprendizaje/grupos/{c.cohort_id}/avance",
        ("learning_api:cohort_progress",),
    ),
    "participant_import": Surface(
        "GET",
        lambda c: "/cuenta/importar/",
        ("import_participants", "import_rejected"),
    ),
    "dashboard": Surface("GET", lambda c: "/tablero/", ("reporting:dashboard",)),
    "dashboard_export": Surface(
        "GET", lambda c: "/tablero/exportar.csv", ("reporting:export",)
    ),
    "city_targets": Surface(
        "POST",
        lambda c: "/tablero/metas/",
        ("reporting:save_target",),
        data=lambda c: {},
    ),
    "civic_roles": Surface(
        "GET", lambda c: "/admin/participacion/", ("participation_roles",)
    ),
    "civic_roster": Surface(
        "GET",
        lambda c: f"/admin/participacion/roles/{c.role_id}/",
        ("participation_roster", "participation_roster_export"),
    ),
    "civic_roster_api": Surface(
        "GET",
        lambda c: f"/api/participacion/roles/{c.role_id}/postulaciones",
        ("participation_api:role_roster",),
    ),
    "civic_webhooks": Surface(
        "GET", lambda c: "/admin/participacion/eventos/", ("participation_webhooks",)
    ),
    "civic_webhook_retry": Surface(
        "POST",
        lambda c: f"/admin/participacion/eventos/{c.webhook_id}/reintentar/",
        ("participation_webhook_retry",),
    ),
    # Every open-data admin screen checks the same permission (tested one by one
    # in tests/open_data_labs/test_admin.py); the list and the new-dataset form
    # stand for them here.
    "open_data_admin": Surface(
        "GET",
        lambda c: "/admin/datos/",
        (
            "open_data_admin_list",
            "open_data_admin_dataset",
            "open_data_admin_upload",
            "open_data_admin_import",
            "open_data_admin_turn",
            "open_data_admin_retype",
        ),
    ),
    "open_data_create": Surface(
        "GET", lambda c: "/admin/datos/nuevo/", ("open_data_admin_create",)
    ),
    # The lab of an open dataset: the guided builder is open to anyone (like
    # the data; anonymous visits in tests/open_data_labs/test_lab_pages.py),
    # the SQL editor to anyone signed in. Neither needs a role (ADR 0024).
    "open_data_lab": Surface(
        "GET",
        lambda c: f"/datos/{c.dataset_key}/v1/laboratorio/?g=lugar",
        # The same address as a CSV file has the same access (test_result_csv.py).
        ("open_data:lab", "open_data:lab_csv"),
    ),
    "open_data_sql": Surface(
        "GET",
        lambda c: f"/datos/{c.dataset_key}/v1/sql/?q=SELECT+count(*)+FROM+datos",
        ("open_data:sql", "open_data:sql_csv"),
    ),
    "verification": Surface(
        "GET",
        lambda c: "/certificados/verificar/",
        ("certificates:verify", "certificates:verify_code"),
    ),
    "projects_admin": Surface(
        "GET",
        lambda c: "/admin/seguimiento/proyectos/",
        ("monitoring_projects:index", "monitoring_projects:index_results"),
    ),
    "project_add": Surface(
        "GET",
        lambda c: "/admin/seguimiento/proyectos/new/",
        ("monitoring_projects:add",),
    ),
    "project_edit": Surface(
        "GET",
        lambda c: f"/admin/seguimiento/proyectos/edit/{c.project_id}/",
        ("monitoring_projects:edit",),
    ),
    "project_inspect": Surface(
        "GET",
        lambda c: f"/admin/seguimiento/proyectos/inspect/{c.project_id}/",
        ("monitoring_projects:inspect",),
    ),
    "project_history": Surface(
        "GET",
        lambda c: f"/admin/seguimiento/proyectos/history/{c.project_id}/",
        (
            "monitoring_projects:history",
            "monitoring_projects:history_results",
            "monitoring_projects:usage",
        ),
    ),
    "project_delete": Surface(
        "GET",
        lambda c: f"/admin/seguimiento/proyectos/delete/{c.project_id}/",
        ("monitoring_projects:delete",),
    ),
    "project_import": Surface(
        "GET",
        lambda c: "/admin/seguimiento/importar/",
        ("monitoring_admin_import", "monitoring_admin_rejected"),
    ),
    "project_sources": Surface(
        "GET", lambda c: "/admin/seguimiento/fuentes/", ("monitoring_admin_sources",)
    ),
    # The review queue stands for a report's review screen too: both check the
    # same permission (tested one by one in tests/monitoring/test_admin_review.py).
    "report_reviews": Surface(
        "GET",
        lambda c: "/admin/seguimiento/reportes/",
        ("monitoring_admin_reviews", "monitoring_admin_review"),
    ),
    # The answers queue stands for a report's answer screen (same permission;
    # tested one by one in tests/monitoring/test_answers.py).
    "report_answers": Surface(
        "GET",
        lambda c: "/admin/seguimiento/respuestas/",
        ("monitoring_admin_answers", "monitoring_admin_answer"),
    ),
    "project_assignments": Surface(
        "GET",
        lambda c: "/admin/seguimiento/asignaciones/",
        ("monitoring_admin_assignments",),
    ),
    "veedurias": Surface(
        "GET",
        lambda c: "/admin/seguimiento/veedurias/",
        ("monitoring_admin_veedurias",),
    ),
    # Collective-intelligence workshops: the sessions and barrios reached, and
    # one session (the facilitator's own, in Kennedy) marked with its barrios.
    "workshops": Surface(
        "GET", lambda c: "/admin/seguimiento/talleres/", ("monitoring_admin_workshops",)
    ),
    "workshop_record": Surface(
        "GET",
        lambda c: f"/admin/seguimiento/talleres/{c.session_id}/",
        ("monitoring_admin_workshop",),
    ),
}
