"""Roles carry their permissions in every locality, and only there."""

from __future__ import annotations

from django.contrib.auth.models import Group

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import ROLE_PERMISSIONS, Role
from tenants import api as tenants_api


def test_every_locality_has_every_role_with_its_permissions(town_a, town_b, campus):
    for schema in (town_a, town_b, campus):
        with tenants_api.in_locality(schema):
            group = Group.objects.get(name=Role.TRAINER.value)
            names = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.all()
            }
            assert "wagtailadmin.access_admin" in names
            assert "h5p.add_library" in names
            assert names <= set(ROLE_PERMISSIONS[Role.TRAINER])


def test_apply_role_permissions_undoes_hand_edits(in_town_a):
    group = Group.objects.get(name=Role.FACILITATOR.value)
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="add_library"))
    roles_api.apply_role_permissions()
    assert not group.permissions.filter(codename="add_library").exists()


def test_facilitator_in_kennedy_gets_admin_there_and_nothing_in_bosa(
    town_a, town_b, make_person, client_a, client_b
):
    person = make_person()
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(person.pk, Role.FACILITATOR)
        client_a.force_login(person)
        fresh = type(person).objects.get(pk=person.pk)
        assert fresh.has_perm("wagtailadmin.access_admin")
        assert not fresh.has_perm("h5p.add_library")  # trainers only
    with tenants_api.in_locality(town_b):
        client_b.force_login(person)
        fresh = type(person).objects.get(pk=person.pk)
        assert not fresh.has_perm("wagtailadmin.access_admin")
        assert roles_api.roles_of(person.pk) == set()
    assert client_a.get("/admin/").status_code == 200
    assert client_b.get("/admin/").status_code == 302
