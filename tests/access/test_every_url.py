"""Every page of ours is either in the permission matrix or named, with where its
access is tested, in ``OUTSIDE_THE_MATRIX``: a new page without either fails here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from .surfaces import SURFACES

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
    assert not missing, (
        "Add these pages to tests/access/surfaces.py and allowed.py, or to "
        f"OUTSIDE_THE_MATRIX: {missing}"
    )
