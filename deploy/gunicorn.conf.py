"""gunicorn settings for one web node (``make prod-local`` starts two).

The address comes from ``--bind``; the rest is the same for every node.
"""

import os
import shutil
import tempfile
from pathlib import Path

# Two cores on this machine kind: two processes, a few threads each (requests
# wait on the database and Redis more than they compute).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
keepalive = 30
# Restart each process now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# nginx is the only client and sets X-Forwarded-*.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"


def on_starting(server):
    """Each worker process writes its /metrics counters to files, summed on read.

    One folder per node (its port), emptied at start: a counter of a previous
    run must not be added to this one.
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        port = str(server.cfg.bind[0]).rsplit(":", 1)[-1]
        folder = str(Path(tempfile.gettempdir()) / f"lms-metrics-{port}")
    shutil.rmtree(folder, ignore_errors=True)
    Path(folder).mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # inherited by the workers


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
