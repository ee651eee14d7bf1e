"""A real Celery worker whose PDF step first pauses, so a test can kill it mid-way.

Run as ``python -m tests.certificates.slow_worker <celery worker args>``. When the
issuing task reaches the PDF step (the certificate row is inserted but not yet
committed) it writes ``CERTS_MARKER`` and sleeps ``CERTS_PAUSE`` seconds, then
renders for real. Nothing else changes: same app, same task, same database.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django

# The certificates' modules read the locality's address through tenants.api,
# which loads models: Django is set up first, as in any worker.
django.setup()

import certificates.pdf as pdf  # noqa: E402
from lms.celery import app  # noqa: E402

_real_render = pdf.render_pdf


def _paused_render(**kwargs):
    Path(os.environ["CERTS_MARKER"]).write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("CERTS_PAUSE", "0")))
    return _real_render(**kwargs)


pdf.render_pdf = _paused_render

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
