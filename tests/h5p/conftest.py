"""H5P fixtures: the shared real packages, a trainer and a facilitator in Kennedy."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.locality_roles.api import Role, grant_role

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "h5p"


def _packages(kind: str) -> list[Path]:
    folder = FIXTURES / kind
    return sorted(folder.glob("*.h5p")) if folder.is_dir() else []


VALID = _packages("valid")
INVALID = _packages("invalid")

needs_fixtures = pytest.mark.skipif(
    not VALID or not INVALID,
    reason=f"No están los paquetes H5P de prueba en {FIXTURES} (../shared ausente).",
)


def give_library_permission(role: Role) -> None:
    """What the roles work will do for trainers: grant ``h5p.add_library``."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=role.value)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="h5p", codename="add_library"),
        Permission.objects.get(
            content_type__app_label="h5p", codename="add_h5pcontent"
        ),
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
    )


def _forget_media_root() -> None:
    # django-tenants caches MEDIA_ROOT in TenantFileSystemStorage and its
    # setting_changed handler does not clear it: drop the cached value.
    from django.core.files.storage import default_storage

    default_storage._setup()
    default_storage._wrapped.__dict__.pop("relative_media_root", None)


@pytest.fixture
def h5p_media(settings, tmp_path):
    """A fresh media root per test, so stored files can be compared exactly."""
    settings.MEDIA_ROOT = tmp_path
    _forget_media_root()
    yield tmp_path
    _forget_media_root()


@pytest.fixture
def trainer(in_town_a, make_person):
    person = make_person()
    give_library_permission(Role.TRAINER)
    grant_role(person.pk, Role.TRAINER)
    return person


@pytest.fixture
def facilitator(in_town_a, make_person):
    """May upload content (admin access, add content) but not new libraries."""
    from django.contrib.auth.models import Group, Permission

    person = make_person()
    group, _ = Group.objects.get_or_create(name=Role.FACILITATOR.value)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="h5p", codename="add_h5pcontent"
        ),
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
    )
    grant_role(person.pk, Role.FACILITATOR)
    return person
