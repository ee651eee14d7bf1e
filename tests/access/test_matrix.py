"""The permission matrix: every role, every surface, in Kennedy, Bosa and the campus.

``ALLOWED`` below is the specification, written out by hand from the roles table
(lms/locality_roles/data.py, ADR 0014): for each role and surface, the sites where
the role may use it. Every other cell must be refused (a redirect to sign in,
403 or 404, never the page). Lists are also checked by the rows they show.
``test_every_url_is_in_the_matrix`` fails when a page is added without a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

from .conftest import ROLE_HOMES, SCHEMAS, City

ALL = frozenset("KBC")
NONE: frozenset[str] = frozenset()


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

K, C = frozenset("K"), frozenset("C")
# role → surface → sites where it is allowed. Unlisted surfaces: nowhere.
ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "citizen": {"verification": ALL, "open_data_lab": ALL, "open_data_sql": ALL},
    "facilitator": {
        "admin_home": K,
        "user_list": K,
        "user_create": K,
        "user_history": K,
        "pages": K,
        "certificates": K,
        "cohorts": K,
        # Adds people to the group they run (the only group, in Kennedy).
        "cohort_people": K,
        "attendance": K,
        "attendance_qr": K,
        "cohort_progress_api": K,
        "participant_import": K,
        "verification": ALL,
        "open_data_lab": ALL,
        "open_data_sql": ALL,
        # Reads the locality's investment projects (list and inspect); changes
        # none, so Wagtail's history (an editing screen) is not theirs.
        "projects_admin": K,
        "project_inspect": K,
        # The second person who checks citizen reports before they are public.
        "report_reviews": K,
        # Marks the sessions of the groups they run as workshops, with barrios.
        "workshops": K,
        "workshop_record": K,
    },
    "locality_manager": {
        "admin_home": K,
        "user_list": K,
        "user_create": K,
        "user_edit": K,
        "user_history": K,
        "user_document": K,
        "grant_facilitator": K,
        "pages": K,
        "certificates": K,
        "cohort_progress_api": K,
        "participant_import": K,
        "dashboard": K,
        "dashboard_export": K,
        "civic_roles": K,
        "civic_roster": K,
        "civic_roster_api": K,
        "open_data_admin": K,
        "open_data_create": K,
        "verification": ALL,
        "open_data_lab": ALL,
        "open_data_sql": ALL,
        # Keeps the registry of investment projects and its official figures.
        "projects_admin": K,
        "project_add": K,
        "project_edit": K,
        "project_inspect": K,
        "project_history": K,
        "project_import": K,
        "project_sources": K,
        # Reviews citizen reports, registers veedurías and assigns projects;
        # answers published reports for the alcaldía local.
        "report_reviews": K,
        "report_answers": K,
        "project_assignments": K,
        "veedurias": K,
        # Records workshops on any session of the locality.
        "workshops": K,
        "workshop_record": K,
    },
    "locality_admin": {
        "admin_home": K,
        "user_list": K,
        "user_create": K,
        "user_edit": K,
        "user_history": K,
        "user_document": K,
        "grant_facilitator": K,
        "certificates": K,
        "certificate_reissue": K,
        "participant_import": K,
        "civic_roles": K,
        "civic_roster": K,
        "civic_roster_api": K,
        # Role events the outside platform has not accepted: the site's
        # technical side, not the selectors'.
        "civic_webhooks": K,
        "civic_webhook_retry": K,
        "open_data_admin": K,
        "open_data_create": K,
        "verification": ALL,
        "open_data_lab": ALL,
        "open_data_sql": ALL,
        # Runs the site, does not author courses (page rights: courses app).
        "projects_admin": K,
        "project_add": K,
        "project_edit": K,
        "project_inspect": K,
        "project_history": K,
        "project_delete": K,
        "project_import": K,
        "project_sources": K,
        # Registers veedurías and assigns projects; does not review reports.
        "project_assignments": K,
        "veedurias": K,
    },
    "trainer": {
        "admin_home": C,
        "pages": C,
        "h5p_upload": C,
        "open_data_admin": C,
        "open_data_create": C,
        "verification": ALL,
        "open_data_lab": ALL,
        "open_data_sql": ALL,
    },
    "program_manager": {
        # City figures at the campus (each locality's from there); no pages.
        "admin_home": C,
        "certificates": C,
        "dashboard": C,
        "dashboard_export": C,
        "city_targets": C,
        "verification": ALL,
        "open_data_lab": ALL,
        "open_data_sql": ALL,
    },
    "platform_admin": {
        **dict.fromkeys(SURFACES, ALL),
        # Only Kennedy has the facilitator's session and cohort.
        "attendance": K,
        "attendance_qr": K,
        "cohort_people": K,
        "cohort_progress_api": K,
        # City targets are set at the campus.
        "city_targets": C,
        # The civic role and its undelivered event live in Kennedy.
        "civic_roster": K,
        "civic_roster_api": K,
        "civic_webhook_retry": K,
        # Only Kennedy has the project (the campus has none at all).
        "project_edit": K,
        "project_inspect": K,
        "project_history": K,
        "project_delete": K,
        # Only Kennedy has the session (the list opens anywhere, empty).
        "workshop_record": K,
    },
}


def _is_allowed(response) -> bool:
    if response.status_code in (403, 404, 405):
        return False
    if response.status_code in (301, 302):
        target = response["Location"]
        return not ("/login" in target or "/ingresar" in target or target == "/admin/")
    return response.status_code == 200


def _request(city: City, role: str, surface: Surface, site: str):
    client = city.client(role, site)
    path = surface.path(city)
    if surface.method == "POST":
        return client.post(path, surface.data(city) if surface.data else {})
    return client.get(path)


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_each_role_reaches_exactly_its_cells(city, role):
    wrong = []
    for name, surface in SURFACES.items():
        allowed_sites = ALLOWED[role].get(name, NONE)
        for site in "KBC":
            response = _request(city, role, surface, site)
            if _is_allowed(response) != (site in allowed_sites):
                wrong.append(f"{name}@{site}: {response.status_code}")
    assert not wrong, f"{role}: {wrong}"


def test_the_matrix_names_every_role_of_the_table():
    held = {role for role, _home in ROLE_HOMES.values() if role is not None}
    assert held == set(Role)
    assert set(ALLOWED) == set(ROLE_HOMES)


@pytest.mark.parametrize("role", ["facilitator", "locality_manager", "locality_admin"])
def test_locality_staff_list_only_their_locality_people(city, role):
    page = city.client(role, "K").get("/admin/users/").text
    assert "Kelly" in page  # enrolled in Kennedy
    assert "Bruno" not in page  # enrolled only in Bosa
    assert "Platform Admin" not in page
    # Documents are masked in the list, never whole (nor as usernames).
    assert "1012345678" not in page and "••••5678" in page


def test_platform_admin_lists_everyone(city):
    page = city.client("platform_admin", "B").get("/admin/users/").text
    assert "Kelly" in page and "Bruno" in page


def test_granting_a_role_really_grants_it_and_only_there(city):
    city.client("locality_manager", "K").post(
        f"/admin/users/edit/{city.kennedy_learner.pk}/",
        {"roles": [Role.FACILITATOR.value]},
    )
    with tenants_api.in_locality(SCHEMAS["K"]):
        assert roles_api.roles_of(city.kennedy_learner.pk) == {Role.FACILITATOR}
    with tenants_api.in_locality(SCHEMAS["B"]):
        assert roles_api.roles_of(city.kennedy_learner.pk) == set()


# --- Every page is in the matrix ------------------------------------------------

_OURS = (
    "lms.",
    "courses",
    "certificates",
    "h5p",
    "reporting",
    "tenants",
    "open_data",
    "monitoring",
)
# Pages outside the staff matrix, each with where its access is tested.
OUTSIDE_THE_MATRIX = {
    # Wagtail's page view, served through courses.routing (cached routes, ADR
    # 0026): the locality's public pages; Wagtail's view restrictions still
    # apply (tests/courses/test_page_cache.py).
    "wagtail_serve",
    # Anyone, or the person themself (tests/accounts/test_views.py, test_data_rights.py).
    "register",
    "data_policy",
    "verify_email",
    "my_data",
    "resend_verification",
    "my_data_json",
    "my_data_csv",
    "sensitive_data",
    "delete_account",
    # A learner's own pages and records (tests/learning/).
    "learning:mine",
    "learning:enroll",
    "learning:withdraw",
    "learning:check_in",
    "learning:quiz",
    "learning:unsubscribe",
    "learning_api:my_courses",
    "learning_api:enroll",
    "learning_api:withdraw",
    "learning_api:progress",
    "learning_api:openapi-json",
    "learning_api:openapi-view",
    "learning_api:api-root",
    # Public credential facts and the holder's own files (tests/certificates/).
    "certificates:verify_credential",
    "certificates:issuer",
    "certificates:key",
    "certificates:status_list",
    "certificates:mine",
    "certificates:pdf",
    "certificates:credential",
    # H5P player and results of the signed-in learner (tests/h5p/).
    "h5p:files",
    "h5p:activity",
    "h5p:player",
    "h5p:xapi",
    "h5p:state",
    # Anyone who sees a lesson reports a player that did not start
    # (tests/h5p/test_start_failures.py).
    "h5p:failure",
    # Course release screens: trainer and administrators (tests/courses/test_permissions.py).
    "courses_release",
    "courses_release_status",
    "courses_toggle_hidden",
    # Civic roles: public requirements and lottery data, the person's own
    # application (tests/participation/test_pages.py, including isolation).
    "participation:roles",
    "participation:role",
    "participation:withdraw",
    "participation:credential",
    "participation_api:list_roles",
    "participation_api:my_eligibility",
    "participation_api:openapi-json",
    "participation_api:openapi-view",
    "participation_api:api-root",
    "participation:requirements",
    "participation:lottery",
    # One locality's dashboard read from another site (tests/reporting/test_views.py).
    "reporting:locality",
    "reporting:locality_export",
    # Public monitoring pages of a locality, no sign-in; one locality's projects
    # only, and none at the campus (tests/monitoring/test_pages.py).
    "monitoring:projects",
    "monitoring:project",
    # A veedor's own pages, reports and their photos: the author, reviewers, and
    # everyone once published; one locality only (tests/monitoring/test_report_pages.py).
    "monitoring:report_form",
    "monitoring:my_projects",
    "monitoring:report",
    "monitoring:photo",
    "monitoring:letter",
    # A returned report, corrected by its author only (tests/monitoring/test_corrections.py).
    "monitoring:report_correct",
    # A veeduría's founding record: its members, and the staff who register
    # veedurías or review reports, one locality only
    # (tests/monitoring/test_founding_record.py walks each role).
    "monitoring:founding_record",
    # Open data of a locality, no sign-in: downloads and the read-only REST API;
    # published reports only, one locality only, 404 at the campus
    # (tests/monitoring/test_open_data.py, test_rest_fuzz.py).
    "monitoring:projects_csv",
    "monitoring:projects_json",
    "monitoring:reports_csv",
    "monitoring:reports_json",
    "monitoring:ocds",
    "monitoring:ocds_project",
    "monitoring_api:list_projects",
    "monitoring_api:project",
    "monitoring_api:list_reports",
    "monitoring_api:openapi-json",
    "monitoring_api:openapi-view",
    "monitoring_api:api-root",
    # Open data: datasets, versions, profiles and Parquet files are public on
    # every site (tests/open_data_labs/test_views.py, test_isolation.py).
    "open_data:list",
    "open_data:dataset",
    "open_data:profile",
    "open_data:download",
    # A learner's answers to a lab in a lesson: any signed-in person, like a
    # quiz in the lesson page (tests/open_data_labs/test_lesson_labs.py).
    "open_data:lab_answer",
}


def _our_url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _our_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            module = getattr(callback, "view_class", callback).__module__ or ""
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            ours = module.startswith(_OURS) or (namespace or "").startswith(
                (
                    "learning_api",
                    "participation_api",
                    "wagtailsnippets_h5p",
                    "monitoring_projects",
                    "monitoring_api",
                )
            )
            if ours:
                yield name


def test_every_url_is_in_the_matrix():
    covered = {name for s in SURFACES.values() for name in s.url_names}
    snippets = {
        n for n in _our_url_names(get_resolver().url_patterns) if "h5p_h5p" in n
    }
    missing = [
        name
        for name in _our_url_names(get_resolver().url_patterns)
        if name not in covered
        and name not in OUTSIDE_THE_MATRIX
        # The H5P snippet's other screens share its add permission.
        and name not in snippets - {"wagtailsnippets_h5p_h5pcontent:add"}
    ]
    assert not missing, f"Add these pages to tests/access/test_matrix.py: {missing}"
