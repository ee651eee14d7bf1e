"""Setting the project up: bad input gets one clear line in Spanish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import fasteners
import pytest

from lms.database import DatabaseSetupError, check_connection, database_config

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_a_database_url_that_is_not_postgres_is_refused_with_the_expected_form():
    with pytest.raises(DatabaseSetupError) as error:
        database_config({"DATABASE_URL": "mysql://ana:secreta@db/lms"})
    message = str(error.value)
    assert "no es una URL de PostgreSQL" in message
    assert "postgres://usuario:clave@servidor:5432/base" in message
    assert "secreta" not in message  # passwords are never printed


def test_an_unreachable_server_is_one_line_naming_host_and_fix():
    config = database_config({"DATABASE_URL": "postgres://ana@127.0.0.1:1/lms"})
    with pytest.raises(DatabaseSetupError) as error:
        check_connection(config)
    message = str(error.value)
    assert "\n" not in message
    assert "127.0.0.1:1" in message
    assert "Revise DATABASE_URL" in message


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_manage_py_with_an_unreachable_database_prints_one_line():
    done = _run(
        ["manage.py", "migrate_localities"],
        DATABASE_URL="postgres://ana@127.0.0.1:1/lms",
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error de base de datos: No se pudo conectar")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_second_make_run_says_so_and_touches_nothing(tmp_path):
    lock = fasteners.InterProcessLock(str(tmp_path / "run.lock"))
    assert lock.acquire(blocking=False)
    try:
        # A database URL that would fail if it were used: it must not be reached.
        done = _run(
            ["-m", "lms.devserver"],
            LMS_DATA_DIR=str(tmp_path),
            DATABASE_URL="postgres://ana@127.0.0.1:1/lms",
        )
    finally:
        lock.release()
    assert done.returncode == 1
    assert "Ya hay un `make run` en marcha" in done.stderr
    assert "Base de datos" not in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.lock"]


@pytest.mark.parametrize(
    ("settings_dict", "host", "port"),
    [
        (
            {"HOST": "/srv/pg", "USER": "lms", "PASSWORD": "", "NAME": "b"},
            "/srv/pg",
            "",
        ),
        (
            {
                "HOST": "10.0.0.5",
                "USER": "lms",
                "PASSWORD": "c",
                "NAME": "b",
                "PORT": 6543,
            },
            "10.0.0.5",
            6543,
        ),
    ],
)
def test_a_child_process_reaches_the_same_database(settings_dict, host, port):
    from lms.database import database_config, url_for

    config = database_config({"DATABASE_URL": url_for(settings_dict)})
    assert (config["HOST"], config["NAME"], config["USER"]) == (host, "b", "lms")
    assert (config.get("PORT") or "") == port
