"""The production settings use the pooler-safe backend and Redis-backed sessions."""

from __future__ import annotations

from tests.security.test_production_settings import _manage, _production_env


def test_production_connects_through_the_pooler_safe_backend():
    show = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['DISABLE_SERVER_SIDE_CURSORS'], settings.SESSION_ENGINE)"
    )
    done = _manage(
        "shell",
        "-c",
        show,
        env=_production_env(REDIS_CACHE_URL="redis://127.0.0.1:6379/0"),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    # The last line: Django's shell first says what it imported.
    assert done.stdout.strip().splitlines()[-1].split() == [
        "tenants.pooled_backend",
        "True",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_the_opt_out_keeps_django_tenants_own_backend():
    done = _manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])",
        env=_production_env(DATABASE_TRANSACTION_POOLER="false"),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "django_tenants.postgresql_backend"
