"""System check: the template schema must not be behind the migrations.

Tagged ``database`` so it runs with ``manage.py check --database default``
(``make check``, deploy) and not on every command.
"""

from django.core.checks import Error, Tags, register


@register(Tags.database)
def template_schema_is_current(app_configs, databases=None, **kwargs):
    if not databases:
        return []
    from .api import template_pending_migrations

    pending = template_pending_migrations()
    if not pending:
        return []
    return [
        Error(
            "El esquema plantilla de localidades está atrasado: "
            f"{len(pending)} migraciones sin aplicar ({', '.join(pending[:5])}).",
            hint="Ejecute `python manage.py migrate_localities` antes de crear "
            "localidades nuevas: se clonan de esa plantilla.",
            id="tenants.E001",
        )
    ]
