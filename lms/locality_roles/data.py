"""Roles a person can hold in a locality, and the one table of what each may do.

Stdlib only. Every permission decision of the platform starts from ``ROLE_POLICY``:
the Django permissions a role's group gets (Wagtail menus and model actions follow
from them), which roles it may hand out, and what it may see of people. The
enforcement points (Wagtail's user screens, bulk actions, the REST API, each app's
``access_*`` functions) read this table through ``lms.locality_roles.api``; the
permission matrix test (tests/access/) checks every role, surface and locality.

Roles are per schema: a role granted in Kennedy grants nothing in Bosa. The
platform administrator is not a role: it is the account flag ``is_superuser``,
which only another platform administrator can set (ADR 0014).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Each role is a Django group of that name inside the locality's schema."""

    FACILITATOR = "Facilitador"
    LOCALITY_MANAGER = "Gestor local"
    TRAINER = "Formador IDPAC"
    PROGRAM_MANAGER = "Gestor del programa"
    # Runs one locality's site. Named apart from Wagtail's «Administrador» flag
    # (is_superuser), which is the platform administrator's alone.
    ADMINISTRATOR = "Administrador local"


class Where(StrEnum):
    """Where a role may be held: a locality's site or the city campus."""

    LOCALITY = "locality"
    CAMPUS = "campus"


@dataclass(frozen=True)
class RolePolicy:
    """What one role may do in the schema where it is held.

    ``permissions``: "app_label.codename" given to the role's group.
    ``may_grant``: the roles it may give to or take from others there (never one
    above its own, never the platform administrator's flags).
    ``where``: the kind of site where the role can be granted.
    """

    permissions: tuple[str, ...]
    may_grant: frozenset[Role] = field(default_factory=frozenset)
    where: frozenset[Where] = frozenset({Where.LOCALITY})


# Wagtail's admin; who sees the people of the locality (Wagtail's «Usuarios»,
# scoped to people enrolled, attending, holding a role, living or registered
# there); who registers people in person (and may therefore find one by the full
# document number, logged); who may reveal a full document number (logged).
_ADMIN = "wagtailadmin.access_admin"
SEE_PEOPLE = "accounts.view_user"
REGISTER_PEOPLE = "accounts.add_user"
CHANGE_ROLES = "accounts.change_user"
FIND_BY_DOCUMENT = "accounts.find_person_by_document"
VIEW_DOCUMENT = "accounts.view_person_document"
_MEDIA_USE = (
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)
# The locality's investment projects (citizen monitoring): who keeps the registry
# and its official figures (create, edit, import, refresh the outside sources).
_PROJECTS_VIEW = "monitoring.view_investmentproject"
_PROJECTS_KEEP = (
    _PROJECTS_VIEW,
    "monitoring.add_investmentproject",
    "monitoring.change_investmentproject",
    "monitoring.import_projects",
)
# Citizen monitoring: a second person checks a veedor's report for privacy and
# publishes it or returns it; managers register veedurías and assign projects.
_REPORTS_REVIEW = "monitoring.review_citizenreport"
# The alcaldía local answers published reports (a petition's legal term).
_REPORTS_ANSWER = "monitoring.answer_citizenreport"
# Collective-intelligence workshops: a facilitator marks the sessions of the
# groups they run as workshops and records the barrios reached; a manager may
# do it for any session of the locality.
_WORKSHOPS = "monitoring.record_workshop"
_ANY_WORKSHOP = "monitoring.record_any_workshop"
_VEEDURIAS_KEEP = (
    "monitoring.add_veeduria",
    "monitoring.add_assignment",
)
_MEDIA_EDIT = (
    *_MEDIA_USE,
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
)
# Open data: create datasets and add versions (upload, portal import, turning a
# table, correcting a type). Reading them is public (they are open data), and so
# is the lab's guided builder; its SQL editor needs an account, not a role
# (ADR 0024): no permission below is about analysing open data.
_OPEN_DATA = (
    "open_data_labs.add_dataset",
    "open_data_labs.change_dataset",
    "open_data_labs.add_snapshot",
)

ROLE_POLICY: dict[Role, RolePolicy] = {
    # Runs cohorts and in-person sessions; registers people who arrive without an
    # account (bulk import or one by one) and finds them by document to do so.
    Role.FACILITATOR: RolePolicy(
        permissions=(
            _ADMIN,
            *_MEDIA_USE,
            SEE_PEOPLE,
            REGISTER_PEOPLE,
            FIND_BY_DOCUMENT,
            "learning.view_xapistatement",
            "certificates.view_certificate",
            # Reads the registry to prepare workshops and monitoring visits.
            _PROJECTS_VIEW,
            _REPORTS_REVIEW,
            _WORKSHOPS,
        ),
    ),
    # Alcaldía Local staff: the locality's dashboard, rosters, local catalogue,
    # and who facilitates there.
    Role.LOCALITY_MANAGER: RolePolicy(
        permissions=(
            _ADMIN,
            *_MEDIA_EDIT,
            SEE_PEOPLE,
            REGISTER_PEOPLE,
            CHANGE_ROLES,
            FIND_BY_DOCUMENT,
            VIEW_DOCUMENT,
            "learning.view_xapistatement",
            "certificates.view_certificate",
            "courses.hide_city_course",
            "reporting.view_locality_dashboard",
            *_PROJECTS_KEEP,
            _REPORTS_REVIEW,
            _REPORTS_ANSWER,
            *_VEEDURIAS_KEEP,
            _WORKSHOPS,
            _ANY_WORKSHOP,
            "participation.select_applicants",
            *_OPEN_DATA,
        ),
        may_grant=frozenset({Role.FACILITATOR}),
    ),
    # IDPAC authors courses at the city campus, with H5P activities.
    Role.TRAINER: RolePolicy(
        permissions=(
            _ADMIN,
            *_MEDIA_EDIT,
            "courses.release_course",
            "h5p.add_h5pcontent",
            "h5p.change_h5pcontent",
            "h5p.view_h5pcontent",
            "h5p.add_library",
            *_OPEN_DATA,
        ),
        where=frozenset({Where.CAMPUS}),
    ),
    # City-wide dashboards and targets: figures, not people.
    Role.PROGRAM_MANAGER: RolePolicy(
        permissions=(
            _ADMIN,
            "certificates.view_certificate",
            "reporting.view_city_dashboard",
            "reporting.view_locality_dashboard",
            "reporting.change_targets",
        ),
        where=frozenset({Where.CAMPUS}),
    ),
    # Runs the locality's site: its staff, certificates, redirects. Group
    # permissions themselves are this table's, never edited in the admin.
    Role.ADMINISTRATOR: RolePolicy(
        permissions=(
            _ADMIN,
            *_MEDIA_EDIT,
            SEE_PEOPLE,
            REGISTER_PEOPLE,
            CHANGE_ROLES,
            FIND_BY_DOCUMENT,
            VIEW_DOCUMENT,
            "certificates.view_certificate",
            "certificates.revoke_certificate",
            "courses.release_course",
            "courses.hide_city_course",
            "h5p.add_library",
            "wagtailredirects.add_redirect",
            "wagtailredirects.change_redirect",
            "wagtailredirects.delete_redirect",
            *_PROJECTS_KEEP,
            # Removing a project (one registered by mistake) is the site's call.
            "monitoring.delete_investmentproject",
            # Registers veedurías and assigns projects; reviewing reports is the
            # facilitators' and managers' (a second person close to the ground).
            *_VEEDURIAS_KEEP,
            "participation.select_applicants",
            # Role events the outside platform has not accepted: the site's
            # technical side (see them, send one again).
            "participation.retry_webhookdelivery",
            *_OPEN_DATA,
        ),
        may_grant=frozenset({Role.FACILITATOR, Role.LOCALITY_MANAGER}),
    ),
}

# The permissions alone, as the groups get them (kept for readers of the old name).
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    role: policy.permissions for role, policy in ROLE_POLICY.items()
}

# Account fields a role-holder may set when registering someone in person. The
# rest of an account (email, names, password) belongs to its owner, who corrects
# it in «Mis datos»: changing someone's email from a locality would let its staff
# take over a city-wide account through the password-reset mail.
REGISTRATION_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "document_type",
    "document_number",
    "residence",
    "birth_date",
)
# Only the platform administrator sets these, and only on other accounts.
PLATFORM_FLAGS = ("is_superuser", "is_staff", "is_active")
