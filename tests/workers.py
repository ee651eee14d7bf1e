"""Real Celery workers for the tests where tenancy or crash-safety is the point.

A worker is a child process on the test database (``lms.database.url_for``) and
the test settings' broker; its log is kept for the test's messages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from django.db import connection

from lms.database import url_for

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORKER_FLAGS = (
    "--pool=solo",
    "--loglevel=INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
)


def worker_env(**extra: str) -> dict[str, str]:
    """The environment of a worker on this test database (call it with DB access)."""
    return dict(
        os.environ,
        DATABASE_URL=url_for(connection.settings_dict),
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        **extra,
    )


def wait_for(
    predicate: Callable[[], bool], seconds: float, message: str | Callable[[], str]
) -> None:
    """Poll until ``predicate()``; fail with ``message`` (or what it returns)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


def start_worker(
    env: dict[str, str],
    log: Path,
    *,
    module: Sequence[str] = ("celery", "-A", "lms", "worker"),
    args: Sequence[str] = (),
) -> subprocess.Popen:
    """Start a worker and wait until it says it is ready."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", *module, *WORKER_FLAGS, *args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    wait_for(lambda: "ready." in log.read_text(), 90, f"el worker no arrancó: {log}")
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
