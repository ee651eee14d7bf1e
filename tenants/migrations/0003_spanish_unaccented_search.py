"""Spanish full-text search that ignores accents, for every schema.

``unaccent`` and the text search configuration ``lms_es`` (Spanish stemming
after removing accents) live in the public schema, which is on every locality's
search path, so one copy serves the campus and all localities (ADR 0028). This
app is shared, so django-tenants runs this migration in ``public`` only.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
        WHERE c.cfgname = 'lms_es' AND n.nspname = 'public'
    ) THEN
        CREATE TEXT SEARCH CONFIGURATION public.lms_es (COPY = pg_catalog.spanish);
        ALTER TEXT SEARCH CONFIGURATION public.lms_es
            ALTER MAPPING FOR hword, hword_part, word
            WITH public.unaccent, pg_catalog.spanish_stem;
    END IF;
END
$$;
"""

# The extension stays: other objects (indexes, lookups) may use it.
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.lms_es;"


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_task_outbox")]

    operations = [migrations.RunSQL(CREATE, DROP)]
