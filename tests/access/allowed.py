"""The permission matrix's specification: for each role and surface, the sites
where the role may use it.

Written out by hand from the roles table (lms/locality_roles/data.py, ADR 0014):
Kennedy (K) and Bosa (B) are localities, the campus (C) is the city's school.
Every cell not listed here must be refused.
"""

from __future__ import annotations

from .surfaces import SURFACES

ALL = frozenset("KBC")
NONE: frozenset[str] = frozenset()
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
