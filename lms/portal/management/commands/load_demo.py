"""Demo data for `make run`: an administrator account for trying the admin.

Development only; safe to run again (nothing is duplicated or overwritten).
Courses are authored at the campus and released to every locality; Kennedy
and Bosa get a handful of investment projects (one per line) to follow, and
collective-intelligence workshops covering some of their barrios.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Carga datos de demostración (solo en desarrollo)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo crea una cuenta con clave conocida: solo se permite con "
                "DEBUG activo (lms.settings.dev)."
            )
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username="admin",
            defaults={
                "email": "admin@example.org",
                "first_name": "Administración",
                "is_superuser": True,
                "is_staff": True,
            },
        )
        if created:
            admin.set_password("admin")
            admin.save(update_fields=["password"])
        self.stdout.write(
            "Cuenta de demostración: admin / admin"
            + (" (creada)" if created else " (ya existía)")
        )
        self._load_demo_people()
        from lms.portal.demo_content import load_demo_courses
        from lms.portal.demo_datasets import load_demo_datasets

        for line in load_demo_courses():
            self.stdout.write(f"  {line}")
        from lms.portal.demo_groups import load_demo_groups

        for line in load_demo_groups():
            self.stdout.write(f"  {line}")
        from lms.portal.demo_projects import load_demo_projects

        for line in load_demo_projects():
            self.stdout.write(f"  {line}")
        from lms.portal.demo_participation import load_demo_participation

        for line in load_demo_participation():
            self.stdout.write(f"  {line}")
        from lms.portal.demo_monitoring import load_demo_monitoring

        for line in load_demo_monitoring():
            self.stdout.write(f"  {line}")
        from lms.portal.demo_workshops import load_demo_workshops

        for line in load_demo_workshops():
            self.stdout.write(f"  {line}")
        for line in load_demo_datasets():
            self.stdout.write(f"  {line}")

    def _load_demo_people(self):
        """A trainer at the campus and a facilitator in Kennedy."""
        from datetime import date

        from lms.accounts import api as accounts_api
        from lms.locality_roles import api as roles_api
        from lms.locality_roles.data import Role
        from tenants import api as tenants_api

        people = [
            (
                "formadora@example.org",
                "1000000001",
                "teusaquillo",
                "campus",
                Role.TRAINER,
            ),
            (
                "facilitador@example.org",
                "1000000002",
                "kennedy",
                "kennedy",
                Role.FACILITATOR,
            ),
            (
                "gestora@example.org",
                "1000000003",
                "kennedy",
                "kennedy",
                Role.LOCALITY_MANAGER,
            ),
        ]
        for email, number, home, where, role in people:
            try:
                person = accounts_api.register_person(
                    first_name=role.value,
                    last_name="Demo",
                    email=email,
                    password="demo-clave-1",  # noqa: S106 - DEBUG only, checked above
                    document_type="CC",
                    document_number=number,
                    residence=home,
                    birth_date=date(1990, 1, 1),
                )
            except accounts_api.RegistrationError:
                continue  # already loaded (or the locality list is not there yet)
            if where in tenants_api.locality_schemas():
                with tenants_api.in_locality(where):
                    roles_api.grant_role(person.user_id, role)
            self.stdout.write(
                f"Cuenta de demostración: {email} / demo-clave-1 ({role})"
            )
