"""Roles a person can hold in a locality (stdlib only)."""

from enum import StrEnum


class Role(StrEnum):
    """Each role is a Django group of that name inside the locality's schema."""

    FACILITATOR = "Facilitador"
    LOCALITY_MANAGER = "Gestor local"
    TRAINER = "Formador IDPAC"
    PROGRAM_MANAGER = "Gestor del programa"
    ADMINISTRATOR = "Administrador"


# What each role may do in a locality, as "app_label.codename" (model permissions
# and Wagtail's admin access). Applied to the role's group in every locality
# schema by ``api.apply_role_permissions``: on provisioning, after each migrate,
# and by ``manage.py apply_role_permissions``. Page-level permissions on courses
# belong to the courses app. Codenames of apps not installed are skipped.
# A learner needs no role: any signed-in person may enroll anywhere.
_ADMIN = "wagtailadmin.access_admin"
_MEDIA_USE = (
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)
_MEDIA_EDIT = (
    *_MEDIA_USE,
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
)
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    # Runs cohorts and in-person sessions: sees learning records and certificates.
    Role.FACILITATOR: (
        _ADMIN,
        *_MEDIA_USE,
        "accounts.add_user",  # bulk import of the sign-ups of a campaign
        "learning.view_xapistatement",
        "certificates.view_certificate",
    ),
    # Alcaldía Local staff: the locality's dashboard, rosters, local catalogue.
    Role.LOCALITY_MANAGER: (
        _ADMIN,
        *_MEDIA_EDIT,
        "accounts.add_user",
        "learning.view_xapistatement",
        "certificates.view_certificate",
        "courses.hide_city_course",
        "reporting.view_locality_dashboard",
    ),
    # IDPAC authors courses at the city campus, with H5P activities.
    Role.TRAINER: (
        _ADMIN,
        *_MEDIA_EDIT,
        "courses.release_course",
        "h5p.add_h5pcontent",
        "h5p.change_h5pcontent",
        "h5p.view_h5pcontent",
        "h5p.add_library",
    ),
    # City-wide dashboards and targets.
    Role.PROGRAM_MANAGER: (
        _ADMIN,
        "certificates.view_certificate",
        "reporting.view_city_dashboard",
        "reporting.view_locality_dashboard",
        "reporting.change_targets",
    ),
    # Runs the locality's site: people, groups, certificates, redirects.
    Role.ADMINISTRATOR: (
        _ADMIN,
        *_MEDIA_EDIT,
        "accounts.add_user",
        "accounts.view_user",
        "accounts.change_user",
        "auth.view_group",
        "auth.change_group",
        "certificates.view_certificate",
        "certificates.revoke_certificate",
        "courses.release_course",
        "courses.hide_city_course",
        "h5p.add_library",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
    ),
}
