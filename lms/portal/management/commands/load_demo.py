"""Demo data for `make run`: an administrator account for trying the admin.

Development only; safe to run again (nothing is duplicated or overwritten).
Courses are authored at the campus and released to every locality.
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
        from lms.portal.demo_content import load_demo_courses

        for line in load_demo_courses():
            self.stdout.write(f"  {line}")
