"""Page permissions of the roles over a locality's course tree.

Role groups and their model permissions belong to ``lms.locality_roles``; which
pages each role may edit belongs here. At the city campus, trainers author city
courses. In a locality, locality managers and facilitators author local courses
under the home page; copied city courses stay read-only for them anyway
(``CityCopyPermissionTester``). Applied on provisioning and by
``manage.py apply_role_permissions`` style reruns (idempotent).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Site

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

CAMPUS_PAGE_RIGHTS = {
    Role.TRAINER: ("add_page", "change_page", "publish_page", "lock_page")
}
LOCALITY_PAGE_RIGHTS = {
    Role.LOCALITY_MANAGER: ("add_page", "change_page", "publish_page"),
    Role.FACILITATOR: ("add_page", "change_page"),
}


@transaction.atomic
def apply_page_permissions() -> int:
    """Give the active locality's role groups their rights over its home page tree."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return 0
    at_campus = tenants_api.current_schema() == settings.CITY_CAMPUS_SCHEMA
    rights = CAMPUS_PAGE_RIGHTS if at_campus else LOCALITY_PAGE_RIGHTS
    roles_api.apply_role_permissions()  # the groups exist before they get pages
    created = 0
    for role, codenames in rights.items():
        group = Group.objects.get(name=role.value)
        for codename in codenames:
            _, was_created = GroupPagePermission.objects.get_or_create(
                group=group,
                page=site.root_page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
            created += was_created
    return created


def on_locality_provisioned(sender, **kwargs) -> None:
    apply_page_permissions()
