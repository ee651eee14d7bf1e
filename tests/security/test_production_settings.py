"""Production settings: the deploy checks pass, and missing secrets stop the start.

Each case runs ``manage.py`` in a child process, as a deployment would, with
``lms.settings.production`` and only the environment given here.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from lms.database import url_for

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def _production_env(**overrides: str) -> dict[str, str]:
    seed = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        # The server this run already uses (never start an embedded one).
        "DATABASE_URL": url_for(settings.DATABASES["default"]),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "CERTIFICATE_SIGNING_KEY": f"prueba-1:{seed}",
        "MEDIA_S3_BUCKET": "medios",
    }
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
        env.pop(name, None)  # the deployment defaults are what is checked
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_find_no_issue_with_production_settings():
    done = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env()
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_a_weak_secret_key_fails_the_deploy_checks():
    # The same command does fail when something is wrong (the check is live).
    done = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_production_env(DJANGO_SECRET_KEY="corta"),
    )

    assert done.returncode == 1
    assert "security.W009" in done.stderr


def test_production_refuses_to_start_without_the_secret_key():
    done = _manage("check", env=_production_env(DJANGO_SECRET_KEY=""))

    assert done.returncode == 2
    assert done.stderr.startswith(
        "Error de configuración: Falta la variable de entorno DJANGO_SECRET_KEY"
    )
    assert "Traceback" not in done.stderr


def test_production_refuses_to_start_without_the_certificate_signing_key():
    done = _manage("check", env=_production_env(CERTIFICATE_SIGNING_KEY=" "))

    assert done.returncode == 2
    assert "CERTIFICATE_SIGNING_KEY" in done.stderr
    assert "Traceback" not in done.stderr
